"""The hook registry: every hook is declared once in agora/core/hooks.py, registered by a feature and fired."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from agora.core.hooks import HOOKS, UndeclaredHook, add_hook, hooks

AGORA = Path(__file__).resolve().parent.parent / "agora"


def _uses() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Hook names passed as literals to add_hook() and hooks() in agora/, with where."""
    registered: dict[str, list[str]] = {}
    fired: dict[str, list[str]] = {}
    for path in sorted(AGORA.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            where = f"{path.relative_to(AGORA.parent)}:{node.lineno}"
            if node.func.id == "add_hook" and len(node.args) >= 2:
                target, name = registered, node.args[1]
            elif node.func.id == "hooks" and node.args:
                target, name = fired, node.args[0]
            else:
                continue
            assert isinstance(name, ast.Constant) and isinstance(name.value, str), f"{where}: name a hook literally"
            target.setdefault(name.value, []).append(where)
    return registered, fired


def test_registering_an_undeclared_hook_is_an_error(app):
    with pytest.raises(UndeclaredHook, match=r"'search\.rebuilt' is not declared: add it to HOOKS"):
        add_hook(app, "search.rebuilt", lambda: None)
    assert "search.rebuilt" not in app.extensions["agora.hooks"]


def test_firing_an_undeclared_hook_is_an_error(app):
    with pytest.raises(UndeclaredHook, match=r"'config.aply' is not declared"):
        hooks("config.aply", app)
    assert hooks("config.apply", app), "a declared hook with handlers still answers"


def test_every_hook_in_the_code_is_declared_and_every_declared_hook_is_used():
    registered, fired = _uses()
    undeclared = {name: where for name, where in {**registered, **fired}.items() if name not in HOOKS}
    assert not undeclared, f"hooks used but not declared in agora/core/hooks.py: {undeclared}"
    assert set(HOOKS) - set(fired) == set(), "declared hooks that nothing fires"
    assert set(HOOKS) - set(registered) == set(), "declared hooks that no feature registers"


def test_each_declared_hook_has_a_handler_in_the_app_and_a_one_line_description(app):
    for name, doc in HOOKS.items():
        assert hooks(name, app), f"{name}: no feature registered a handler"
        assert doc.startswith("Fired by ") and "handler(" in doc and "\n" not in doc, name
