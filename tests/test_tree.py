"""The package's tree shows the pipeline: no import cycles, and no module imports from a layer
above its own (README, 代码结构)."""
from __future__ import annotations

import ast
from pathlib import Path

from booklet import manifest
from booklet.paths import ROOT

PACKAGE = ROOT / "booklet"

# Top to bottom: a module may import from its own layer and the layers below.
LAYERS = [
    ("command", ["booklet.__main__", "booklet.cli", "booklet.cli_zh"]),
    ("the one build", ["booklet.build", "booklet.unchanged"]),
    ("products", ["booklet.household", "booklet.plates", "booklet.cards", "booklet.notice", "booklet.workbook",
                  "booklet.web"]),
    ("views", ["booklet.view", "booklet.editions"]),
    ("data", ["booklet.data", "booklet.pinyin"]),
    ("pdf", ["booklet.pdf"]),
    ("files", ["booklet", "booklet.files", "booklet.outputs", "booklet.manifest", "booklet.paths",
               "booklet.status", "booklet.progress"]),
]
PRODUCTS = dict(LAYERS)["products"]


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The project's modules `path` imports, at the top or inside a function, type-only or not."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("booklet"):
            named = {f"{node.module}.{alias.name}" for alias in node.names} & modules.keys()
            # `from booklet.household import fragments` imports the module, not the package's names.
            found |= named or {node.module}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("booklet")}
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, modules) - {name} for name, path in modules.items()}


def _layer(module: str) -> int:
    """The layer of `module`: that of the longest prefix listed."""
    best = max((prefix for _, prefixes in LAYERS for prefix in prefixes
                if module == prefix or module.startswith(prefix + ".")), key=len)
    return next(index for index, (_, prefixes) in enumerate(LAYERS) if best in prefixes)


def _product(module: str) -> str | None:
    return next((p for p in PRODUCTS if module == p or module.startswith(p + ".")), None)


def test_every_module_is_in_a_layer():
    for module in _modules():
        _layer(module)


def test_no_module_imports_from_a_layer_above_its_own():
    wrong = [f"{module} ({LAYERS[_layer(module)][0]}) imports {other} ({LAYERS[_layer(other)][0]})"
             for module, imported in _graph().items() for other in imported if _layer(other) < _layer(module)]
    assert wrong == []


def test_no_product_imports_another():
    wrong = [f"{module} imports {other}" for module, imported in _graph().items() for other in imported
             if _product(module) and _product(other) and _product(module) != _product(other)]
    assert wrong == []


def test_there_are_no_import_cycles():
    graph = _graph()
    state: dict[str, int] = {}  # 1: being visited, 2: done
    cycles = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for other in sorted(graph.get(module, ())):
            if state.get(other) == 1:
                cycles.append(" → ".join(path[path.index(other):] + [other]))
            elif other not in state:
                visit(other, path + [other])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_a_package_is_a_docstring_and_nothing_it_would_import(tmp_path):
    """Importing one module of a package must not load the rest of it (a worker imports the
    flow, not the whole booklet): the packages' __init__ import nothing."""
    for init in PACKAGE.glob("*/__init__.py"):
        body = ast.parse(init.read_text(encoding="utf-8")).body
        assert all(isinstance(node, ast.Expr) for node in body), init


def test_the_code_in_every_subpackage_is_part_of_what_outputs_are_made_with(tmp_path, monkeypatch):
    """A cached part or a fresh output must not survive a change to a module in a subpackage."""
    tree = tmp_path / "booklet" / "pdf"
    tree.mkdir(parents=True)
    (tmp_path / "booklet" / "__init__.py").write_text("")
    module = tree / "render.py"
    module.write_text("A = 1\n")
    monkeypatch.setattr(manifest, "ROOT", tmp_path)
    monkeypatch.setattr(manifest, "TEMPLATES", tmp_path / "templates")
    monkeypatch.setattr(manifest, "FONTS", tmp_path / "fonts")
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "fonts.conf").write_text("<fontconfig/>")
    manifest.tool.cache_clear()
    try:
        before = manifest.tool()
        module.write_text("A = 2\n")
        manifest.tool.cache_clear()
        assert manifest.tool() != before
    finally:
        manifest.tool.cache_clear()
