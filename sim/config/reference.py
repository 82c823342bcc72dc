"""The configuration reference, written from the schema itself (``sim.schema``).

Every setting of a ``Config`` gets a row: its key path, its type, the schema's default,
the value ``general_hospital`` gives it when that differs, and its meaning: the one-line
help from the field's metadata (``field(metadata={"help": …, "ge": 0, "le": 1})``), or
else the comment written beside the field, then what is allowed (the values of a
choice, an ``Enum``, and the bounds in the metadata). Groups of settings are sections, headed by their key path and their class
docstring. The docs build renders the page from here (``docs/hooks.py``), so it cannot
drift from the code; ``python -m sim.config.reference`` prints it.
"""

from __future__ import annotations

import dataclasses
import enum
import html
import inspect
import io
import math
import textwrap
import tokenize
import types
import typing
from typing import Any

from sim import distributions, schema

# Dataclasses that are values rather than groups: a field of this type is one row whose
# default is written inline, and the class has one section of its own.
VALUE_TYPES = {schema.Distribution: "distribution", schema.Session: "session"}
BOUNDS = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<"}
COMPARED_HOSPITAL = "general_hospital"

INTRODUCTION = """\
# Configuration reference

Every setting of a run, generated from the schema (`sim/schema.py`) when the site is
built. Set any of them on the command line (`python -m sim hospital.pharmacy.servers=16`),
in a hospital or intervention file under `conf/`, or from Python
(`sim.compose(["run.days=10"])`). Values are checked before anything runs: a wrong
type, an unknown key, a value out of bounds or a choice not allowed is refused with
the key, the value and what is allowed ([Errors and exit codes](errors.md)).

**Default** is the schema's value, which applies wherever the chosen hospital file does
not set one; **{hospital}** gives that hospital's value where it differs (the default
hospital, `conf/hospital/{hospital}.yaml`). `<name>` stands for the name of an entry in
a dict of named entries (a department, an exam, a booking channel…). Times of day are
`"H:MM"` strings, durations minutes, shares between 0 and 1.
"""


def configuration_reference(hospital: Any = None) -> str:
    """The configuration reference page as Markdown. ``hospital``: a typed
    ``HospitalConfig`` to show beside the defaults (default: ``general_hospital``
    composed from ``conf/``); ``False`` for none."""
    if hospital is None:
        from sim.config.compose import compose, to_typed

        hospital = to_typed(compose([f"hospital={COMPARED_HOSPITAL}"])).hospital
    root = schema.Config(hospital=schema.HospitalConfig())
    compared = dataclasses.replace(root, hospital=hospital) if hospital else None
    out = [INTRODUCTION.format(hospital=COMPARED_HOSPITAL)]
    out += sections(root, compared, "", "The whole configuration")
    for cls, name in VALUE_TYPES.items():
        out += sections(cls(), None, f"<{name}>", anchor=name)
    return "\n".join(out)


# -- sections and rows ------------------------------------------------------------


def sections(value: Any, compared: Any, path: str, title: str | None = None, anchor: str | None = None) -> list[str]:
    """The section of the group ``value`` (a dataclass instance) at ``path``, then the
    sections of the groups inside it."""
    cls = type(value)
    heading = f"`{path}`" if path else title
    lines = [f"## {heading} {{ #{anchor or _anchor(path)} }}", ""]
    if path and title:
        lines += [title, ""]
    doc = _docstring(cls)
    if doc:
        lines += [doc, ""]
    show_compared = compared is not None
    header = ["key", "type", "default"] + ([COMPARED_HOSPITAL] if show_compared else []) + ["meaning"]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    nested = []
    comments = _field_comments(cls)
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        key = f"{path}.{f.name}" if path else f.name
        hint, default = hints[f.name], getattr(value, f.name)
        theirs = getattr(compared, f.name) if show_compared else None
        group = _group_class(hint) is not None
        row = [key_cell(key), _type_name(hint, key), "" if group else _format(default)]
        if show_compared:
            row.append("" if group or _same(theirs, default) else _format(theirs, names_only=True))
        row.append(_meaning(f, comments, _allowed(hint, f.metadata)))
        lines.append("| " + " | ".join(cell.replace("|", "\\|").replace("\n", " ") for cell in row) + " |")
        nested += _groups_inside(hint, default, theirs if show_compared else None, key)
    lines.append("")
    for group, theirs, key in nested:
        lines += sections(group, theirs, key)
    return lines


def _groups_inside(hint: Any, default: Any, compared: Any, key: str) -> list[tuple[Any, Any, str]]:
    """The groups of settings a field holds: a nested group, or the entries of a dict
    of named groups (described once, by the entry class's defaults, at ``key.<name>``)."""
    cls = _group_class(hint)
    if cls is not None:
        group = default if dataclasses.is_dataclass(default) else cls()
        return [(group, compared if dataclasses.is_dataclass(compared) else None, key)]
    if typing.get_origin(hint) is dict:
        entry = typing.get_args(hint)[1]
        if _group_class(entry) is not None:
            return [(entry(), None, f"{key}.<name>")]
    return []


def _group_class(hint: Any) -> type | None:
    hint = _without_none(hint)
    if dataclasses.is_dataclass(hint) and hint not in VALUE_TYPES:
        return hint
    return None


def key_cell(key: str) -> str:
    """A key path as code that may wrap after its dots (``<wbr>`` copies as nothing)."""
    return "<code>" + ".<wbr>".join(html.escape(part) for part in key.split(".")) + "</code>"


def _anchor(path: str) -> str:
    return path.replace(".", "-").replace("<", "").replace(">", "") or "config"


# -- types, defaults, bounds, help ---------------------------------------------------


def _without_none(hint: Any) -> Any:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return args[0] if len(args) == 1 else hint
    return hint


