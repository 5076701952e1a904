"""The house rules, read from the source with `ast` (no imports, well under a second):

- no module over MAX_LINES lines;
- no import cycle between the project's modules (function-level imports count; `if TYPE_CHECKING:`
  imports do not, since they never run);
- pages and figure builders never import torch, not even through the project's own modules for figures.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("engine", "figures", "ui", "pages", "bench", "lessons")
MAX_LINES = 400


def project_files() -> list[Path]:
    files = [ROOT / "app.py"]
    for package in PACKAGES:
        files += sorted((ROOT / package).rglob("*.py"))
    return [f for f in files if f.exists()]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_block(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, at any depth (functions included), except under TYPE_CHECKING."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {id(n) for block in ast.walk(tree) if _type_checking_block(block) for n in ast.walk(block)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def project_graph() -> dict[str, set[str]]:
    """module -> the project modules it imports (`from a import b` counts b when b is a module)."""
    files = {module_name(f): f for f in project_files()}
    return {name: {m for m in imported_modules(path) if m in files and m != name} for name, path in files.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path [a, b, ..., a], or None (depth-first search, three colours)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if state.get(nxt) is None and (cycle := visit(nxt)):
                return cycle
        state[node] = 2
        stack.pop()
        return None

    for node in sorted(graph):
        if state.get(node) is None and (cycle := visit(node)):
            return cycle
    return None


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(graph.get(node, ()))
    return seen


def test_no_module_is_over_the_line_limit():
    long = {
        module_name(f): n for f in project_files() if (n := len(f.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_no_import_cycle():
    assert (cycle := find_cycle(project_graph())) is None, " -> ".join(cycle)


def test_pages_never_import_torch():
    pages = [f for f in project_files() if f.parent.name == "pages" or f.name == "app.py"]
    offenders = [module_name(f) for f in pages if any(m.split(".")[0] == "torch" for m in imported_modules(f))]
    assert not offenders, f"pages importing torch: {offenders}"


def test_figure_builders_never_import_torch_even_indirectly():
    files = {module_name(f): f for f in project_files()}
    graph = project_graph()
    for figure in (name for name in files if name.split(".")[0] == "figures"):
        for module in reachable(graph, figure):
            torch_imports = {m for m in imported_modules(files[module]) if m.split(".")[0] == "torch"}
            assert not torch_imports, f"{figure} reaches torch through {module}"


# The checks must be able to fail: each one on a small made-up case.
def test_cycle_finder_finds_cycles_and_only_cycles():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"p": {"p.x"}, "p.x": {"q"}, "q": set()}) is None
    assert find_cycle({"p": {"p.x"}, "p.x": {"p"}}) == ["p", "p.x", "p"]  # a child importing its package back


def test_imports_are_read_at_every_depth_but_not_under_type_checking(tmp_path):
    source = tmp_path / "m.py"
    source.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import torch\n"
        "def f():\n    from engine.models import lstm\n"
    )
    found = imported_modules(source)
    assert "engine.models.lstm" in found and "torch" not in found


def test_old_flat_names_still_import_for_one_release_with_a_warning():
    import warnings

    import engine
    from engine.analysis import gates
    from engine.models import elmo

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert engine.elmo is elmo and engine.gate_analysis is gates
    assert [w.category for w in caught] == [DeprecationWarning, DeprecationWarning]
    assert "engine.models.elmo" in str(caught[0].message)
