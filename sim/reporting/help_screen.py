"""``python -m sim --help``: a page written for people, instead of Hydra's generic help and
its 650-line dump of the configuration (``--cfg job`` still prints that; ``--hydra-help``
shows Hydra's own flags).

What the program does, every option of every config group with a line about it (read
from the option's file: the hospital's ``description``, the intervention's entry
under ``interventions``, else the file's first comment sentence), the main run and
output settings with their defaults and help lines (from the schema), five example
commands, where results go and where the documentation is. The options are the
files in ``conf/<group>/``, which is exactly what can be chosen: nothing in Hydra's
ConfigStore is offered (``sim.config.compose.register_schema``).
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import textwrap
from pathlib import Path

import yaml

from sim.config.compose import CONF_DIR
from sim.schema import CompareConfig, OutputConfig, RunConfig

GROUPS = ("hospital", "intervention", "runner", "experiment")
GROUP_WORDS = {
    "hospital": "the hospital simulated",
    "intervention": "what is changed; combine several with intervention=[a,b]",
    "runner": "where replications run",
    "experiment": "a named study with its own settings: a sweep, or a research task (none by default)",
}
SETTINGS = (
    ("run", RunConfig, ("days", "start_date", "replications", "seed", "jobs", "target_precision")),
    ("output", OutputConfig, ("dir", "figures", "save_visits", "report", "stream", "precision_warning", "print_kpis")),
    ("compare", CompareConfig, ("baseline", "figure_kpis")),
)
EXAMPLES = (
    ("python -m sim hospital=teaching_demo", "the small clinic, in a second or two"),
    ("python -m sim intervention=online_appointments run.days=14", "a scenario, two weeks"),
    ("python -m sim hospital.pharmacy.servers=16 run.replications=auto", "any setting; replications until ±5%"),
    ("python -m sim -m 'intervention=glob(*)' hospital=teaching_demo", "sweep: every intervention against baseline"),
    ("hospital-sim-report results/sweeps/2026-03-02_10-00-00", "rebuild a sweep's comparison and report"),
)
_PARENTHESES = re.compile(r"\s*\([^()]*\)")


def _first_comment_sentence(text: str) -> str:
    """The first sentence of a file's leading comment, without its parenthetical
    remarks, up to an example command (an indented comment line) or a blank line."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            if lines:
                break
            continue
        body = line[1:]
        if body.strip().startswith("@package"):
            continue
        if not body.strip() or body.startswith("  "):  # a blank comment line, or an example
            break
        lines.append(body.strip())
    sentence = " ".join(lines)
    while _PARENTHESES.search(sentence):
        sentence = _PARENTHESES.sub("", sentence)
    sentence = re.split(r"\.(?:\s|$)", sentence, maxsplit=1)[0]
    return sentence.rstrip(" :;,.")


def describe_option(path: Path) -> str:
    """One line about a config option's file."""
    text = path.read_text()
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        return "(this file does not parse as YAML)"
    hospital = data.get("hospital") if isinstance(data.get("hospital"), dict) else data
    if path.parent.name == "hospital" and isinstance(hospital, dict) and hospital.get("description"):
        return str(hospital["description"])
    interventions = data.get("interventions")
    if isinstance(interventions, dict) and path.stem in interventions:
        return str(interventions[path.stem])
    return _first_comment_sentence(text)


def options(group: str, conf_dir: Path = CONF_DIR) -> list[str]:
    """The options of a config group: its files."""
    return sorted(path.stem for path in (conf_dir / group).glob("*.yaml"))


def defaults(conf_dir: Path = CONF_DIR) -> dict[str, str | None]:
    """Each group's default option, from ``conf/config.yaml``'s defaults list."""
    out: dict[str, str | None] = {}
    for entry in yaml.safe_load((conf_dir / "config.yaml").read_text()).get("defaults", []):
        if isinstance(entry, dict):
            out.update(entry)
    return out


