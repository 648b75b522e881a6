"""Importing people from a CSV export: every row checked, good rows saved, bad rows reported by line.

Columns (header row required, any order, case-insensitive): name, email, title, department,
manager email, location, skills (separated by ";" or "|").

An email that already has an account UPDATES that person (so a fresh HR export can be re-imported):
non-empty cells replace the stored values, empty cells leave them alone. New accounts get no password;
they can log in once one is set (`flask users set-password`).

Managers may appear later in the file. A row is bad, and nothing of it is saved, when its name is
missing, its email is invalid or repeated in the file, its manager is unknown (neither in the file's
good rows nor an existing account), or its manager line would make a loop.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from agora.accounts.models import User
from agora.accounts.services import create_user, normalise_email
from agora.core.errors import ValidationError
from agora.core.folding import fold
from agora.core.transactions import transactional
from agora.extensions import db
from agora.profiles.models import Profile
from agora.profiles.services import assign_org, get_skills

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
HEADER_ALIASES = {
    "name": "name", "full name": "name", "nom": "name",
    "email": "email", "e-mail": "email", "mail": "email",
    "title": "title", "job title": "title", "poste": "title",
    "department": "department", "departement": "department", "département": "department",
    "manager email": "manager", "manager_email": "manager", "manager": "manager",
    "location": "location", "site": "location", "lieu": "location",
    "skills": "skills", "competences": "skills", "compétences": "skills",
}
LIMITS = {"name": 120, "title": 120, "department": 120, "location": 120}


@dataclass
class ImportReport:
    """What an import did: counts of accounts created and updated, and the refused rows."""

    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    line: int
    name: str
    email: str
    title: str
    department: str
    manager: str
    location: str
    skills: list[str]


def _read(text: str) -> tuple[list[_Row], list[tuple[int, str]]]:
    """Parse the CSV; rows whose own cells are bad come back as errors."""
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(first_line, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationError(_("The file is empty: a header row is required.")) from None
    columns = {HEADER_ALIASES.get(h.strip().lower()): i for i, h in enumerate(header)}
    columns.pop(None, None)
    missing = [c for c in ("name", "email") if c not in columns]
    if missing:
        raise ValidationError(_("Line 1: the header row must name the columns; missing: %(cols)s.",
                                cols=", ".join(missing)))

    rows, errors, seen = [], [], {}
    previous_end = reader.line_num
    for cells in reader:
        line, previous_end = previous_end + 1, reader.line_num
        if not any(c.strip() for c in cells):
            continue

        def cell(key: str) -> str:
            i = columns.get(key)
            return re.sub(r"\s+", " ", cells[i]).strip() if i is not None and i < len(cells) else ""  # noqa: B023 (called in this iteration)

        email = normalise_email(cell("email"))
        name = cell("name")
        if not name:
            errors.append((line, _("missing name")))
        elif not EMAIL_RE.match(email):
            errors.append((line, _("bad email %(email)s", email=repr(cell("email")))))
        elif email in seen:
            errors.append((line, _("duplicate email %(email)s (already on line %(line)s)", email=email,
                                   line=seen[email])))
        else:
            too_long = [key for key, limit in LIMITS.items() if len(cell(key)) > limit]
            if too_long:
                errors.append((line, _("%(column)s is longer than %(n)s characters", column=too_long[0],
                                       n=LIMITS[too_long[0]])))
            else:
                rows.append(_Row(line, name, email, cell("title"), cell("department"),
                                 normalise_email(cell("manager")), cell("location"),
                                 [s for s in re.split(r"[;|]", cell("skills")) if s.strip()]))
        seen.setdefault(email, line)
    return rows, errors


def _check_managers(rows: list[_Row]) -> dict[int, str]:
    """Reasons, by line, for rows whose manager is unknown or loops; cascades to their reports."""
    existing = {email: (uid, manager_id) for uid, email, manager_id in db.session.execute(
        select(User.id, User.email, Profile.manager_id).join(Profile, Profile.user_id == User.id))}
    email_of = {uid: email for email, (uid, _m) in existing.items()}
    # Final manager of everyone: the file's line when present, else what the database says.
    manager_of = {email: email_of.get(manager_id) for email, (_u, manager_id) in existing.items()}
    by_email = {r.email: r for r in rows}
    for row in rows:
        if row.manager:
            manager_of[row.email] = row.manager
        else:
            manager_of.setdefault(row.email, None)

    bad: dict[int, str] = {}
    for row in rows:
        if row.manager and row.manager not in by_email and row.manager not in existing:
            bad[row.line] = _("unknown manager %(email)s", email=row.manager)
        elif row.manager == row.email:
            bad[row.line] = _("a person cannot be their own manager")
    for row in rows:
        if row.line in bad or not row.manager:
            continue
        walked, current = [row.email], manager_of.get(row.email)
        while current is not None and current not in walked and len(walked) < 1000:
            walked.append(current)
            current = manager_of.get(current)
        if current == row.email:
            bad[row.line] = _("manager cycle: %(chain)s", chain=" -> ".join(walked + [row.email]))
    # A row whose manager's row is refused would point at nobody: refuse it too, saying why.
    changed = True
    while changed:
        changed = False
        for row in rows:
            manager_row = by_email.get(row.manager)
            if row.line not in bad and manager_row is not None and manager_row.line in bad \
                    and row.manager not in existing:
                bad[row.line] = _("manager %(email)s is on refused line %(line)s", email=row.manager,
                                  line=manager_row.line)
                changed = True
    return bad


@transactional
def import_people(text: str, progress: Callable[[int], None] | None = None) -> ImportReport:
    """Create or update the people of a CSV export; returns what was done and the refused rows."""
    report = ImportReport()
    rows, errors = _read(text)
    bad = _check_managers(rows)
    errors += sorted(bad.items())
    good = [r for r in rows if r.line not in bad]
    report.errors = sorted(errors)

    people: dict[str, User] = {}
    existing = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_([r.email for r in good])))}
    for row in good:
        person = existing.get(row.email)
        if person is None:
            person = create_user(row.email, row.name, None)
            report.created += 1
        else:
            person.name, person.sort_name = row.name, fold(row.name)
            report.updated += 1
        people[row.email] = person
        profile = person.profile
        if row.location:
            profile.location = row.location
        if row.skills:
            profile.skills = get_skills(row.skills)
        assign_org(person, title=row.title or None, department=row.department or None)
        if progress:
            progress(1)
    db.session.flush()
    for row in good:
        if row.manager:
            manager = people.get(row.manager) or db.session.scalar(select(User).where(User.email == row.manager))
            # Loops were ruled out above over the whole file, so the profile is set directly.
            people[row.email].profile.manager_id = manager.id
    if progress and bad:
        progress(len(rows) - len(good))
    return report


def count_rows(text: str) -> int:
    """Rough number of data rows, for a progress bar."""
    return max(0, len([line for line in text.lstrip("\ufeff").splitlines() if line.strip()]) - 1)
