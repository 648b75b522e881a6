"""How the code depends on itself, read from the source: core imports no feature, no feature imports another's
views, and no modules import each other in a circle (function-level imports count: they are dependencies too)."""
from __future__ import annotations

import ast
from pathlib import Path

AGORA = Path(__file__).resolve().parent.parent / "agora"
NOT_FEATURES = {"core", "migrations", "translations"}
VIEWS = {"views", "api"}  # a feature's pages and its JSON endpoints


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def read_modules(root: Path) -> dict[str, Path]:
    """Every module under `root` (agora/) but the migrations (Alembic loads those by file, nothing imports them)."""
    return {module_name(p, root): p for p in sorted(root.rglob("*.py"))
            if "migrations" not in p.relative_to(root).parts}


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """The agora modules `path` imports anywhere in it; `from pkg import name` counts pkg.name when it is a module."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in modules else node.module)
    return {name for name in found if name in modules}


def feature_of(module: str, root: Path) -> str | None:
    """The feature folder a module belongs to; None for core and the top-level modules (config, extensions)."""
    parts = module.split(".")
    if len(parts) < 2 or parts[1] in NOT_FEATURES or not (root / parts[1] / "__init__.py").exists():
        return None
    return parts[1]


def graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    return {name: imports_of(path, modules) - {name} for name, path in modules.items()}


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that reach each other through imports (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(start: str) -> None:
        # Iterative, so a long chain of imports cannot reach Python's recursion limit.
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))

    for name in sorted(edges):
        if name not in index:
            visit(name)
    return found


def violations(root: Path) -> list[str]:
    """Every broken rule under `root`, one sentence each."""
    edges = graph(read_modules(root))
    problems = []
    for module, targets in sorted(edges.items()):
        for target in sorted(targets):
            mine, theirs = feature_of(module, root), feature_of(target, root)
            if module.startswith("agora.core") and theirs is not None:
                problems.append(f"{module} (core) imports the feature module {target}")
            if mine and theirs and mine != theirs and target.split(".")[-1] in VIEWS:
                problems.append(f"{module} imports another feature's views: {target}")
    problems += [f"import circle: {' -> '.join(group)}" for group in circles(edges)]
    return problems


def test_core_imports_no_feature_no_feature_imports_anothers_views_and_no_circles():
    modules = read_modules(AGORA)
    assert len(modules) > 100 and "agora.core.policy" in modules and "agora.walls.views" in modules
    assert violations(AGORA) == []


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "agora"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_the_walk_catches_each_kind_of_violation(tmp_path):
    base = {"__init__.py": "", "core/__init__.py": "", "walls/__init__.py": "", "spaces/__init__.py": "",
            "walls/views.py": "", "spaces/services.py": ""}
    assert violations(_tree(tmp_path, base)) == []
    cases = {
        "core/policy.py": ("def f():\n    from agora.spaces.services import x\n",
                           "agora.core.policy (core) imports the feature module agora.spaces.services"),
        "spaces/demo.py": ("from agora.walls import views\n",
                           "agora.spaces.demo imports another feature's views: agora.walls.views"),
    }
    for name, (text, expected) in cases.items():
        root = _tree(tmp_path, {name: text})
        assert violations(root) == [expected]
        (root / name).unlink()
    root = _tree(tmp_path, {"spaces/demo.py": "from agora.spaces.hooks import sync\n",
                            "spaces/hooks.py": "def populate():\n    from agora.spaces import demo\n"})
    assert violations(root) == ["import circle: agora.spaces.demo -> agora.spaces.hooks"]
