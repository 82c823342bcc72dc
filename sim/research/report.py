"""The research tools' reports (``report.md``): what was run, the tables, and what they
say in sentences."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from sim.analysis import kpis as kpi_catalogue

SMALL_TOTAL_ORDER = 0.05  # below this a parameter's total-order index calls it negligible


OTHER_OUTPUTS = {"ishigami": "the Ishigami function f(x)"}


def kpi_label(name: str) -> str:
    """A KPI's plain label with its unit, or the name itself for other outputs."""
    try:
        entry = kpi_catalogue.describe(name)
    except KeyError:
        return OTHER_OUTPUTS.get(name, name)
    return f"{entry.label} ({entry.unit})" if entry.unit and entry.unit not in entry.label else entry.label


def table(frame: pd.DataFrame, columns: dict[str, str], formats: dict[str, str] | None = None) -> str:
    """A Markdown table of ``frame``'s ``columns`` (name -> heading)."""
    formats = formats or {}
    lines = ["| " + " | ".join(columns.values()) + " |", "|" + "---|" * len(columns)]
    for _, row in frame.iterrows():
        cells = [_cell(row[name], formats.get(name)) for name in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _cell(value, spec: str | None) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "–"
    if spec and isinstance(value, int | float) and not isinstance(value, bool):
        return format(value, spec)
    return str(value).replace("|", "\\|")


def interval(low: float, high: float, spec: str = ".3g") -> str:
    return f"{format(low, spec)} to {format(high, spec)}"


def percent(value: float) -> str:
    text = f"{100 * value:.0f}"
    return f"{'0' if text == '-0' else text}%"  # no "-0%" for a bound just below zero


def capitalised(text: str) -> str:
    """``text`` with its first letter upper-case, to open a sentence."""
    return text[:1].upper() + text[1:]


def listing(names: Sequence[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


# -- sensitivity ---------------------------------------------------------------------


def sensitivity(result, figures: dict[str, tuple[str, str]]) -> str:
    """The sensitivity report. ``figures``: output -> (Morris, Sobol) figure paths,
    relative to the report."""
    study, spec = result.study, result.study.cfg.research.sensitivity
    cfg = study.cfg
    n = result.evaluations
    lines = ["# Global sensitivity analysis", ""]
    if study.model == "ishigami":
        lines += [
            "The Ishigami function f(x) = sin x1 + 7 sin² x2 + 0.1 x3⁴ sin x1, x ~ U(−π, π)³, "
            "whose Sobol indices are known: a check of the analysis itself.",
            "",
        ]
    else:
        lines += [
            f"Hospital `{cfg.hospital.name}`, {cfg.run.replications} replication(s) x {cfg.run.days} day(s) per "
            f"point from {cfg.run.start_date}, seed {cfg.run.seed}: every point with the same random numbers "
            "(common random numbers), its KPIs the means over its replications.",
            "",
        ]
    lines += [
        f"Morris screening of {len(study.parameters)} parameters ({spec.morris.trajectories} trajectories, "
        f"{spec.morris.levels} levels, {n['morris_points']} points), then Sobol indices of the {len(result.kept)} "
        f"most influential (Saltelli sampling, N = {spec.sobol.base_samples}, {n['sobol_points']} points); "
        f"{n['evaluations']} evaluations in all ({n['computed_now']} computed by this run, "
        f"{n['read_back']} found from an earlier one). Intervals: {percent(spec.confidence)} bootstrap "
        f"({spec.bootstrap} resamples), SALib.",
        "",
        "## Findings",
        "",
    ]
    for output in study.outputs:
        lines += [summary(result, output), ""]
    lines += ["## Parameters", ""]
    lines.append(
        table(_parameter_rows(study), {"name": "name", "label": "meaning", "key": "setting", "range": "range"})
    )
    for output in study.outputs:
        label = kpi_label(output)
        morris_path, sobol_path = figures[output]
        lines += [
            "",
            f"## {label}",
            "",
            f"![Morris screening: {label}]({morris_path})",
            "",
            f"![Sobol indices: {label}]({sobol_path})",
            "",
            "Morris screening:",
            "",
        ]
        rows = result.morris[result.morris.output == output].sort_values("mu_star", ascending=False)
        rows = rows.assign(
            ci=[interval(a, b) for a, b in zip(rows.mu_star_ci_low, rows.mu_star_ci_high, strict=True)],
            step=rows.kept.map({True: "Sobol", False: "fixed"}),
        )
        lines.append(
            table(
                rows,
                {"label": "parameter", "mu_star": "μ*", "ci": "95% interval", "sigma": "σ", "mu": "μ", "step": "next"},
                {"mu_star": ".3g", "sigma": ".3g", "mu": ".3g"},
            )
        )
        rows = result.sobol[result.sobol.output == output].sort_values("ST", ascending=False)
        rows = rows.assign(
            s1=[interval(a, b, ".2f") for a, b in zip(rows.S1_ci_low, rows.S1_ci_high, strict=True)],
            st=[interval(a, b, ".2f") for a, b in zip(rows.ST_ci_low, rows.ST_ci_high, strict=True)],
        )
        lines += ["", "Sobol indices:", ""]
        lines.append(
            table(
                rows,
                {"label": "parameter", "S1": "S1", "s1": "95% interval", "ST": "ST", "st": "95% interval"},
                {"S1": ".3f", "ST": ".3f"},
            )
        )
    lines += [
        "",
        "Files: `indices.csv` (every index with its interval), `morris.csv`, `sobol.csv`, "
        "`evaluations.jsonl` (every evaluation, read back when the analysis is resumed).",
        "",
    ]
    return "\n".join(lines)


def _parameter_rows(study) -> pd.DataFrame:
    rows = []
    for p in study.parameters:
        key = study.cfg.research.sensitivity.parameters[p.name].key if p.keys else "(the function's input)"
        scale = " x the hospital's value" if p.relative else ""
        rows.append({"name": p.name, "label": p.label, "key": f"`{key}`", "range": f"{p.low:g} to {p.high:g}{scale}"})
    return pd.DataFrame(rows)


def summary(result, output: str, markdown: bool = True) -> str:
    """What the indices of one output say, in sentences (emphasis in Markdown or none)."""
    em, strong = ("*", "**") if markdown else ("", "")
    label = kpi_label(output)
    morris = result.morris[result.morris.output == output].sort_values("mu_star", ascending=False)
    sobol = result.sobol[result.sobol.output == output].sort_values("ST", ascending=False)
    if morris.mu_star.max() == 0:
        return f"{strong}{label}{strong} does not change with any of the parameters over their ranges."
    sentences = [f"{strong}{label}.{strong}"]
    leaders = listing([f"{em}{row.label}{em}" for row in morris.head(3).itertuples() if row.mu_star > 0])
    sentences.append(f"Morris screening ranks {leaders} first (largest mean absolute effects μ*).")
    untouched = morris[morris.mu_star == 0]
    if len(untouched):
        sentences.append(f"{len(untouched)} of the {len(morris)} parameters do not move it at all.")
    for row in sobol.head(3).itertuples():
        if row.ST < SMALL_TOTAL_ORDER:
            break
        sentences.append(
            f"{em}{capitalised(row.label)}{em} explains {percent(row.S1)} of its variance alone "
            f"(95% interval {percent(row.S1_ci_low)} to {percent(row.S1_ci_high)}) and {percent(row.ST)} "
            f"with its interactions ({percent(row.ST_ci_low)} to {percent(row.ST_ci_high)})."
        )
    if len(sobol):
        # without interactions both sums are 1; each interaction adds to the total-order sum only
        first_order, total_order = sobol.S1.clip(lower=0).sum(), sobol.ST.clip(lower=0).sum()
        verdict = (
            "interactions between them carry little of the variance"
            if first_order >= 0.9 and total_order <= 1.1
            else "the gap between the two is what interactions between them add"
        )
        sentences.append(
            f"The first-order indices of the {len(sobol)} parameters kept add up to {percent(first_order)} "
            f"and the total-order ones to {percent(total_order)}: {verdict}."
        )
    negligible = sobol[sobol.ST_ci_high < SMALL_TOTAL_ORDER]
    if len(negligible):
        names = [
            f"{em}{capitalised(r.label) if i == 0 else r.label}{em}" for i, r in enumerate(negligible.itertuples())
        ]
        sentences.append(
            f"{listing(names)} "
            f"{'has' if len(negligible) == 1 else 'have'} a total-order index below {percent(SMALL_TOTAL_ORDER)} "
            "(upper end of the interval): fixing "
            f"{'it' if len(negligible) == 1 else 'them'} would barely change {label.split(' (')[0].lower()}."
        )
    return " ".join(sentences)


# -- PDCA ----------------------------------------------------------------------------


def pdca(result, figure: str | None) -> str:
    """The PDCA report: the cycles (cause found, change tried, effect with interval,
    decision), in a table and in sentences."""
    cfg = result.baseline.cfg
    spec = cfg.research.pdca
    label = kpi_label(result.kpi)
    level = percent(spec.confidence)
    lines = [
        "# PDCA improvement cycles",
        "",
        f"Hospital `{cfg.hospital.name}`, {cfg.run.replications} replications x {cfg.run.days} days per scenario "
        f"from {cfg.run.start_date}, seed {cfg.run.seed} (common random numbers: every scenario sees the same "
        f"patients). Each cycle plans on the cause with the highest `{spec.cause_kpi}`, tries the next untried "
        f"change mapped to it, and keeps it when the paired {level} interval of the change in {label} lies below "
        f"zero. {result.evaluations['computed_now']} evaluations computed by this run, "
        f"{result.evaluations['read_back']} found from an earlier one.",
        "",
        "## Findings",
        "",
        *[f"- {sentence}" for sentence in findings(result)],
        "",
    ]
    if figure:
        lines += [f"![{label} by cycle]({figure})", ""]
    if len(result.cycles):
        rows = result.cycles.assign(
            before=[f"{m:.3g}" for m in result.cycles.kpi_before],
            effect=[
                f"{d:+.3g} ({interval(a, b, '+.3g')})"
                for d, a, b in zip(
                    result.cycles.difference,
                    result.cycles.difference_ci_low,
                    result.cycles.difference_ci_high,
                    strict=True,
                )
            ],
            relative=[f"{100 * r:+.1f}%" for r in result.cycles.relative_difference],
        )
        lines += [
            "## Cycles",
            "",
            table(
                rows,
                {
                    "cycle": "cycle",
                    "cause": "cause (Plan)",
                    "cause_rate": "its rate",
                    "change": "change (Do)",
                    "before": f"{label} before",
                    "effect": f"effect ({level} interval; Check)",
                    "relative": "relative",
                    "decision": "Act",
                },
                {"cause_rate": ".3g"},
            ),
            "",
        ]
    lines += ["Files: `cycles.csv` (every cycle with its intervals), `evaluations.jsonl`.", ""]
    return "\n".join(lines)


def findings(result) -> list[str]:
    """The loop in sentences: one per cycle, then the outcome."""
    label = kpi_label(result.kpi)
    cycles = result.cycles
    base = result.baseline.mean(result.kpi)
    final = result.final.mean(result.kpi)
    kept = cycles[cycles.decision == "kept"]
    sentences = []
    for row in cycles.itertuples():
        effect = (
            f"changed {label.split(' (')[0].lower()} by {row.difference:+.3g} "
            f"({interval(row.difference_ci_low, row.difference_ci_high, '+.3g')}, {100 * row.relative_difference:+.1f}%)"
        )
        verdict = "kept" if row.decision == "kept" else "reverted (not a significant improvement)"
        top = (
            f" (the top cause, {row.top_cause} at {row.top_cause_rate:.3g}, had no change left)"
            if row.top_cause != row.cause
            else ""
        )
        sentences.append(
            f"Cycle {row.cycle}: Plan chose {row.cause} ({row.cause_rate:.3g} per 1,000 visits){top}; "
            f"{row.change} {effect}: {verdict}."
        )
    if result.stopped:
        sentences.append(f"The loop stopped {result.stopped}.")
    if len(kept):
        sentences.append(
            f"{len(kept)} of {len(cycles)} changes kept ({listing(list(kept.change))}): {label.split(' (')[0].lower()} "
            f"went from {base:.3g} to {final:.3g} ({100 * (final - base) / base:+.1f}%)."
        )
    else:
        sentences.append(f"No change was kept: {label.split(' (')[0].lower()} stays at {base:.3g}.")
    return sentences


# -- optimisation ----------------------------------------------------------------------


def optimisation(result, commands: list[str], figure: str | None) -> str:
    """The optimisation report: the problem, the best configurations with their
    intervals and commands, what it took."""
    problem = result.problem
    cfg, spec = problem.cfg, problem.cfg.research.optimise
    level = percent(spec.confidence)
    levers = "; ".join(f"`{v.key}` {v.low}–{v.high}" for v in problem.variables)
    targets = ", ".join(
        f"{kpi_label(name)} {'≤' if problem.minimise[name] else '≥'} {value:g}"
        for name, value in problem.targets.items()
    )
    lines = [
        "# Staffing optimisation",
        "",
        f"Hospital `{cfg.hospital.name}`, {cfg.run.days} days per replication from {cfg.run.start_date}, seed "
        f"{cfg.run.seed}. Levers: {levers} ({problem.grid_size()} configurations in all). Objectives: "
        f"{listing([objective_label(o) for o in problem.objectives])}; targets (Optuna constraints, on the mean): "
        f"{targets}. Sampler: {spec.sampler} (Optuna), {len(result.trials)} trials, {spec.batch} at a time.",
        "",
        f"Replications: every trial runs replications 0, 1, … (common random numbers); {spec.min_replications} first, "
        f"doubled up to {spec.max_replications} while the {level} interval of a KPI with a target contains the "
        f"target. {result.distinct()} distinct configurations simulated, "
        f"{result.evaluations['evaluations']} evaluations ({result.evaluations['computed_now']} computed by this "
        f"run, {result.evaluations['read_back']} found from an earlier one).",
        "",
        "## Findings",
        "",
        *[f"- {sentence}" for sentence in optimisation_findings(result)],
        "",
    ]
    if figure:
        lines += [f"![Pareto front]({figure})", ""]
    best = result.best(spec.best)
    if best:
        lines += [
            "## Best configurations",
            "",
            f"Meeting every target, cheapest first ({level} intervals over each configuration's replications). "
            "Each command runs the configuration on its own:",
            "",
        ]
        rows = []
        for rank, trial in enumerate(best, start=1):
            decided = "yes" if not trial.undecided(problem, spec.confidence) else "no: on the mean"
            row = {"rank": rank, **trial.values, "replications": len(trial.kpis), "targets met surely": decided}
            for name in dict.fromkeys([*problem.objectives, *problem.targets]):
                interval_ = trial.interval(name, spec.confidence)
                row[objective_label(name)] = (
                    f"{interval_['mean']:,.0f}"
                    if name == "staff_cost_per_day"
                    else f"{interval_['mean']:.3g} ({interval(interval_['ci_low'], interval_['ci_high'])})"
                )
            rows.append(row)
        frame = pd.DataFrame(rows)
        lines.append(table(frame, {c: c for c in frame.columns}))
        lines += [""]
        lines += [f"{rank}. `{command}`" for rank, command in enumerate(commands, start=1)]
        lines += [""]
    lines += [
        "Files: `trials.csv` (every trial: levers, objectives and targets with intervals, replications, "
        "feasible, Pareto-optimal), `best.csv`, `evaluations.jsonl`.",
        "",
    ]
    return "\n".join(lines)


def objective_label(name: str) -> str:
    from sim.research.staff_cost import COST, COST_LABEL

    return COST_LABEL if name == COST else kpi_label(name)


def optimisation_findings(result) -> list[str]:
    problem = result.problem
    best = result.best(1)
    if not best:
        return [
            f"No configuration of the {len(result.trials)} tried meets every target: widen the levers' ranges "
            "or relax the targets."
        ]
    trial = best[0]
    spec = problem.cfg.research.optimise
    levers = ", ".join(f"{name} {value}" for name, value in trial.values.items())
    met = []
    for name in problem.targets:
        i = trial.interval(name, spec.confidence)
        met.append(f"{kpi_label(name).split(' (')[0].lower()} {i['mean']:.3g} ({interval(i['ci_low'], i['ci_high'])})")
    first = result.first_found(trial.values)
    sentences = [
        f"The cheapest configuration meeting the targets: {levers}, at {trial.cost:,.0f} CNY per open day; "
        f"{listing(met)} over {len(trial.kpis)} replications.",
        f"It was first proposed at trial {first} of {len(result.trials)}; {result.distinct()} of the "
        f"{problem.grid_size()} configurations were simulated.",
    ]
    if trial.undecided(problem, spec.confidence):
        sentences.append(
            f"Its means meet the targets, but after {len(trial.kpis)} replications (the most allowed) an interval "
            "still contains its target: run it with more replications (research.optimise.max_replications) "
            "before relying on it."
        )
    return sentences
