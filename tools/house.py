"""The house rules of the package, measured from its source with ``ast``: the import graph and its cycles,
module and function lengths, and where each shared idea is implemented.

``python tools/house.py`` prints the figures; ``tests/test_house.py`` fails when a rule is broken.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "trygghet_geo"
MAX_MODULE_LINES = 700
MAX_FUNCTION_LINES = 80
MAX_LONG_FUNCTIONS = 2


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name."""
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The package module an import of ``name`` loads (the longest known prefix)."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """The package modules ``path`` imports anywhere in its body (module level, functions, TYPE_CHECKING)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from pkg import sub` imports the module pkg.sub when it is one, else a name of pkg
            targets = [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        for t in targets:
            hit = _resolve(t, known)
            if hit is not None and hit != "trygghet_geo":
                found.add(hit)
    return found


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(path, known) - {name} for name, path in known.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10_000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


@dataclass(frozen=True)
class Length:
    where: str
    lines: int


def long_modules(limit: int = MAX_MODULE_LINES) -> list[Length]:
    out = []
    for name, path in modules().items():
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > limit:
            out.append(Length(name, n))
    return sorted(out, key=lambda x: -x.lines)


def long_functions(limit: int = MAX_FUNCTION_LINES) -> list[Length]:
    """Functions whose body (from the first statement after the docstring to the last line) exceeds
    ``limit`` lines."""
    out = []
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            body = node.body
            if (
                len(body) > 1
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                body = body[1:]
            n = (body[-1].end_lineno or body[-1].lineno) - body[0].lineno + 1
            if n > limit:
                out.append(Length(f"{name}.{node.name}", n))
    return sorted(out, key=lambda x: -x.lines)


def calls(names: set[str]) -> dict[str, int]:
    """Modules that call (or import) any of ``names``, with the count."""
    out: dict[str, int] = {}
    for mod, path in modules().items():
        n = 0
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                f = node.func
                called = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
                n += called in names
        if n:
            out[mod] = n
    return out


def definitions(predicate: object) -> dict[str, list[str]]:
    """Functions whose name satisfies ``predicate``, by module."""
    out: dict[str, list[str]] = {}
    for mod, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and predicate(node.name):  # type: ignore[operator]
                out.setdefault(mod, []).append(node.name)
    return out


def import_error_guards() -> list[str]:
    """``except ImportError`` handlers (with the line), anywhere in the package."""
    out = []
    for mod, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                names = {n.id for n in ast.walk(node.type) if isinstance(n, ast.Name)}
                if names & {"ImportError", "ModuleNotFoundError"}:
                    out.append(f"{mod}:{node.lineno}")
    return out


SHORTEST_PATH = {
    "dijkstra",
    "shortest_path",
    "single_source_dijkstra",
    "multi_source_dijkstra",
    "shortest_path_length",
    "single_source_dijkstra_path_length",
    "bellman_ford",
    "johnson",
}


def main() -> int:
    graph = import_graph()
    print("import cycles:", cycles(graph) or "none")
    print(f"modules over {MAX_MODULE_LINES} lines:", [(m.where, m.lines) for m in long_modules()] or "none")
    longest = max((len(p.read_text(encoding="utf-8").splitlines()), n) for n, p in modules().items())
    print("longest module:", longest[1], longest[0], "lines")
    print(
        f"functions over {MAX_FUNCTION_LINES} lines (at most {MAX_LONG_FUNCTIONS}):",
        [(f.where, f.lines) for f in long_functions()] or "none",
    )
    print("shortest-path calls by module:", calls(SHORTEST_PATH))
    print("metric-CRS helpers by module:", definitions(lambda n: "metric" in n and "crs" in n))
    print("except ImportError:", import_error_guards() or "none")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
