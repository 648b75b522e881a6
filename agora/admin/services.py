"""Checking the config file against the database, and applying it.

Admin and HR roles need no applying: `agora.core.policy` reads them from the
config on every request. What does need writing to the database (spaces
defined in `[[spaces]]`, for instance) is done by the features themselves
through the "config.apply" hook, so this module imports no feature's services.
"""
from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

from flask import Flask, current_app, has_app_context
from sqlalchemy import create_engine, inspect, select
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError, SQLAlchemyError

from agora import config as agora_config
from agora.accounts.models import User
from agora.core.hooks import hooks
from agora.core.transactions import transaction
from agora.extensions import db
from agora.profiles.models import Department

REQUIRED_TABLES = ("users", "departments")


class SchemaMissing(Exception):
    """The database has no tables yet (run `flask db upgrade`)."""


def schema_exists(engine=None) -> bool:
    """True when the tables the config refers to have been created."""
    engine = engine or db.engine
    try:
        names = set(inspect(engine).get_table_names())
    except SQLAlchemyError:
        return False
    return all(t in names for t in REQUIRED_TABLES)


def check_file(path: Path | None = None) -> tuple[str, list[agora_config.Problem]]:
    """Validate the file at `path` (default: the active one): structure first, then references."""
    explicit = path is not None
    path = Path(path) if explicit else agora_config.config_path()
    source = str(path)
    if explicit and not path.exists():
        return source, [agora_config.Problem("", f"the file {path} does not exist.")]
    try:
        # No file at the default place means every default applies (load() knows AGORA_CONFIG).
        settings = agora_config.load(path)
    except agora_config.ConfigError as exc:
        return source, exc.problems
    return source, check_references(settings)


def check_references(settings: dict) -> list[agora_config.Problem]:
    """Emails and departments named in the config that match nothing in the database."""
    # A file that names no database is checked against the one this app uses.
    url = settings["database"]["url"] or current_app.config["SQLALCHEMY_DATABASE_URI"]
    same_db = url == current_app.config["SQLALCHEMY_DATABASE_URI"]
    engine = db.engine if same_db else create_engine(url)
    try:
        if not schema_exists(engine):
            raise SchemaMissing(url)
        with engine.connect() as conn:
            emails = set(conn.scalars(select(User.email)))
            departments = list(conn.scalars(select(Department.name)))
    except (OperationalError, ProgrammingError) as exc:
        raise SchemaMissing(url) from exc
    finally:
        if not same_db:
            engine.dispose()

    Problem = agora_config.Problem
    problems: list[Problem] = []

    def email_problems(path: str, values: list[str]) -> None:
        for i, email in enumerate(values):
            if email not in emails:
                problems.append(Problem(f"{path}[{i}]", f"no account has the email '{email}'."))

    def department_problem(path: str, name: str) -> None:
        if name and name not in departments:
            near = [d for d in departments if d.casefold() == name.casefold()]
            hint = f" Did you mean '{near[0]}'?" if near else (
                f" Known departments: {', '.join(sorted(departments))}." if departments else " There are no departments yet.")
            problems.append(Problem(path, f"no department is named '{name}'.{hint}"))

    email_problems("admins.emails", settings["admins"]["emails"])
    email_problems("hr.emails", settings["hr"]["emails"])
    email_problems("questions.fallback", settings["questions"]["fallback"])
    for i, name in enumerate(settings["hr"]["departments"]):
        department_problem(f"hr.departments[{i}]", name)
    for i, space in enumerate(settings["spaces"]):
        email_problems(f"spaces[{i}].moderators", space["moderators"])
        department_problem(f"spaces[{i}].department", space["department"])
    # Features may check what they own (e.g. space slugs named in hr.moderates).
    for check in hooks("config.check"):
        problems += list(check(settings) or [])
    return problems


def apply_config(app: Flask | None = None, settings: dict | None = None) -> list[str]:
    """Run every "config.apply" hook with the settings; return what each one reports."""
    app = app or current_app
    settings = settings or app.config["AGORA"]
    summary: list[str] = []
    # Reuse the caller's context (and session) when it is already this app's.
    same = has_app_context() and current_app._get_current_object() is app
    with nullcontext() if same else app.app_context(), transaction():  # every feature's part, or none
        for apply in hooks("config.apply", app):
            result = apply(settings)
            if isinstance(result, str):
                summary.append(result)
            elif result:
                summary += [str(line) for line in result]
        from agora.audit.services import record_audit
        record_audit("config_apply", detail="\n".join(summary))
    return summary


def apply_on_start(app: Flask) -> None:
    """Apply the config at start-up when the schema exists; log and carry on on failure."""
    with app.app_context():
        if not hooks("config.apply", app):
            return
        try:
            if not schema_exists():
                app.logger.info("Config not applied: the database has no tables yet (run `flask db upgrade`).")
                return
            for line in apply_config(app):
                app.logger.info("config apply: %s", line)
        except IntegrityError:
            # Another worker starting at the same moment applied the same rows first.
            app.logger.info("Config already applied by another worker.")
        except Exception:  # noqa: BLE001 - a worker must start even if applying fails
            app.logger.exception("Applying the config at start-up failed; run `flask config apply` to see why.")
        finally:
            db.session.remove()
