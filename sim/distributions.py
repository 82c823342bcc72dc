"""Random durations and quantities: one small class per kind, built from the flat
``{kind, <parameters>}`` config (``sim.schema.Distribution``).

Each class draws vectors from a NumPy generator handed to it, so the caller decides
which named stream a draw comes from (see ``sim.streams``); knows its mean (for
queueing theory, ``sim.analysis.theory``); and says what is wrong with its parameters.
``build`` makes the one a config names; ``check`` lists a config's problems first.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np

from sim.schema import Distribution, DistributionKind


class Kind:
    """What every distribution has: its parameters (in the order the constructor takes
    them), ``sample``, ``mean`` and ``problems``."""

    kind: ClassVar[DistributionKind]
    parameters: ClassVar[tuple[str, ...]]  # required
    optional: ClassVar[tuple[str, ...]] = ()
    mean: float

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        raise NotImplementedError

    def problems(self, key: str) -> list[str]:
        """What is wrong beyond missing, non-finite or negative parameters (checked for
        every kind by ``check``), each naming ``key``."""
        return []


class Exponential(Kind):
    """Memoryless (the validation configs' M/M/c and Jackson-network services)."""

    kind = DistributionKind.exponential
    parameters = ("mean",)

    def __init__(self, mean: float):
        self.mean = float(mean)

    def sample(self, rng, size):
        return rng.exponential(self.mean, size)

    def problems(self, key):
        return [] if self.mean > 0 else [f"{key}.mean = {self.mean}: an exponential mean must be > 0"]


class Lognormal(Kind):
    """median x exp(sigma x Z): right-skewed, as service times are."""

    kind = DistributionKind.lognormal
    parameters = ("median", "sigma")

    def __init__(self, median: float, sigma: float):
        self.median, self.sigma = median, sigma

    def sample(self, rng, size):
        return self.median * np.exp(self.sigma * rng.standard_normal(size))

    @property
    def mean(self) -> float:
        return float(self.median * math.exp(self.sigma**2 / 2))

    def problems(self, key):
        return [] if self.median > 0 else [f"{key}.median = {self.median}: a lognormal median must be > 0"]


class Gamma(Kind):
    """Given by its mean and coefficient of variation (shape 1 / cv²)."""

    kind = DistributionKind.gamma
    parameters = ("mean", "cv")

    def __init__(self, mean: float, cv: float):
        self.mean, self.cv = float(mean), cv

    def sample(self, rng, size):
        shape = 1.0 / (self.cv * self.cv)
        return rng.gamma(shape, self.mean / shape, size)

    def problems(self, key):
        if self.mean > 0 and self.cv > 0:
            return []
        return [f"{key}: gamma needs mean > 0 and cv > 0 (got mean={self.mean}, cv={self.cv})"]


class Triangular(Kind):
    """Between low and high, most likely at mode (low = high: always that value)."""

    kind = DistributionKind.triangular
    parameters = ("low", "mode", "high")

    def __init__(self, low: float, mode: float, high: float):
        self.low, self.mode, self.high = low, mode, high

    def sample(self, rng, size):
        if self.low == self.high:  # NumPy refuses a triangle of width zero
            return np.full(size, float(self.low))
        return rng.triangular(self.low, self.mode, self.high, size)

    @property
    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3.0

    def problems(self, key):
        if self.low <= self.mode <= self.high:
            return []
        return [f"{key}: triangular needs low <= mode <= high (got {self.low}, {self.mode}, {self.high})"]


class Fixed(Kind):
    """Always the same value (deterministic teaching and test configs)."""

    kind = DistributionKind.fixed
    parameters = ("value",)

    def __init__(self, value: float):
        self.value = value

    def sample(self, rng, size):
        return np.full(size, float(self.value))

    @property
    def mean(self) -> float:
        return float(self.value)


class Empirical(Kind):
    """One of the given values, with probability proportional to its weight (equal
    without weights). Booked patients' punctuality uses it too, with negative values."""

    kind = DistributionKind.empirical
    parameters = ("values",)
    optional = ("weights",)

    def __init__(self, values: list[float], weights: list[float] | None = None):
        self.values = np.asarray(values, dtype=float)
        self.weights = None if weights is None else np.asarray(weights, dtype=float)

    def sample(self, rng, size):
        p = None if self.weights is None else self.weights / float(np.sum(self.weights))
        return rng.choice(self.values, size=size, p=p)

    @property
    def mean(self) -> float:
        weights = np.ones_like(self.values) if self.weights is None else self.weights
        return float(np.sum(self.values * weights) / np.sum(weights))

    def problems(self, key):
        if len(self.values) == 0:
            return [f"{key}.values is empty: an empirical distribution needs at least one value"]
        if self.weights is None:
            return []
        if len(self.weights) != len(self.values):
            return [f"{key}.weights has {len(self.weights)} entries but values has {len(self.values)}: they must match"]
        if np.all(self.weights >= 0) and np.sum(self.weights) <= 0:  # negative weights are reported as such
            return [f"{key}.weights = {self.weights.tolist()}: must not all be zero"]
        return []


class Normal:
    """mean + sd x Z, negative values included: booked patients' punctuality (minutes
    from slot time to arrival), not a duration, so not a kind of ``Distribution``."""

    def __init__(self, mean: float, sd: float):
        self.mean, self.sd = mean, sd

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return self.mean + self.sd * rng.standard_normal(size)


KINDS: dict[DistributionKind, type[Kind]] = {
    cls.kind: cls for cls in (Exponential, Lognormal, Gamma, Triangular, Fixed, Empirical)
}


def build(spec: Distribution) -> Kind:
    """The distribution a (checked) config describes."""
    cls = KINDS[spec.kind]
    return cls(*(getattr(spec, name) for name in cls.parameters + cls.optional))


def check(spec: Distribution, key: str) -> list[str]:
    """Problems with a distribution config, each naming ``key`` and what is allowed:
    a kind there is not, a parameter the kind needs missing, one it uses negative or
    not finite, then what the kind's class finds."""
    cls = KINDS.get(spec.kind)
    if cls is None:
        return [f"{key}.kind = {str(spec.kind)!r}: unknown distribution; allowed: {', '.join(KINDS)}"]
    missing = [name for name in cls.parameters if getattr(spec, name) is None]
    if missing:
        needs = ", ".join(cls.parameters)
        return [f"{key}.{name} is missing: a {spec.kind} distribution needs {needs}" for name in missing]
    problems = []
    for name in cls.parameters + cls.optional:
        value = getattr(spec, name)
        values = list(value) if isinstance(value, list | tuple) else [value]
        if value is not None and any(v is None or not math.isfinite(v) or v < 0 for v in values):
            problems.append(f"{key}.{name} = {value!r}: must be finite and >= 0")
    return problems or build(spec).problems(key)
