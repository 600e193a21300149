"""The pure core never imports pygame."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def test_core_modules_do_not_import_pygame() -> None:
    code = (
        "import sys, simulator.engine.session, simulator.scenario.loader, "
        "simulator.scenario.i18n, simulator.cli; "
        "print('pygame' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60
    )
    assert done.stdout.strip() == "False", done.stderr


# ---------------------------------------------------------------- the shape of the code

import ast  # noqa: E402
from pathlib import Path  # noqa: E402

from simulator.scenario.components import strongly_connected  # noqa: E402

PACKAGE = REPO / "simulator"
# Each layer may import only from the layers listed for it (and from itself).
LAYERS = {
    "scenario": set(),
    "engine": {"scenario"},
    "analysis": {"scenario", "engine"},
    "records": {"scenario", "engine"},
    "reports": {"scenario", "engine", "analysis", "records"},
}
SHARED = {
    "simulator.wording",
    "simulator.library",
    "simulator.gcpause",
    "simulator.userdata",
    "simulator.regular_files",
    "simulator.exit_codes",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """Every simulator module the file imports, at the top or inside a function (an
    import deferred for speed is still a dependency). Imports for type hints alone
    (under ``if TYPE_CHECKING:``) are left out: they never run."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            node.body = []
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        found |= {name for name in names if name in modules}
    return found


def import_graph() -> dict[str, set[str]]:
    files = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    modules = set(files)
    return {name: imports_of(path, modules) - {name} for name, path in files.items()}


def test_no_modules_import_each_other_in_a_circle() -> None:
    graph = import_graph()
    circles = [sorted(group) for group in strongly_connected(graph) if len(group) > 1]
    assert circles == []


def test_each_layer_imports_only_the_layers_below_it() -> None:
    wrong = []
    for module, imported in import_graph().items():
        layer = module.split(".")[1] if module.count(".") else ""
        if layer not in LAYERS:
            continue
        allowed = {f"simulator.{name}" for name in LAYERS[layer] | {layer}}
        for target in imported:
            if target in SHARED or target == "simulator":
                continue
            if not any(target == a or target.startswith(a + ".") for a in allowed):
                wrong.append(f"{module} imports {target}")
    assert wrong == []
