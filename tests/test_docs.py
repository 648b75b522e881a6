"""README.md stays true: its role x action table matches the policy, its commands exist."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = README.index(f"## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end if end != -1 else None]


def test_who_may_do_what_lists_every_policy_rule_and_no_other():
    from agora.core.policy import RULES

    listed = re.findall(r"(?m)^\| `([a-z_]+\.[a-z_]+)`", _section("Who may do what"))
    assert len(listed) == len(set(listed)), "an action is listed twice"
    assert set(listed) == set(RULES), (
        f"missing from README: {sorted(set(RULES) - set(listed))}; not in RULES: {sorted(set(listed) - set(RULES))}"
    )


def test_quick_start_is_exactly_make_run_and_make_test():
    block = re.search(r"```sh\n(.*?)```", _section("Quick start"), re.S).group(1)
    assert [line.split("#")[0].strip() for line in block.strip().splitlines()] == ["make run", "make test"]


def test_every_documented_command_exists(app):
    commands = re.findall(r"(?m)^\| `([a-z-]+) ([a-z-]+)", _section("Command line"))
    assert len(commands) >= 10
    runner = app.test_cli_runner()
    for group, name in commands:
        result = runner.invoke(args=[group, name, "--help"])
        assert result.exit_code == 0, f"flask {group} {name}: {result.output}"
