"""The package layout: model families as packages, no import circles between modules."""

from __future__ import annotations

import ast
from pathlib import Path

import diffusion

ROOT = Path(diffusion.__file__).parent


def _modules() -> dict[str, Path]:
    out = {}
    for p in ROOT.rglob("*.py"):
        parts = ("diffusion",) + p.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = p
    return out


def _graph() -> dict[str, set[str]]:
    """Module -> diffusion modules it imports (anywhere in the file, lazy imports too)."""
    mods = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("diffusion"):
                subs = [f"{node.module}.{a.name}" for a in node.names]
                if all(s in mods for s in subs):
                    deps.update(subs)       # `from package import module`
                else:
                    deps.add(node.module)
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names if a.name.startswith("diffusion"))
        graph[name] = {d for d in deps if d in mods and d != name}
    return graph


def _is_package_edge(a: str, b: str) -> bool:
    # a package's __init__ importing its own children (and back) is not a circle of modules
    return a.startswith(b + ".") or b.startswith(a + ".")


def test_model_modules_import_no_circle() -> None:
    graph = _graph()
    models = {m for m in graph if m.startswith("diffusion.models")}
    found = []

    def visit(node: str, stack: list[str]) -> None:
        for d in graph[node]:
            if d not in models or _is_package_edge(node, d):
                continue
            if d in stack:
                found.append(stack[stack.index(d):] + [d])
            elif len(stack) < 12:
                visit(d, stack + [d])

    for m in sorted(models):
        visit(m, [m])
    assert not found, f"import circle(s) in diffusion.models: {found[:3]}"


def test_the_import_graph_sees_the_cox_modules() -> None:
    real = _graph()
    # cox.hazard imports its prediction and test modules, which must not import it back
    assert "diffusion.models.cox.predict" in real["diffusion.models.cox.hazard"]
    assert "diffusion.models.cox.hazard" not in real["diffusion.models.cox.predict"]
    assert "diffusion.models.cox.hazard" not in real["diffusion.models.cox.zph"]


def test_models_are_laid_out_by_family() -> None:
    families = sorted(p.name for p in (ROOT / "models").iterdir()
                      if p.is_dir() and (p / "__init__.py").exists())
    assert families == ["competing", "cox", "discrete_time", "parametric", "splitpop"]
    flat = sorted(p.stem for p in (ROOT / "models").glob("*.py") if p.stem != "__init__")
    assert flat == ["_newton", "control", "design", "links", "time_terms"]
    # every family package names its engine and public classes in its docstring
    import importlib

    for fam in families:
        mod = importlib.import_module(f"diffusion.models.{fam}")
        doc = mod.__doc__ or ""
        assert "_engine" in doc or "_glm" in doc, fam
