"""Loading the demo organisation: people, their management chain, skills, bios and photos."""
from __future__ import annotations

import io
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select

from agora.accounts.models import User
from agora.accounts.services import create_user
from agora.core.bulk import bulk_work
from agora.core.errors import Conflict
from agora.core.folding import fold
from agora.core.hooks import hooks
from agora.core.transactions import transaction
from agora.demo import people as data
from agora.extensions import db
from agora.profiles.services import assign_org, update_personal

SEED = 2026
PHOTO_SIZE = 256
# A few people keep the initials placeholder, as in any real company.
WITHOUT_PHOTO = {"s8", "e13", "m7"}
# HR is whoever the config file names, never a department by default; the demo's file names its HR department.
DEMO_CONFIG = f"""\
# Written by `flask demo load` (which `make run` runs) with the demo company, because no config file
# was here. It makes the demo's HR department HR in Agora: its people, the head of HR Claire Dubois
# among them, see the review queue and moderate every space.
# A real install names its own HR: delete this file, then copy config.example.toml (every key, its
# default and what it does) to this place and edit it.

[hr]
# The people working in these departments are HR.
departments = ["{data.HR}"]
# The spaces HR moderates: "*" is every space (and lets HR read them all), or a list of slugs.
moderates = ["*"]
"""


@dataclass
class DemoResult:
    """What the demo load did, for the CLI to report."""

    loaded: bool
    people: list[User] = field(default_factory=list)
    admin_email: str = data.ADMIN_EMAIL
    password: str = data.DEMO_PASSWORD
    hr_department: str = data.HR
    warnings: list[str] = field(default_factory=list)
    into_empty: bool = False  # the database held no account before: the demo is all there is


def has_accounts() -> bool:
    """True when any account exists (then `--if-empty` leaves the database alone)."""
    return db.session.scalar(select(User.id).limit(1)) is not None


def demo_loaded() -> bool:
    """True when the demo admin account exists."""
    return db.session.scalar(select(User.id).where(User.email == data.ADMIN_EMAIL)) is not None


def email_for(key: str, name: str, local: str | None) -> str:
    """firstname.lastname@agora.example, accent-free."""
    if local:
        return f"{local}@{data.DOMAIN}"
    first, *rest = name.split(" ")
    last = "".join(rest).replace("'", "")
    return f"{fold(first)}.{fold(last)}@{data.DOMAIN}".replace(" ", "")


def initials_photo(name: str, colour: str, size: int = PHOTO_SIZE) -> bytes:
    """A square PNG with the person's initials in white on `colour`."""
    letters = "".join(part[0] for part in name.replace("-", " ").split()[:2]).upper()
    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    try:
        font = ImageFont.load_default(size=size * 2 // 5)
    except (TypeError, OSError):  # Pillow without FreeType: the small bitmap font still works
        font = ImageFont.load_default()
    draw.text((size / 2, size / 2), letters, fill="white", font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _bio(rng: random.Random, person: tuple, skills: list[str], ask: str) -> str:
    key, name, title, department, _manager, location, language, _local = person
    english = language == "en" or (language is None and location == "London")
    template = rng.choice(data.BIO_EN if english else data.BIO_FR)
    return template.format(
        title=title, title_lower=title[0].lower() + title[1:], location=location, department=department,
        skill=skills[0], skill2=skills[-1], years=rng.randint(2, 15), ask=ask,
        previous=rng.choice(data.PREVIOUS_FR), previous_en=rng.choice(data.PREVIOUS_EN),
    )


def load_demo(*, if_empty: bool = False, progress: Callable[[Iterable], Iterable] | None = None) -> DemoResult:
    """Create the demo company (about 40 people in 5 departments); with `if_empty`, only into an empty database."""
    if if_empty and has_accounts():
        return DemoResult(loaded=False)
    if demo_loaded():
        raise Conflict(_("The demo organisation is already loaded (%(email)s exists).", email=data.ADMIN_EMAIL))
    into_empty = not has_accounts()
    with bulk_work():
        result = _load(progress or (lambda items: items))
    result.into_empty = into_empty
    return result


def write_demo_config(path: Path) -> bool:
    """Write the demo's config file at `path` unless a file is already there; True when written."""
    try:
        with open(path, "x", encoding="utf-8") as handle:
            handle.write(DEMO_CONFIG)
    except FileExistsError:
        return False
    return True


def _load(progress) -> DemoResult:
    rng = random.Random(SEED)

    # One KDF run for everyone: they share the demo password, and 40 hashes would slow every start.
    admin_person = next(p for p in data.PEOPLE if p[7] == "admin")
    shared_hash = None
    by_key: dict[str, User] = {}
    created: list[User] = []
    for person in progress(data.PEOPLE):
        key, name, title, department, manager_key, location, language, local = person
        email = email_for(key, name, local)
        is_admin = person is admin_person
        with transaction():  # one commit per person
            user = create_user(email, name, data.DEMO_PASSWORD if shared_hash is None else None,
                               is_admin=is_admin, language=language)
            if shared_hash is None:
                shared_hash = user.password_hash
            else:
                user.password_hash = shared_hash
            assign_org(user, title=title, department=department,
                       manager=by_key[manager_key] if manager_key else None)
            by_key[key] = user

            skills = rng.sample(data.SKILLS[department], k=rng.randint(2, 4)) + rng.sample(data.COMMON_SKILLS, k=rng.randint(0, 2))
            spoken = list(data.LANGUAGES[location]) + rng.sample(data.EXTRA_LANGUAGES, k=rng.choice((0, 0, 1, 1, 2)))
            ask = rng.choice(data.ASK_ME_ABOUT["en" if spoken[0] == "English" else "fr"])
            update_personal(
                user, user, bio=_bio(rng, person, skills, ask), skills=skills, languages=", ".join(spoken),
                ask_me_about=", ".join([skills[0], ask]), location=location,
                phone=f"{data.PHONE_PREFIX[location]} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                photo=None if key in WITHOUT_PHOTO else initials_photo(name, rng.choice(data.COLOURS)),
            )
        created.append(user)

    # Walls, spaces and others add lively content about these people. The people are worth
    # keeping even if one feature's content fails, so a failure is reported, not fatal.
    warnings = []
    for populate in hooks("demo.populate"):
        try:
            with transaction():  # rolled back alone when it fails
                populate(created, rng)
        except Exception as exc:  # noqa: BLE001 - reported to the admin by the CLI
            current_app.logger.exception("demo.populate hook %r failed", populate)
            warnings.append(f"{getattr(populate, '__module__', '?')}.{getattr(populate, '__name__', '?')}: {exc!r}")
    return DemoResult(loaded=True, people=created, warnings=warnings)
