"""The house: wings that mirror the flow, imports that never run upward, an engine that stands alone."""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "danvan_eval"
# Lower layers never import higher ones; modules of one layer may import each other.
LAYERS = {
    "engine": 0,
    "paths": 1, "messages": 1, "formatting": 1, "problems": 1, "errors": 1, "outputs": 1, "locks": 1, "processes": 1,
    "model": 2,
    "evaluation": 3,
    "intake": 4, "reports": 4,
    "dashboard": 5,
    "demo": 6, "demo_gia_lai": 6, "demo_free_text": 6, "cli": 6,
}
WINGS = ("engine", "model", "evaluation", "intake", "reports", "dashboard")


def _layer(module: str) -> int:
    return LAYERS[module.split(".")[0]]


def _imports(path: Path) -> set[str]:
    """The package modules ``path`` imports, as dotted names relative to ``danvan_eval``."""
    own = path.relative_to(PACKAGE).with_suffix("").parts
    package = list(own[:-1]) if own[-1] != "__init__" else list(own[:-1])
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                names = [".".join([*base, node.module])] if node.module else [".".join([*base, a.name]) for a in node.names]
            elif node.module and node.module.startswith("danvan_eval."):
                names = [node.module.removeprefix("danvan_eval.")]
            else:
                continue
            out.update(n for n in names if n)
    return out


def test_every_module_sits_in_a_layer_and_no_import_runs_upward():
    upward = []
    for path in PACKAGE.rglob("*.py"):
        module = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        if module == "__init__":
            continue  # the lazy public API names every wing
        for target in _imports(path):
            if _layer(target) > _layer(module):
                upward.append(f"{module} → {target}")
    assert not upward


def test_the_wings_are_packages_and_the_top_stays_small():
    for wing in WINGS:
        assert (PACKAGE / wing / "__init__.py").is_file(), wing
    top = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")
    assert top == sorted(k for k in LAYERS if k not in WINGS)


def test_importing_the_engine_loads_nothing_else_of_the_package():
    code = ("import sys, danvan_eval.engine, danvan_eval.engine.sensitivity; "
            "print(sorted(m for m in sys.modules if m.startswith('danvan_eval')"
            " and m != 'danvan_eval' and not m.startswith('danvan_eval.engine')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_public_api_is_importable_from_the_top():
    import danvan_eval

    for name in danvan_eval.__all__:
        assert getattr(danvan_eval, name) is not None, name
