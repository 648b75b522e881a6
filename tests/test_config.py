"""The admin config file: validation messages, `flask config check/apply`, config.example.toml."""
import re
import tomllib

import pytest

from agora import config as agora_config
from agora.config import ConfigError, Problem


def problems_of(raw: dict) -> list[str]:
    return [str(p) for p in agora_config.validate(raw)[1]]


@pytest.mark.parametrize("raw, expected", [
    ({"site": {"nmae": "Agora"}}, "site.nmae: unknown key; known keys in [site] are name,"),
    ({"sitte": {}}, "sitte: unknown section; known sections are"),
    ({"auth": {"min_password_length": "ten"}}, "auth.min_password_length: must be a whole number, not a string."),
    ({"auth": {"min_password_length": 0}}, "auth.min_password_length: must be greater than zero."),
    ({"auth": {"self_registration": "yes"}}, "auth.self_registration: must be true or false, not a string."),
    ({"auth": {"allowed_email_domains": "example.com"}}, "auth.allowed_email_domains: must be a list of strings."),
    ({"site": {"base_url": "intranet.example.com"}}, "site.base_url: 'intranet.example.com' is not a valid http(s) URL."),
    ({"site": {"base_url": "javascript:alert(1)"}}, "site.base_url: 'javascript:alert(1)' is not a valid http(s) URL."),
    ({"site": {"default_language": "de"}}, "site.default_language: 'de' is not a supported language; use one of en, fr."),
    ({"site": {"languages": ["en", "es"]}}, "site.languages[1]: 'es' is not a supported language"),
    ({"site": {"languages": []}}, "site.languages: must offer at least one language."),
    ({"site": {"languages": ["fr"]}}, "site.default_language: 'en' is not among site.languages."),
    ({"site": {"timezone": "Paris"}}, "site.timezone: 'Paris' is not a known time zone"),
    ({"database": {"url": "mysql://db/agora"}}, "database.url: 'mysql://db/agora' is not a supported database URL"),
    ({"limits": {"login": "lots per minute"}}, "limits.login: 'lots per minute' is not a rate limit such as '10 per minute'."),
    ({"hr": {"emails": ["ana@example.com", "not-an-email"]}}, "hr.emails[1]: 'not-an-email' is not an email address."),
    ({"hr": "everyone"}, "hr: must be a table ([section])."),
    ({"jobs": {"backend": "rabbitmq://mq"}},
     "jobs.backend: 'rabbitmq://mq' is not a job backend; use \"sqlite\" or \"redis://host:port/db\"."),
    ({"jobs": {"workers": 0}}, "jobs.workers: must be greater than zero."),
    ({"mail": {"security": "ssl"}}, "mail.security: 'ssl' is not a mail security; use one of none, starttls, tls."),
    ({"mail": {"sender": "Agora"}}, "mail.sender: 'Agora' is not a sender such as \"Agora <agora@example.com>\"."),
    ({"mail": {"reply_to": "nobody"}}, "mail.reply_to: 'nobody' is not an email address."),
    ({"mail": {"port": "587"}}, "mail.port: must be a whole number, not a string."),
    ({"mail": {"ca_file": "company-ca.pem"}},
     "mail.ca_file: 'company-ca.pem' is not an absolute path; job workers may run from another folder."),
    ({"mail": {"ca_file": "/nowhere/company-ca.pem"}}, "mail.ca_file: the file '/nowhere/company-ca.pem' does not exist."),
    ({"mail": {"ca_file": "/"}}, "mail.ca_file: '/' is not a readable file of PEM certificates"),
    ({"mail": {"enabled": True, "host": ""}}, "mail.host: is required when mail.enabled is true."),
    ({"mail": {"password": "x", "password_env": "SMTP_PASSWORD"}},
     "mail.password: set either mail.password or mail.password_env, not both."),
    ({"content": {"allowed_attributes": {"a": ["href", "onclick"]}}},
     "content.allowed_attributes.a: attribute 'onclick' is never allowed"),
    ({"content": {"allowed_attributes": {"p": ["style"]}}}, "content.allowed_attributes.p: attribute 'style' is never allowed"),
    ({"spaces": {"slug": "x"}}, "spaces: must be an array of tables ([[spaces]])."),
    ({"spaces": [{"slug": "Team A", "name": "A"}]}, "spaces[0].slug: 'Team A' is not a valid slug"),
    ({"spaces": [{"slug": "team-a"}]}, "spaces[0].name: is required."),
    ({"spaces": [{"slug": "a", "name": "A", "visibility": "hidden"}]},
     "spaces[0].visibility: 'hidden' is not a visibility; use one of open, closed, secret."),
    ({"spaces": [{"slug": "a", "name": "A"}, {"slug": "a", "name": "B"}]}, "spaces[1].slug: 'a' is used by another space."),
    ({"spaces": [{"slug": "a", "name": "A", "owner": "x"}]}, "spaces[0].owner: unknown key; known keys are"),
])
def test_each_problem_names_its_key_path_in_a_plain_sentence(raw, expected):
    found = problems_of(raw)
    assert len(found) == 1, found
    assert found[0].startswith(expected), found[0]
    assert found[0].endswith((".", "?"))