def _type_name(hint: Any, key: str = "") -> str:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        names = [_type_name(a) for a in args if a is not type(None)]
        return " or ".join(names) + (" or null" if type(None) in args else "")
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"{_type_name(args[1], f'{key}.<name>')} per name"
    if hint in VALUE_TYPES:
        return f"[{VALUE_TYPES[hint]}](#{VALUE_TYPES[hint]})"
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return "choice"
    if dataclasses.is_dataclass(hint):
        return f"[group](#{_anchor(key)})"
    if hint is Any:
        return "any"
    return getattr(hint, "__name__", str(hint))


def _format(value: Any, names_only: bool = False) -> str:
    """A value as a user would write it in YAML, briefly; ``names_only``: a dict of
    named groups by the names of its entries (their settings are in the hospital's file)."""
    if names_only and isinstance(value, dict) and any(dataclasses.is_dataclass(v) for v in value.values()):
        return ", ".join(f"`{name}`" for name in value)
    if isinstance(value, enum.Enum):
        value = value.value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return _number(value)
    if isinstance(value, str):
        return "*required*" if value == schema.MISSING else (f"`{value}`" if value else '`""`')
    if isinstance(value, schema.Distribution):
        return f"`{_distribution(value)}`"
    if isinstance(value, schema.Session):
        return f"`{value.start}–{value.end}`"
    if isinstance(value, list):
        return _list(value)
    if isinstance(value, dict):
        return _dict(value)
    if dataclasses.is_dataclass(value):
        return "(below)"
    return f"`{value}`"


def _number(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.6g}"


def _plain(value: Any) -> str:
    """A value inside a list or dict, without Markdown."""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, bool) or value is None:
        return "null" if value is None else str(value).lower()
    if isinstance(value, schema.Distribution):
        return _distribution(value)
    if isinstance(value, schema.Session):
        return f"{value.start}–{value.end}"
    if isinstance(value, list):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    if dataclasses.is_dataclass(value):
        changed = _changed_fields(value)
        return "{" + ", ".join(f"{k}: {_plain(v)}" for k, v in changed.items()) + "}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_plain(v)}" for k, v in value.items()) + "}"
    return str(value)


def _list(values: list) -> str:
    if not values:
        return "`[]`"
    if len(values) > 3 and all(_same(v, values[0]) for v in values):
        return f"`[{_plain(values[0])}] × {len(values)}`"
    return f"`{_plain(values)}`"


def _dict(values: dict) -> str:
    if not values:
        return "`{}`"
    return f"`{_plain(values)}`"


def _changed_fields(value: Any) -> dict[str, Any]:
    """The fields of a dataclass instance that differ from its class's defaults."""
    base = type(value)()
    return {
        f.name: getattr(value, f.name)
        for f in dataclasses.fields(value)
        if not _same(getattr(value, f.name), getattr(base, f.name))
    }


def _distribution(value: schema.Distribution) -> str:
    """``lognormal(median=5, sigma=0.6)``: the parameters the kind uses (others are ignored)."""
    kind = value.kind.value if isinstance(value.kind, enum.Enum) else value.kind
    required, optional = getattr(distributions, "PARAMETERS", {}).get(kind, ((), ()))
    used = set(required) | set(optional) or {f.name for f in dataclasses.fields(value)} - {"kind"}
    given = [
        f"{f.name}={_plain(getattr(value, f.name)) if getattr(value, f.name) is not None else '?'}"
        for f in dataclasses.fields(value)
        if (f.name in used and getattr(value, f.name) is not None) or f.name in required
    ]
    return f"{kind}({', '.join(given)})"


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, enum.Enum):
        a = a.value
    if isinstance(b, enum.Enum):
        b = b.value
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _allowed(hint: Any, metadata: typing.Mapping) -> str:
    parts = []
    choice = _without_none(hint)
    if isinstance(choice, type) and issubclass(choice, enum.Enum):
        parts.append(", ".join(f"`{member.value}`" for member in choice))
    parts += [f"{sign} {_plain(metadata[key])}" for key, sign in BOUNDS.items() if key in metadata]
    if metadata.get("allow_inf"):
        parts.append("`inf` allowed")
    return "; ".join(parts)


def _meaning(f: dataclasses.Field, comments: dict[str, str], allowed: str) -> str:
    """The field's help (or comment), then what is allowed."""
    text = str(f.metadata.get("help") or comments.get(f.name, ""))
    if allowed:
        text += ("<br>" if text else "") + f"*allowed:* {allowed}"
    return text


def _docstring(cls: type) -> str:
    doc = cls.__doc__ or ""
    if doc.startswith(f"{cls.__name__}("):  # the signature dataclasses writes when there is none
        return ""
    return inspect.cleandoc(doc)


def _field_comments(cls: type) -> dict[str, str]:
    """Field name -> the comment on the lines just above the field and on its own line,
    in the class's source (the help of fields that have no metadata yet)."""
    try:
        source = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):
        return {}
    trailing = {
        token.start[0]: token.string.lstrip("#").strip()
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT and not token.line.lstrip().startswith("#")
    }
    names = {f.name for f in dataclasses.fields(cls)}
    comments: dict[str, str] = {}
    above: list[str] = []
    for number, line in enumerate(source.splitlines(), start=1):
        if line.startswith("     "):  # continuation of a field's default: neither
            continue
        text = line.strip()
        name = text.split(":", 1)[0]
        if text.startswith("#"):
            above.append(text.lstrip("#").strip())
            continue
        if name in names and line.startswith("    "):
            comments[name] = " ".join([*above, trailing.get(number, "")]).strip()
        above = []
    return {name: text for name, text in comments.items() if text}


if __name__ == "__main__":
    print(configuration_reference())
