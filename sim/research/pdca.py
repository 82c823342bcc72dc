"""The Plan-Do-Check-Act loop: improvement cycles over simulations.

Each cycle starts from the current scenario (at first, the configured one):

* **Plan** — the cause of complaints whose rate (``research.pdca.cause_kpi``, e.g.
  expected complaints of an HCAT category per 1,000 visits) is highest in the current
  scenario, among the causes that still have an untried change;
* **Do** — the next untried change mapped to that cause (``research.pdca.changes``: an
  intervention of ``conf/intervention/``, applied as a patch the way Hydra merges it,
  or ``key=value`` overrides), simulated with the same seed as the current scenario;
* **Check** — the paired difference in ``research.pdca.kpi`` between the changed
  scenario and the current one, replication by replication (common random numbers),
  with its interval;
* **Act** — keep the change when the interval lies wholly on the better side of zero
  (a significant improvement), else revert it; the next cycle plans again from the
  scenario kept.

The loop stops after ``research.pdca.cycles`` cycles or when no cause has a change
left. What a cycle finds depends on what the simulations say: each Plan reads the
causes' rates from the scenario the previous Act left. Every scenario's replications
go through ``sim.research.evaluations``, so a loop run again into its directory replays
its finished cycles from the stored evaluations and goes on where it stopped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import OverrideParseException
from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.analysis import compare
from sim.analysis import kpis as kpi_catalogue
from sim.analysis.stats import t_interval
from sim.config.compose import CONF_DIR, describe_error, to_typed
from sim.config.validate import ConfigError
from sim.research.evaluations import Evaluator
from sim.research.sensitivity import check_kpis
from sim.schema import Config

KEPT, REVERTED = "kept", "reverted"


@dataclass(frozen=True)
class Change:
    """A change to try: interventions (by name) and overrides, as configured."""

    text: str
    interventions: tuple[str, ...]
    overrides: tuple[str, ...]

    def apply(self, cfg: Config) -> Config:
        """``cfg`` with the interventions merged in (as Hydra merges an intervention's
        file) and the overrides applied; checked like any configuration."""
        conf = OmegaConf.structured(cfg)
        try:
            for name in self.interventions:
                conf = OmegaConf.merge(conf, OmegaConf.load(CONF_DIR / "intervention" / f"{name}.yaml"))
            for text in self.overrides:
                override = OverridesParser.create().parse_override(text)
                OmegaConf.update(conf, override.key_or_group, override.value(), merge=True)
        except (OmegaConfBaseException, OverrideParseException) as error:
            raise ConfigError([f"research.pdca.changes: {self.text!r}: {describe_error(error) or error}"]) from None
        return to_typed(conf)


def parse_change(text: str) -> Change:
    """``"queue_information"`` or ``"hospital.cashier.servers=2 hospital.pharmacy.servers=2"``
    (several interventions and overrides may be mixed, separated by spaces)."""
    words = text.split()
    return Change(text, tuple(w for w in words if "=" not in w), tuple(w for w in words if "=" in w))


def interventions_available() -> list[str]:
    return sorted(path.stem for path in (CONF_DIR / "intervention").glob("*.yaml"))


@dataclass
class Scenario:
    """A scenario the loop simulated: its config, the changes it carries, its KPIs by
    replication."""

    cfg: Config
    changes: list[str]
    kpis: pd.DataFrame

    def mean(self, kpi: str) -> float:
        return float(self.kpis[kpi].mean())

    def interval(self, kpi: str, confidence: float) -> dict:
        return t_interval(self.kpis[kpi].to_numpy(dtype=float), confidence)


@dataclass
class PdcaResult:
    """The cycles (one row each) and every scenario's complaint rate."""

    cycles: pd.DataFrame
    baseline: Scenario
    final: Scenario
    kpi: str
    plans: list[dict[str, float]] = field(default_factory=list)  # each cycle's rate of every cause, at Plan
    stopped: str = ""  # why the loop ended before its last cycle ("" if it did not)
    evaluations: dict[str, int] = field(default_factory=dict)


def check(cfg: Config) -> dict[str, list[Change]]:
    """The changes by cause, every problem refused before anything runs."""
    spec = cfg.research.pdca
    problems = check_kpis(cfg, [spec.kpi], "research.pdca.kpi")
    known = set(interventions_available())
    changes: dict[str, list[Change]] = {}
    if "{cause}" not in spec.cause_kpi:
        problems.append(f"research.pdca.cause_kpi = {spec.cause_kpi!r}: must contain {{cause}}")
    elif spec.changes:
        names = [spec.cause_kpi.format(cause=cause) for cause in spec.changes]
        problems += check_kpis(cfg, names, "research.pdca.changes (a cause's KPI, research.pdca.cause_kpi)")
    if not any(spec.changes.values()):
        problems.append("research.pdca.changes: no change to try; map at least one cause to a change")
    checked: dict[str, list[str]] = {}  # change -> its problems (a change may serve several causes)
    for cause, texts in spec.changes.items():
        changes[cause] = []
        for text in texts:
            change = parse_change(text)
            if text not in checked:
                checked[text] = _problems(change, cfg, known)
            problems += [f"research.pdca.changes.{cause}: {text!r}: {p}" for p in checked[text]]
            if not checked[text]:
                changes[cause].append(change)
    if problems:
        raise ConfigError(problems)
    return changes


