"""The package's layers point one way (``docs`` → Background → Architecture).

Every module of ``sim`` belongs to a layer; a module may import (at the top or inside
a function) only from its own layer or a lower one, and the imports between modules
form no cycle. The model layers load none of the heavy output libraries.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "sim"

# top to bottom; a module imports from its own layer or below
LAYERS = [
    ["__main__", "app", "sensitivity"],  # app: the teaching page (a web app); sensitivity: python -m sim.sensitivity
    ["reporting", "compare", "precision", "aggregate", "report", "crm", "animate"],  # the last six: public shims
    ["runs", "research"],
    ["config", "analysis"],
    ["complaints", "service_quality", "patients_over_time"],
    ["engine"],
    ["demand", "staffing"],  # staffing: rosters and schedules of a day (imports demand.arrivals)
    ["distributions", "streams", "clock"],
    ["schema"],
]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}
HEAVY = ("hydra", "omegaconf", "pandas", "matplotlib", "pyarrow")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> str:
    """``sim.engine.doctors`` -> ``engine``; ``sim`` itself -> ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path) -> set[str]:
    """Modules of ``sim`` that ``path`` imports, anywhere in the file."""
    found = set()
    module = _module_name(path)
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "sim")
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import
                base = module.split(".")
                if path.name != "__init__.py":
                    base = base[:-1]
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "sim":
                continue
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        graph[name] = {m for m in _imports(path) if m in modules and m != name}
    return graph


def test_every_module_has_a_layer():
    unknown = sorted({_layer(m) for m in _graph()} - set(RANK) - {"__init__"})
    assert not unknown, f"modules outside every layer (add them to LAYERS): {unknown}"


def test_no_module_imports_a_higher_layer():
    upward = []
    for module, imported in _graph().items():
        layer = _layer(module)
        if layer == "__init__":
            continue  # the package's lazy front door may name anything
        for target in imported:
            other = _layer(target)
            if other != "__init__" and RANK[other] < RANK[layer]:
                upward.append(f"{module} ({layer}) imports {target} ({other})")
    assert not upward, "imports pointing up:\n" + "\n".join(sorted(upward))


def test_no_import_cycles():
    graph = {m: {t for t in targets if _layer(t) != "__init__"} for m, targets in _graph().items()}
    # a module's import of its own package's __init__ is not a cycle we care about
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph.get(node, ())):
            if target.startswith(node + "."):
                continue  # a package importing its own submodule
            if state.get(target) == 1:
                cycles.append(path[path.index(target) :] + [target])
            elif target not in state:
                visit(target, path + [target])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


@pytest.mark.parametrize(
    "package", ["sim.engine", "sim.demand", "sim.complaints", "sim.patients_over_time", "sim.service_quality"]
)
def test_model_layers_load_no_output_libraries(package):
    """Every module of the model's layers imports (in a fresh interpreter) without
    loading Hydra, OmegaConf, pandas, matplotlib or pyarrow; so does ``import sim``."""
    code = (
        f"import importlib, pkgutil, sys, {package}\n"
        f"for module in pkgutil.walk_packages({package}.__path__, '{package}.'):\n"
        "    importlib.import_module(module.name)\n"
        "import sim\n"
        f"loaded = sorted(m for m in {HEAVY!r} if m in sys.modules)\n"
        "print(','.join(loaded))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "", f"importing every module of {package} loads {loaded}"


def test_a_replication_needs_no_pandas():
    """What a worker process runs for one replication (simulate its days, assess
    complaints, compute KPIs) loads none of the output libraries."""
    code = (
        "import sys, sim, sim.config.compose\n"
        "from sim.runs.worker import run_replication\n"
        "cfg = sim.config.compose.to_typed(sim.compose(['hospital=teaching_demo', 'run.days=1', 'run.replications=1']))\n"
        "run_replication(cfg, 0)\n"
        "print(','.join(sorted(m for m in ('pandas', 'matplotlib', 'pyarrow') if m in sys.modules)))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "", f"a replication loads {loaded}"