def test_several_problems_are_reported_at_once_in_file_order():
    found = problems_of({
        "site": {"name": 3, "base_url": "nope"},
        "auth": {"session_lifetime_hours": 1.5},
        "hr": {"emails": ["x"]},
    })
    assert [f.split(":")[0] for f in found] == ["site.name", "site.base_url", "auth.session_lifetime_hours", "hr.emails[0]"]


def test_valid_values_are_kept_and_defaults_fill_the_rest():
    data, problems = agora_config.validate({"site": {"name": "Intranet"}, "hr": {"emails": ["HR@Example.com"]}})
    assert problems == []
    assert data["site"]["name"] == "Intranet"
    assert data["site"]["default_language"] == "en"
    assert data["hr"]["emails"] == ["hr@example.com"]  # accounts store emails lowercased


def test_invalid_toml_syntax_is_reported_with_the_file_and_line(tmp_path):
    path = tmp_path / "agora.toml"
    path.write_text('[site]\nname = "Agora\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        agora_config.load(path)
    report = caught.value.report()
    assert str(path) in report
    assert "not valid TOML" in report
    assert "line 2" in report


def test_agora_config_pointing_to_a_missing_file_is_an_error(tmp_path, monkeypatch):
    missing = tmp_path / "nowhere.toml"
    monkeypatch.setenv("AGORA_CONFIG", str(missing))
    with pytest.raises(ConfigError) as caught:
        agora_config.load()
    assert f"the file {missing} does not exist." in caught.value.report()


def test_no_file_at_the_default_place_means_defaults(tmp_path, monkeypatch):
    monkeypatch.delenv("AGORA_CONFIG", raising=False)
    monkeypatch.setenv("AGORA_INSTANCE", str(tmp_path))
    assert agora_config.load() == agora_config.defaults()


def test_report_lists_every_problem_on_its_own_line():
    error = ConfigError([Problem("site.name", "must be a string, not a number."),
                         Problem("hr.emails[0]", "'x' is not an email address.")], "/etc/agora.toml")
    assert error.report().splitlines() == [
        "Invalid configuration in /etc/agora.toml:",
        "  - site.name: must be a string, not a number.",
        "  - hr.emails[0]: 'x' is not an email address.",
    ]


# --- config.example.toml ------------------------------------------------------------------

def test_example_file_documents_every_key_with_its_default():
    path = agora_config.PROJECT_ROOT / "config.example.toml"
    text = path.read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    for section, keys in agora_config.SCHEMA.items():
        assert section in raw, f"[{section}] missing from config.example.toml"
        for key, (_kind, default) in keys.items():
            assert key in raw[section], f"{section}.{key} missing from config.example.toml"
            assert raw[section][key] == default, f"{section}.{key} differs from its default"
        assert set(raw[section]) == set(keys), f"[{section}] lists keys the schema does not know"
    for key in agora_config.SPACE_SCHEMA:
        assert f"{key} =" in text, f"the [[spaces]] example does not show `{key}`"
    # The example is itself a valid config (and so are its commented-out spaces).
    assert agora_config.validate(raw)[1] == []
    # The [[spaces]] example is commented out: uncomment it the way an admin would.
    example = text[text.index("# [[spaces]]"):]
    uncommented = "\n".join(m.group(1) for m in re.finditer(r"(?m)^# (\[\[spaces\]\]|[a-z_]+ = .*)$", example))
    spaces = tomllib.loads(uncommented).get("spaces", [])
    assert spaces, "the example shows a [[spaces]] entry"
    assert agora_config.validate({"spaces": spaces})[1] == []


# --- flask config check / apply -----------------------------------------------------------

def write(tmp_path, text: str):
    path = tmp_path / "check.toml"
    path.write_text(text, encoding="utf-8")
    return path


def run(app, *args):
    return app.test_cli_runner().invoke(args=["config", *args])


def test_check_reports_structure_problems_and_exits_1(app, tmp_path):
    path = write(tmp_path, '[site]\nbase_url = "intranet"\ncolour = "blue"\n[auth]\nmin_password_length = "8"\n')
    result = run(app, "check", str(path))
    assert result.exit_code == 1
    assert "site.base_url: 'intranet' is not a valid http(s) URL." in result.stderr
    assert "site.colour: unknown key" in result.stderr
    assert "auth.min_password_length: must be a whole number, not a string." in result.stderr
    assert "Configuration OK" not in result.output


def test_check_reports_unknown_people_and_departments(app, tmp_path, make_user):
    make_user("hr@example.com", department="Ressources humaines")
    make_user("boss@example.com")
    path = write(tmp_path, """
[admins]
emails = ["boss@example.com", "ghost@example.com"]
[hr]
emails = ["HR@example.com", "nobody@example.com"]
departments = ["ressources humaines", "People Ops"]
[questions]
fallback = ["boss@example.com", "asked@example.com"]
[[spaces]]
slug = "paris"
name = "Paris office"
moderators = ["hr@example.com", "gone@example.com"]
department = "Paris"
""")
    result = run(app, "check", str(path))
    assert result.exit_code == 1
    lines = [line.strip() for line in result.stderr.splitlines()]
    assert "- admins.emails[1]: no account has the email 'ghost@example.com'." in lines
    assert "- hr.emails[1]: no account has the email 'nobody@example.com'." in lines
    assert "- hr.departments[0]: no department is named 'ressources humaines'. Did you mean 'Ressources humaines'?" in lines
    assert any(line.startswith("- hr.departments[1]: no department is named 'People Ops'.") for line in lines)
    assert "- spaces[0].moderators[1]: no account has the email 'gone@example.com'." in lines
    assert any(line.startswith("- spaces[0].department: no department is named 'Paris'.") for line in lines)
    assert "- questions.fallback[1]: no account has the email 'asked@example.com'." in lines
    # Known people and departments are accepted.
    assert not any("boss@example.com" in line or "hr@example.com'" in line for line in lines)
    assert len([line for line in lines if line.startswith("- ")]) == 7


def test_check_accepts_a_file_naming_known_people(app, tmp_path, make_user):
    make_user("hr@example.com", department="HR")
    path = write(tmp_path, '[hr]\nemails = ["hr@example.com"]\ndepartments = ["HR"]\n')
    result = run(app, "check", str(path))
    assert result.exit_code == 0, result.output
    assert "Configuration OK" in result.output


def test_check_without_path_checks_the_active_file(app, tmp_path, monkeypatch):
    monkeypatch.setenv("AGORA_CONFIG", str(write(tmp_path, '[site]\nname = 5\n')))
    result = run(app, "check")
    assert result.exit_code == 1
    assert "site.name: must be a string, not a number." in result.stderr
    monkeypatch.setenv("AGORA_CONFIG", str(write(tmp_path, '[site]\nname = "Intranet"\n')))
    assert run(app, "check").exit_code == 0


def test_check_of_a_missing_file_exits_1(app, tmp_path):
    result = run(app, "check", str(tmp_path / "absent.toml"))
    assert result.exit_code == 1
    assert "does not exist" in result.stderr


def test_check_before_the_database_exists_says_so(tmp_path):
    from agora import create_app

    fresh = create_app({"database": {"url": f"sqlite:///{tmp_path / 'empty.db'}"}, "TESTING": True,
                        "INSTANCE_PATH": str(tmp_path / "instance")})
    result = fresh.test_cli_runner().invoke(args=["config", "check", str(write(tmp_path, "[site]\n"))])
    assert result.exit_code == 1
    assert "the database has no tables yet" in result.stderr
    assert "flask db upgrade" in result.stderr
    assert "Traceback" not in result.output


def test_apply_runs_the_feature_hooks_idempotently(app):
    from agora.admin.services import apply_config
    from agora.core.hooks import add_hook
    from agora.extensions import db
    from agora.profiles.models import Department

    def ensure_departments(settings):
        made = []
        for name in settings["hr"]["departments"]:
            if db.session.scalar(db.select(Department).where(Department.name == name)) is None:
                db.session.add(Department(name=name, slug=name.lower()))
                made.append(f"department {name} created")
        return made

    add_hook(app, "config.apply", ensure_departments)
    app.config["AGORA"]["hr"]["departments"] = ["People"]
    assert apply_config(app) == ["department People created"]
    assert apply_config(app) == []
    assert db.session.scalar(db.select(db.func.count()).select_from(Department)) == 1

    result = run(app, "apply")
    assert result.exit_code == 0, result.output
    assert "Configuration applied (nothing to change)." in result.output


def test_apply_warns_about_unknown_people_but_still_applies(app):
    from agora.core.hooks import add_hook

    calls = []
    add_hook(app, "config.apply", lambda settings: calls.append(settings) or "spaces in step")
    app.config["AGORA"]["hr"]["emails"] = ["later@example.com"]
    result = run(app, "apply")
    assert result.exit_code == 0
    assert "warning: hr.emails[0]: no account has the email 'later@example.com'." in result.stderr
    assert "spaces in step" in result.output
    assert calls and calls[0] is app.config["AGORA"]


def test_apply_on_start_never_crashes_a_worker(app, caplog):
    from sqlalchemy.exc import IntegrityError

    from agora.admin.services import apply_on_start
    from agora.core.hooks import add_hook

    def racing(settings):
        raise IntegrityError("INSERT INTO spaces", {}, Exception("duplicate key"))

    add_hook(app, "config.apply", racing)
    apply_on_start(app)  # another worker won the race: fine
    app.extensions["agora.hooks"]["config.apply"] = []
    add_hook(app, "config.apply", lambda settings: 1 / 0)
    apply_on_start(app)
    assert "run `flask config apply` to see why" in caplog.text


def test_roles_follow_the_config_without_any_apply(app, make_user):
    from agora.core import policy

    hr = make_user("hr@example.com", department="HR")
    assert policy.roles(hr) == {"employee"}
    app.config["AGORA"]["hr"]["departments"] = ["HR"]
    assert policy.roles(hr) == {"employee", "hr"}


def test_check_with_no_file_at_the_default_place_accepts_the_defaults(app, tmp_path, monkeypatch):
    monkeypatch.delenv("AGORA_CONFIG", raising=False)
    monkeypatch.setenv("AGORA_INSTANCE", str(tmp_path / "empty-instance"))
    result = run(app, "check")
    assert result.exit_code == 0, result.output
    assert "Configuration OK" in result.output