def _problems(change: Change, cfg: Config, known: set[str]) -> list[str]:
    """Why ``change`` cannot be applied to ``cfg`` (none: it can)."""
    unknown = [name for name in change.interventions if name not in known]
    if unknown or not change.text.split():
        return [
            f"{', '.join(unknown) or 'empty'} is no intervention (interventions: {', '.join(sorted(known))}); "
            "overrides are written key=value"
        ]
    try:
        change.apply(cfg)
    except ConfigError as error:
        return [problem.removeprefix(f"research.pdca.changes: {change.text!r}: ") for problem in error.problems]
    return []


def run(cfg: Config, directory: Path | None = None, progress: bool = False) -> PdcaResult:
    """The loop (see the module docstring)."""
    spec = cfg.research.pdca
    changes = check(cfg)
    lower_is_better = kpi_catalogue.describe(spec.kpi).better != kpi_catalogue.Better.HIGHER
    replications = range(cfg.run.replications)
    tried: set[str] = set()
    rows, plans = [], []
    stopped = ""
    with Evaluator(cfg, directory, progress, "PDCA") as evaluator:

        def simulate(variant: Config, carried: list[str]) -> Scenario:
            outputs = evaluator.replications([variant], replications)[0]
            return Scenario(variant, carried, pd.DataFrame(outputs))

        baseline = current = simulate(cfg, [])
        for cycle in range(1, spec.cycles + 1):
            plan = _plan(current, changes, tried, spec.cause_kpi)
            if plan is None:
                stopped = f"after {cycle - 1} cycle(s): no cause has an untried change"
                break
            cause, change, ranking = plan
            plans.append(dict(ranking))
            tried.add(change.text)
            candidate = simulate(change.apply(current.cfg), [*current.changes, change.text])
            difference = compare.paired_difference(current.kpis[spec.kpi], candidate.kpis[spec.kpi], spec.confidence)
            better = difference["difference_ci_high"] < 0 if lower_is_better else difference["difference_ci_low"] > 0
            decision = KEPT if better else REVERTED
            rows.append(_row(cycle, cause, ranking, change, current, candidate, difference, decision, spec))
            if decision == KEPT:
                current = candidate
        evaluations = {"computed_now": evaluator.computed, "read_back": evaluator.store.read_back}
    return PdcaResult(pd.DataFrame(rows), baseline, current, spec.kpi, plans, stopped, evaluations)


def _plan(current: Scenario, changes: dict[str, list[Change]], tried: set[str], cause_kpi: str):
    """(cause, change, ranking of the causes) or None: the cause with the highest rate
    in the current scenario among those with an untried change."""
    rates = {cause: current.mean(cause_kpi.format(cause=cause)) for cause in changes}
    ranking = sorted(rates, key=lambda c: -rates[c] if np.isfinite(rates[c]) else np.inf)
    for cause in ranking:
        untried = [c for c in changes[cause] if c.text not in tried]
        if untried:
            return cause, untried[0], [(c, rates[c]) for c in ranking]
    return None


def _row(cycle, cause, ranking, change, current, candidate, difference, decision, spec) -> dict:
    before = current.interval(spec.kpi, spec.confidence)
    after = candidate.interval(spec.kpi, spec.confidence)
    top = ranking[0][0]
    return {
        "cycle": cycle,
        "cause": cause,
        "cause_rate": dict(ranking)[cause],
        "top_cause": top,  # the highest of all, even when it had no change left
        "top_cause_rate": ranking[0][1],
        "change": change.text,
        "kpi_before": before["mean"],
        "kpi_before_ci_low": before["ci_low"],
        "kpi_before_ci_high": before["ci_high"],
        "kpi_tried": after["mean"],
        "kpi_tried_ci_low": after["ci_low"],
        "kpi_tried_ci_high": after["ci_high"],
        "difference": difference["difference"],
        "difference_ci_low": difference["difference_ci_low"],
        "difference_ci_high": difference["difference_ci_high"],
        "relative_difference": difference["relative_difference"],
        "decision": decision,
        "kpi_after": after["mean"] if decision == KEPT else before["mean"],
        "kpi_after_ci_low": after["ci_low"] if decision == KEPT else before["ci_low"],
        "kpi_after_ci_high": after["ci_high"] if decision == KEPT else before["ci_high"],
        "scenario": " + ".join([*candidate.changes] if decision == KEPT else current.changes) or "as configured",
    }
