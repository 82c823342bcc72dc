"""Service-time and delay distributions, built from a flat ``{kind, <parameters>}`` config.

Each distribution draws vectors from a NumPy generator handed to it, so the caller
decides which named stream a draw comes from (see ``sim.streams``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.schema import Distribution

# kind -> (required parameters, optional parameters)
PARAMETERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "exponential": (("mean",), ()),
    "lognormal": (("median", "sigma"), ()),
    "gamma": (("mean", "cv"), ()),
    "triangular": (("low", "mode", "high"), ()),
    "fixed": (("value",), ()),
    "empirical": (("values",), ("weights",)),
}
ALL_PARAMETERS = ("mean", "median", "sigma", "cv", "low", "mode", "high", "value", "values", "weights")


def check(spec: Distribution, key: str) -> list[str]:
    """Problems with a distribution config, each naming ``key`` and what is allowed."""
    if spec.kind not in PARAMETERS:
        return [f"{key}.kind = {spec.kind!r}: unknown distribution; allowed: {', '.join(PARAMETERS)}"]
    required, optional = PARAMETERS[spec.kind]
    problems = []
    for name in required:
        if getattr(spec, name) is None:
            problems.append(f"{key}.{name} is missing: a {spec.kind} distribution needs {', '.join(required)}")
    if problems:
        return problems
    for name in required + optional:
        value = getattr(spec, name)
        values = list(value) if isinstance(value, (list, tuple)) else [value]
        if value is not None and any(v is None or not math.isfinite(v) or v < 0 for v in values):
            problems.append(f"{key}.{name} = {value!r}: must be finite and >= 0")
    if problems:
        return problems
    if spec.kind == "exponential" and spec.mean <= 0:
        problems.append(f"{key}.mean = {spec.mean}: an exponential mean must be > 0")
    if spec.kind == "lognormal" and spec.median <= 0:
        problems.append(f"{key}.median = {spec.median}: a lognormal median must be > 0")
    if spec.kind == "gamma" and (spec.mean <= 0 or spec.cv <= 0):
        problems.append(f"{key}: gamma needs mean > 0 and cv > 0 (got mean={spec.mean}, cv={spec.cv})")
    if spec.kind == "triangular" and not spec.low <= spec.mode <= spec.high:
        problems.append(f"{key}: triangular needs low <= mode <= high (got {spec.low}, {spec.mode}, {spec.high})")
    if spec.kind == "empirical":
        if len(spec.values) == 0:
            problems.append(f"{key}.values is empty: an empirical distribution needs at least one value")
        elif spec.weights is not None:
            if len(spec.weights) != len(spec.values):
                problems.append(
                    f"{key}.weights has {len(spec.weights)} entries but values has {len(spec.values)}: they must match"
                )
            elif sum(spec.weights) <= 0:
                problems.append(f"{key}.weights = {list(spec.weights)}: must not all be zero")
    return problems


@dataclass(frozen=True)
class Sampler:
    """Draws from one configured distribution."""

    spec: Distribution

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        s = self.spec
        kind = s.kind
        if kind == "exponential":
            return rng.exponential(s.mean, size)
        if kind == "lognormal":
            return s.median * np.exp(s.sigma * rng.standard_normal(size))
        if kind == "gamma":
            shape = 1.0 / (s.cv * s.cv)
            return rng.gamma(shape, s.mean / shape, size)
        if kind == "triangular":
            if s.low == s.high:
                return np.full(size, float(s.low))
            return rng.triangular(s.low, s.mode, s.high, size)
        if kind == "fixed":
            return np.full(size, float(s.value))
        if kind == "empirical":
            values = np.asarray(s.values, dtype=float)
            p = None if s.weights is None else np.asarray(s.weights, dtype=float) / float(np.sum(s.weights))
            return rng.choice(values, size=size, p=p)
        raise ValueError(f"unknown distribution kind {kind!r}")

    @property
    def mean(self) -> float:
        s = self.spec
        if s.kind in ("exponential", "gamma"):
            return float(s.mean)
        if s.kind == "lognormal":
            return float(s.median * math.exp(s.sigma**2 / 2))
        if s.kind == "triangular":
            return (s.low + s.mode + s.high) / 3.0
        if s.kind == "fixed":
            return float(s.value)
        values = np.asarray(s.values, dtype=float)
        weights = np.ones_like(values) if s.weights is None else np.asarray(s.weights, dtype=float)
        return float(np.sum(values * weights) / np.sum(weights))
