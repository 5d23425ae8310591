"""The shape of the house, kept by a machine: no import circle between any two of the
project's modules (function-local imports included), the engine app no bigger than 40 % of
the production code, and no module of 500 lines or more. The layers themselves are the
import contracts of ``.importlinter`` (``make lint``)."""

from __future__ import annotations

from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "accounts",
    "applicants",
    "audit",
    "config",
    "demo",
    "documents",
    "funding",
    "notifications",
    "reviewers",
    "workflows",
)


def _production_files() -> list[Path]:
    return [
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    ]


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def _circles(graph: grimp.ImportGraph) -> list[set[str]]:
    """Strongly connected groups of two or more modules (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(group)
    return found


def test_no_two_modules_import_each_other_even_inside_functions() -> None:
    graph = grimp.build_graph(*APPS, include_external_packages=False)
    assert _circles(graph) == []


def test_the_engine_app_holds_at_most_40_percent_of_the_production_code() -> None:
    files = _production_files()
    total = sum(_lines(path) for path in files)
    engine = sum(_lines(path) for path in files if path.relative_to(ROOT).parts[0] == "workflows")
    assert engine / total <= 0.40, f"workflows/: {engine} of {total} lines"


def test_no_production_module_reaches_500_lines() -> None:
    long = {str(p.relative_to(ROOT)): _lines(p) for p in _production_files() if _lines(p) >= 500}
    assert long == {}
