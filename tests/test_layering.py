"""The folders are the architecture (docs/architecture.md): each folder of the package is a layer or a
capability, and the rules below are rules about folders, read from the imports. A new module falls
under its folder's rule without anyone adding it to a list, and docs/architecture.md and README.md
cannot drift from the tree: every module is documented there, and nothing documented is missing."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "partnergraph"
ARCHITECTURE = ROOT / "docs" / "architecture.md"

# The layers, bottom up, by the folder (or top-level module) a module lives in. A module may import
# its own layer and the layers below it, never one above.
LAYERS: list[set[str]] = [
    {"rdf", "version", "settings", "rq"},                       # RDF plumbing; settings and the .rq files
    {"store"},                                                  # embedded store, rules, validation
    {"sparql"},                                                 # guard, executor, formats, result cache
    {"graph", "named_queries"},                                 # the assembled graph and its named queries
    {"resources"},                                              # what the graph says of one resource
    {"browse", "drawing", "workbench", "names", "publishing", "history", "sheets"},   # capabilities
    {"web"},                                                    # the Flask app, its shared helpers, the views
    {"", "cli", "server", "static_site"},                       # entry points (static_site drives the app)
]
CAPABILITIES = LAYERS[5]
# The few arrows between capabilities, each for a reason: spreadsheet import matches names with the one
# name matcher (STYLE: one matcher wherever a person's spelling meets the graph); the catalogue describes
# each release as a version of the dataset.
BETWEEN_CAPABILITIES = {("sheets", "names"), ("publishing", "history")}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def room(module: str) -> str:
    """The folder (or top-level module) a module lives in: its room in the house."""
    return module.split(".")[0]


def layer(module: str) -> int:
    for rank, rooms in enumerate(LAYERS):
        if room(module) in rooms:
            return rank
    raise AssertionError(f"{module}: its folder {room(module)!r} is in no layer of tests/test_layering.py LAYERS")


def resolve(module: str, is_package: bool, level: int, target: str | None) -> str:
    """The absolute in-package name of a relative import ('' is the package itself)."""
    base = module.split(".") if module else []
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def project_imports() -> dict[str, set[tuple[str, bool]]]:
    """module -> {(imported module, imported inside a function)} for the package's own modules."""
    modules = all_modules()
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
                elif node.module and node.module.split(".")[0] == "partnergraph":
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


def third_party_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module.split(".")[0])
    return names


IMPORTS = project_imports()


def is_view(module: str) -> bool:
    return module.startswith("web.views.")


@pytest.mark.parametrize("module", sorted(IMPORTS))
def test_imports_point_down(module):
    """Every import, module-level or deferred, goes to the module's own layer or one below."""
    upward = [t for t, _ in IMPORTS[module] if layer(t) > layer(module)]
    assert not upward, f"{module} (layer {room(module)}) imports upwards: {upward}"


@pytest.mark.parametrize("module", sorted(m for m in IMPORTS if room(m) in CAPABILITIES))
def test_capabilities_stand_apart(module):
    crossing = {room(t) for t, _ in IMPORTS[module] if room(t) in CAPABILITIES and room(t) != room(module)}
    unexplained = {r for r in crossing if (room(module), r) not in BETWEEN_CAPABILITIES}
    assert not unexplained, f"{module} imports the capabilities {sorted(unexplained)}"


@pytest.mark.parametrize("module", sorted(m for m in IMPORTS if is_view(m)))
def test_views_never_import_views(module):
    assert not [t for t, _ in IMPORTS[module] if is_view(t)], f"{module} imports another view module"


@pytest.mark.parametrize("module", sorted(m for m in IMPORTS if room(m) == "web" and m != "web.app" and not is_view(m)))
def test_shared_web_modules_never_import_views(module):
    assert not [t for t, _ in IMPORTS[module] if is_view(t)], f"{module} is below the views but imports one"


@pytest.mark.parametrize("module", sorted(m for m in IMPORTS if room(m) == "web"))
def test_the_web_layer_never_touches_the_engine(module):
    """Views and their helpers reach the data through graph.py and the capabilities, never pyoxigraph."""
    assert "pyoxigraph" not in third_party_imports(all_modules()[module]), module


def test_the_layer_rules_can_see_a_wrong_arrow(tmp_path):
    """The checks above fail for an upward import (a rule that can never fire proves nothing)."""
    assert layer("rdf.iris") < layer("web.views.sparql")
    assert layer("store.embedded") < layer("sparql.executor")
    assert (room("names.matcher"), room("browse.facets")) not in BETWEEN_CAPABILITIES
    assert is_view("web.views.resources") and not is_view("web.context")


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
    found = ", ".join(sorted(set(unexplained)))
    assert not found, f"function-local imports without a start-up reason: {found}"


# -- the documentation against the tree --------------------------------------------------------------

def documented_paths(text: str) -> set[str]:
    """Paths of the package written in backticks (`rdf/iris.py`, `web/views/`); paths of the repository
    (`ontology/rules/`, `tests/...`) are not the package's and are left out."""
    found = re.findall(r"`([a-z_][a-z_/]*(?:\.py|/))`", text)
    return {m for m in found if (PACKAGE / m.split("/")[0]).exists() and m.split("/")[0] not in ("ontology", "data")}


def tree_paths() -> set[str]:
    paths = {str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if p.name != "__init__.py"}
    paths |= {str(p.relative_to(PACKAGE)) + "/" for p in PACKAGE.rglob("*") if (p / "__init__.py").is_file()}
    return paths - {"__init__.py"}


def test_every_module_is_in_the_architecture_page():
    missing = sorted(tree_paths() - documented_paths(ARCHITECTURE.read_text(encoding="utf-8")))
    assert not missing, f"docs/architecture.md does not name: {missing}"


def test_the_architecture_page_names_nothing_that_is_gone():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    gone = sorted(p for p in documented_paths(text) if not (PACKAGE / p).exists())
    assert not gone, f"docs/architecture.md names what the package no longer has: {gone}"


def test_the_readme_lists_the_rooms_of_the_package():
    """README's table of the code names each folder and top-level module of the package, no more, no less."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The code", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `([a-z_]+(?:\.py|/))`", section, flags=re.M))
    rooms = {p.name + "/" for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    rooms |= {p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py"}
    assert listed == rooms, f"README lists {sorted(listed - rooms)} that are gone and misses {sorted(rooms - listed)}"


def test_every_folder_is_in_a_layer():
    rooms = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    rooms |= {p.stem for p in PACKAGE.glob("*.py") if p.name != "__init__.py"}
    placed = set().union(*LAYERS)
    assert rooms <= placed, f"folders in no layer: {sorted(rooms - placed)}"


def test_the_web_app_starts_without_rdflib():
    """Serving starts light: rdflib (and pySHACL) load only when a request needs them (a description,
    the builder's configuration, a person reading the catalogue), as the start-up comments say."""
    import subprocess
    import sys
    script = ("import sys, partnergraph.web.app, partnergraph.server; "
              "print(sorted(m for m in ('rdflib', 'pyshacl') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