def _wrapped(text: str, indent: int, width: int) -> list[str]:
    lines = textwrap.wrap(text, width=max(40, width - indent)) or [""]
    return [lines[0], *(" " * indent + line for line in lines[1:])]


def _aligned(rows: list[tuple[str, str]], indent: int, width: int) -> list[str]:
    column = min(max(len(left) for left, _ in rows) + 2, 36)
    out = []
    for left, right in rows:
        if len(left) + 2 > column:
            out += [
                " " * indent + left,
                *(" " * (indent + column) + line for line in _wrapped(right, indent + column, width)),
            ]
            continue
        wrapped = _wrapped(right, indent + column, width)
        out.append(" " * indent + left.ljust(column) + wrapped[0])
        out += [" " * indent + " " * column + line.lstrip() for line in wrapped[1:]]
    return out


def _default_text(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "[" + ",".join(map(str, value)) + "]"
    return str(getattr(value, "value", value))


def _settings_rows() -> list[tuple[str, str]]:
    rows = []
    for section, cls, names in SETTINGS:
        fields = {f.name: f for f in dataclasses.fields(cls)}
        for name in names:
            field = fields[name]
            default = field.default_factory() if field.default_factory is not dataclasses.MISSING else field.default
            rows.append((f"{section}.{name}={_default_text(default)}", field.metadata["help"]))
    return rows


def help_text(width: int | None = None, conf_dir: Path = CONF_DIR) -> str:
    width = width or min(100, shutil.get_terminal_size((100, 24)).columns)
    chosen = defaults(conf_dir)
    lines = [
        "hospital-sim: a discrete-event simulation of a hospital outpatient department (registration,",
        "doctors, examinations, payment, pharmacy) and of the complaints its patients make. It prints",
        "the KPIs with 95% intervals and writes tables, figures and a one-page report.",
        "",
        "Usage:",
        "  python -m sim [GROUP=OPTION ...] [KEY=VALUE ...]        one run (also: hospital-sim ...)",
        "  python -m sim -m [GROUP=A,B ...] [KEY=V1,V2 ...]        a sweep: one run per combination",
        "",
        "Config groups (GROUP=OPTION):",
    ]
    for group in GROUPS:
        if not (conf_dir / group).is_dir():
            continue
        lines.append(f"  {group}: {GROUP_WORDS.get(group, '')}")
        rows = []
        for option in options(group, conf_dir):
            mark = " (default)" if chosen.get(group) == option else ""
            rows.append((f"{option}{mark}", describe_option(conf_dir / group / f"{option}.yaml")))
        lines += _aligned(rows, 4, width)
    lines += ["", "Main settings (KEY=VALUE, shown with their defaults; hospital.* sets anything about the hospital):"]
    lines += _aligned(_settings_rows(), 2, width)
    lines += ["", "Examples:"]
    for command, what in EXAMPLES:
        lines += [f"  {command}", f"      {what}"]
    lines += [
        "",
        "Results: a run writes into results/runs/<date_time>/ (a sweep: results/sweeps/<date_time>/<job>/):",
        "  report.html (open it first), kpis.csv, summary.json, stations.parquet, visits.parquet, figures/;",
        "  a sweep adds comparison.csv/.xlsx and its own report.html. Elsewhere: hydra.run.dir=DIR or output.dir=DIR.",
        "",
        "Documentation: README.md and docs/ in the repository (mkdocs serve: tutorial, how-to guides, the",
        "  configuration and KPI references). python -m sim --cfg job prints the composed configuration;",
        "  --hydra-help shows Hydra's own options. A misspelt key or option is refused with a suggestion.",
    ]
    return "\n".join(lines) + "\n"


def wants_help(argv: list[str]) -> bool:
    """``--help`` or ``-h`` (Hydra's ``--hydra-help`` is left to Hydra)."""
    return any(arg in ("--help", "-h") for arg in argv)
