"""The shell commands in the READMEs' and the docs' code blocks work when pasted into bash: no
bracket, brace, parenthesis or glob character is left for the shell to expand (bash
would split `{a,b}` into two words, and `glob(*)` is a syntax error), and every
override of a `python -m sim` command, once the shell has removed the quotes, is one
Hydra accepts."""

import re
import shlex
from pathlib import Path

import pytest
from hydra.core.override_parser.overrides_parser import OverridesParser

ROOT = Path(__file__).resolve().parents[2]
DOCS = [
    ROOT / "README.md",
    *sorted((ROOT / "experiments").glob("*/README.md")),
    *sorted((ROOT / "docs").rglob("*.md")),
]
SHELL_BLOCKS = {"", "bash", "sh", "shell", "console"}
PROGRAMS = {"python", "hospital-sim", "hospital-sim-report", "hospital-sim-app", "bash", "pip", "dask", "mkdocs"}
SHELL_SPECIAL = set("{}[]()*?;|<>")


def shell_commands(path: Path) -> list[str]:
    """Command lines of the shell code blocks in ``path`` (continuations joined, prompts dropped)."""
    commands = []
    for language, body in re.findall(r"^```(\w*)\n(.*?)^```", path.read_text(), flags=re.S | re.M):
        if language not in SHELL_BLOCKS:
            continue
        lines = body.replace("\\\n", " ").splitlines()
        if any(line.startswith("$ ") for line in lines):  # a transcript: commands and their output
            lines = [line.removeprefix("$ ") for line in lines if line.startswith("$ ")]
        commands += [line.strip() for line in lines if line.split(" ", 1)[0] in PROGRAMS]
    return commands


COMMANDS = [
    pytest.param(command, id=f"{path.relative_to(ROOT)}: {command[:60]}")
    for path in DOCS
    for command in shell_commands(path)
]


def unquoted_specials(command: str) -> str:
    """The characters of ``command`` that bash would interpret (outside quotes, before a comment)."""
    found, quote, previous = [], None, " "
    for char in command:
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and previous.isspace():
            break
        elif char in SHELL_SPECIAL:
            found.append(char)
        previous = char
    return "".join(found)


def test_the_readmes_have_commands_to_check():
    assert len(COMMANDS) > 20 and any("intervention=glob(*)" in c.values[0] for c in COMMANDS)
    checked = {c.id.split(":")[0] for c in COMMANDS}
    assert {"README.md", "docs/how-to/sweeps.md", "docs/how-to/own-hospital.md"} <= checked


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command_is_quoted_for_bash(command):
    assert unquoted_specials(command) == "", f"quote the override in: {command}"
    words = shlex.split(command, comments=True)
    parts = [[]]
    for word in words:  # `a && b`: each command on its own
        parts.append([]) if word == "&&" else parts[-1].append(word)
    for part in parts:
        if part[:3] == ["python", "-m", "sim"] or part[:1] == ["hospital-sim"]:
            overrides = [w for w in part[1:] if "=" in w and not w.startswith("-")]
            OverridesParser.create().parse_overrides(overrides)  # raises on what Hydra cannot read


def test_the_check_finds_what_bash_would_expand():
    assert unquoted_specials("python -m sim hospital.x=[{a:1,b:2}]  # [ok] in a comment") == "[{}]"
    assert unquoted_specials("""python -m sim 'hospital.x=[{a:"1",b:2}]' -m 'intervention=glob(*)'""") == ""
