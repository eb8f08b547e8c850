"""The package's layout holds: public faces resolve, no import circles, no module over 500 lines."""

import ast
import importlib
import pkgutil
import types
from pathlib import Path

import nlp

NLP = Path(nlp.__file__).resolve().parent
SUBPACKAGES = sorted(m.name for m in pkgutil.iter_modules(nlp.__path__) if m.ispkg and m.name != "resources")


def test_every_public_name_of_every_subpackage_resolves_to_what_it_names():
    for name in SUBPACKAGES:
        package = importlib.import_module(f"nlp.{name}")
        assert package.__doc__, f"nlp.{name} says what it is"
        for public in getattr(package, "__all__", []):
            value = getattr(package, public)
            # a submodule of the same name would shadow the face once imported
            assert not isinstance(value, types.ModuleType), f"nlp.{name}.{public} is a module"
            assert not (NLP / name / f"{public}.py").exists(), f"nlp/{name}/{public}.py shadows nlp.{name}.{public}"


def _imports(path: Path) -> set[str]:
    """Modules of nlp imported at module level (function-level imports are deliberate and lazy)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("nlp"):
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("nlp"))
    return out


def test_no_import_circles_between_modules():
    modules = {}
    for path in NLP.rglob("*.py"):
        rel = path.relative_to(NLP.parent).with_suffix("")
        name = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        modules[name] = path
    graph = {m: {i for i in _imports(p) if i in modules and i != m} for m, p in modules.items()}
    state: dict[str, int] = {}

    def visit(m, stack):
        state[m] = 1
        for n in graph[m]:
            if state.get(n) == 1:
                raise AssertionError("import circle: " + " -> ".join(stack[stack.index(n):] + [n]))
            if n not in state:
                visit(n, stack + [n])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])


def test_no_product_module_over_500_lines():
    long = {str(p.relative_to(NLP.parent)): n for p in [*NLP.rglob("*.py"), NLP.parent / "app.py"]
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500}
    assert long == {}
