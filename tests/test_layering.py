"""The package's layers point one way (docs/architecture.md): core modules never import the web
layer, the store never imports the query layer, views never import each other, and no cycle."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "partnergraph"
# web modules that are not views: the factory, and the shared modules below the views
WEB_SHARED = {"web", "web.app", "web.context", "web.responses", "web.errors", "web.helpers", "web.placemaps"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def resolve(module: str, is_package: bool, level: int, target: str | None) -> str:
    """The absolute in-package name of a relative import ('' is the package itself)."""
    base = module.split(".") if module else []
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def project_imports() -> dict[str, set[tuple[str, bool]]]:
    """module -> {(imported module, imported inside a function)} for the package's own modules."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    found: dict[str, set[tuple[str, bool]]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        is_package = path.name == "__init__.py"
        edges: set[tuple[str, bool]] = set()
        local_nodes = {id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                       for n in ast.walk(f)}
        type_checking = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
                         and "TYPE_CHECKING" in ast.unparse(block.test) for n in ast.walk(block)}
        for node in ast.walk(tree):
            if id(node) in type_checking:
                continue
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = resolve(name, is_package, node.level, node.module)
                elif node.module and node.module.startswith("partnergraph"):
                    base = node.module[len("partnergraph"):].lstrip(".")
                else:
                    continue
                for alias in node.names:
                    candidate = f"{base}.{alias.name}" if base else alias.name
                    targets.append(candidate if candidate in modules else base)
            elif isinstance(node, ast.Import):
                targets = [a.name[len("partnergraph"):].lstrip(".") for a in node.names
                           if a.name.split(".")[0] == "partnergraph"]
            for target in targets:
                if target != name and target in modules:
                    edges.add((target, id(node) in local_nodes))
        found[name] = edges
    return found


IMPORTS = project_imports()


def is_web(module: str) -> bool:
    return module == "web" or module.startswith("web.")


def is_view(module: str) -> bool:
    return is_web(module) and module not in WEB_SHARED


@pytest.mark.parametrize("module", sorted(m for m in IMPORTS if not is_web(m) and m not in ("", "cli", "server")))
def test_core_never_imports_web(module):
    assert not [t for t, _ in IMPORTS[module] if is_web(t)], f"{module} imports the web layer"


def test_store_never_imports_sparql():
    offenders = {m: t for m in IMPORTS if m.startswith("store") for t, _ in IMPORTS[m] if t == "sparql" or t.startswith("sparql.")}
    assert not offenders, offenders


@pytest.mark.parametrize("module", sorted(m for m in IMPORTS if is_view(m)))
def test_views_never_import_views(module):
    assert not [t for t, _ in IMPORTS[module] if is_view(t)], f"{module} imports another view module"


def test_shared_web_modules_never_import_views():
    for module in WEB_SHARED - {"web", "web.app"}:
        assert not [t for t, _ in IMPORTS.get(module, ()) if is_view(t)], module


def test_no_import_cycles():
    """Module-level imports only: a function-local import is a deliberate start-up deferral."""
    graph = {m: {t for t, local in edges if not local} for m, edges in IMPORTS.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):] + [nxt]
                pytest.fail("import cycle: " + " -> ".join(m or "partnergraph" for m in cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)


def test_function_local_imports_say_why():
    """A function-local import of the project's own code is only for start-up time, and says so."""
    unexplained = []
    for path in PACKAGE.rglob("*.py"):
        lines = path.read_text(encoding="utf-8").splitlines()
        tree = ast.parse("\n".join(lines))
        for func in ast.walk(tree):
            if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(func):
                own = (isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("partnergraph")))
                if own:
                    context = " ".join(lines[max(0, node.lineno - 3): node.end_lineno])  # a comment over an import block
                    if "start-up" not in context and "startup" not in context:
                        unexplained.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not sorted(set(unexplained)), "function-local imports without a start-up reason: " + ", ".join(sorted(set(unexplained)))
