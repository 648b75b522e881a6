"""The app refuses to start on an invalid config file, with the problems and no traceback."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FLASK = str(Path(sys.executable).with_name("flask"))


def start(tmp_path, config_text: str | None, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AGORA_", "FLASK_"))}
    env["AGORA_INSTANCE"] = str(tmp_path / "instance")
    if config_text is not None:
        path = tmp_path / "agora.toml"
        path.write_text(config_text, encoding="utf-8")
        env["AGORA_CONFIG"] = str(path)
    return subprocess.run([FLASK, "--app", "app", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)


BAD = """
[site]
name = "Agora"
base_url = "intranet"
colour = "blue"

[auth]
min_password_length = "ten"

[hr]
emails = ["not-an-email"]
"""


@pytest.mark.parametrize("args", [("routes",), ("config", "check"), ("run", "--port", "0")])
def test_invalid_file_stops_the_app_with_the_report(tmp_path, args):
    result = start(tmp_path, BAD, *args)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    report = result.stderr
    assert f"Invalid configuration in {tmp_path / 'agora.toml'}:" in report
    assert "  - site.base_url: 'intranet' is not a valid http(s) URL." in report
    assert "  - site.colour: unknown key;" in report
    assert "  - auth.min_password_length: must be a whole number, not a string." in report
    assert "  - hr.emails[0]: 'not-an-email' is not an email address." in report


def test_invalid_toml_stops_the_app_without_traceback(tmp_path):
    result = start(tmp_path, '[site\nname = "Agora"\n', "routes")
    assert result.returncode == 1
    assert "not valid TOML" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_file_named_by_agora_config_stops_the_app(tmp_path):
    env_file = tmp_path / "agora.toml"
    result = subprocess.run(
        [FLASK, "--app", "app", "routes"], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("AGORA_")},
             "AGORA_INSTANCE": str(tmp_path / "instance"), "AGORA_CONFIG": str(env_file)},
    )
    assert result.returncode == 1
    assert f"the file {env_file} does not exist." in result.stderr
    assert "Traceback" not in result.stderr


def test_valid_file_starts(tmp_path):
    result = start(tmp_path, '[site]\nname = "Intranet"\n', "routes")
    assert result.returncode == 0, result.stderr
    assert "/healthz" in result.stdout


def test_gunicorn_refuses_an_invalid_file_once_instead_of_respawning_workers(tmp_path):
    path = tmp_path / "agora.toml"
    path.write_text(BAD, encoding="utf-8")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("AGORA_")},
           "AGORA_INSTANCE": str(tmp_path / "instance"), "AGORA_CONFIG": str(path)}
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    result = subprocess.run([gunicorn, "-w", "2", "-b", "127.0.0.1:0", "app:app"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "site.base_url: 'intranet' is not a valid http(s) URL." in result.stderr
    assert "Traceback" not in result.stderr
    assert "Booting worker" not in result.stderr
