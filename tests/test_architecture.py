"""The package's shape: data flows one way (files → the list → curation and outputs → the CLI), with no import circle.

Read from the source with ``ast``, so it runs in milliseconds and needs nothing
imported. Every import counts, at module level or inside a function (a lazy
import still ties the two modules together); only ``if TYPE_CHECKING:`` blocks
are left out, since they never run. Run alone: ``pytest -n 0 tests/test_architecture.py``.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "dnnpapers"

#: Lowest first: a module may import from its own layer or any layer below, never from one above.
LAYERS = ["", "storage", "model", "access", "sources", "outputs", "curation", "cli"]
#: What every layer uses, and so the only modules the package root holds.
CROSS_CUTTING = {"__init__", "__main__", "errors", "environment", "forked", "interrupts", "limits"}


def _modules() -> dict[str, tuple[Path, bool]]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def _runtime_nodes(tree: ast.AST):
    """Every node but those under ``if TYPE_CHECKING:`` (annotations only: they never run)."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(inner) for statement in node.body for inner in ast.walk(statement))
    return (node for node in ast.walk(tree) if id(node) not in skip)


def import_graph() -> dict[str, set[str]]:
    """Module → the package's modules it imports; ``from pkg import mod`` names the module, not the package."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, (path, is_package) in modules.items():
        here = name.split(".") if is_package else name.split(".")[:-1]
        targets: set[str] = set()
        for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = ".".join(here[: len(here) - node.level + 1] + ([node.module] if node.module else [])) if node.level else node.module or ""
                for alias in node.names:
                    if f"{base}.{alias.name}" in modules:
                        targets.add(f"{base}.{alias.name}")
                    elif base in modules:
                        targets.add(base)
            elif isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names if alias.name in modules)
        targets.discard(name)
        graph[name] = targets
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each a circle of imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _layer(module: str) -> int:
    parts = module.split(".")
    if module == "dnnpapers.__main__":
        return LAYERS.index("cli")  # the entry point: runs the CLI
    return LAYERS.index(parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in LAYERS) else "")


def test_no_module_imports_another_that_imports_it_back_however_indirectly():
    assert _cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_circle_of_three():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_imports_from_a_layer_above_its_own():
    upward = [f"{module} ({LAYERS[_layer(module)] or 'root'}) imports {target} ({LAYERS[_layer(target)]})" for module, targets in import_graph().items() for target in sorted(targets) if _layer(target) > _layer(module)]
    assert upward == []


def test_the_package_root_holds_only_the_cross_cutting_modules_and_the_layers():
    root = {path.stem for path in PACKAGE.glob("*.py")}
    folders = {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").exists()}
    assert root == CROSS_CUTTING
    assert folders == set(LAYERS) - {""}


def test_no_command_module_is_over_450_lines():
    long = {path.name: n for path in (PACKAGE / "cli").glob("*.py") if (n := len(path.read_text(encoding="utf-8").splitlines())) > 450}
    assert long == {}


@pytest.mark.parametrize("layer", [layer for layer in LAYERS if layer])
def test_each_layer_names_its_public_api_and_every_name_resolves(layer):
    package = importlib.import_module(f"dnnpapers.{layer}")
    assert package.__all__
    missing = [name for name in package.__all__ if not hasattr(package, name)]
    assert missing == []
