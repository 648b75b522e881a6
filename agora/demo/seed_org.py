"""Seeding the organisation: people, departments and the management chain, profiles, skills, spaces, follows."""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from agora.accounts.models import User
from agora.core.folding import fold, slugify
from agora.core.sanitiser import render_markdown
from agora.demo import seed_names as names
from agora.demo.seed_db import BulkWriter, next_id
from agora.demo.seed_words import Vocabulary, Zipf
from agora.follows.models import Follow
from agora.hashtags.models import Hashtag
from agora.profiles.models import Department, Profile, Skill, profile_skills
from agora.spaces.models import JoinRequest, Membership, Space
from agora.spaces.services import SLUG_RE, VISIBILITIES

DOMAIN = "agora.example"
ADMIN_EMAIL = f"admin@{DOMAIN}"
FANOUT = 6  # direct reports per manager
# Visibilities of non-department spaces, in turn: about half open, a third closed, the rest secret.
VISIBILITY_CYCLE = ("open", "closed", "open", "secret", "closed", "open", "closed", "open", "secret", "open")


@dataclass
class Person:
    """A seeded person, as the content generator needs them."""

    id: int
    name: str
    email: str
    handle: str
    language: str
    department: int
    location: str
    active: bool = True
    manager: int | None = None  # index in World.people


@dataclass
class SpaceInfo:
    """A seeded space: its id, slug, visibility, members (person indexes) and moderators."""

    id: int
    slug: str
    visibility: str
    members: list[int] = field(default_factory=list)
    moderators: list[int] = field(default_factory=list)
    member_weights: list[float] = field(default_factory=list)  # cumulative, by activity


@dataclass
class World:
    """Everything later stages draw on: people, activity ranks, spaces, hashtags."""

    now: datetime
    people: list[Person] = field(default_factory=list)
    activity: Zipf | None = None           # person indexes, most active first
    weight: list[float] = field(default_factory=list)  # activity weight per person index
    departments: list[list[int]] = field(default_factory=list)
    spaces: list[SpaceInfo] = field(default_factory=list)
    hashtags: dict[str, int] = field(default_factory=dict)  # slug -> id
    dept_names: list[str] = field(default_factory=list)
    dept_ids: list[int] = field(default_factory=list)
    admin: int = 1
    reader: int = -1  # the benchmark's reader: never suspended


def _local_part(first: str, last: str) -> str:
    return re.sub(r"[^a-z0-9]+", ".", fold(f"{first} {last}")).strip(".")


def make_people(world: World, rng: random.Random, count: int, writer: BulkWriter, password_hash: str,
                progress) -> None:
    """Accounts and profiles: departments, a management chain, titles, skills, places, bios."""
    conn, now = writer.conn, world.now
    n_dept = min(len(names.DEPARTMENTS), max(4, count // 400))
    departments = names.DEPARTMENTS[:n_dept]
    existing = {slug: i for slug, i in conn.execute(select(Department.slug, Department.id))}
    dept_ids, dept_rows, dept_id = [], [], next_id(conn, Department.__table__)
    for name, *_rest in departments:
        slug = slugify(name)
        if slug in existing:
            dept_ids.append(existing[slug])
        else:
            dept_rows.append((dept_id, name, slug))
            dept_ids.append(dept_id)
            dept_id += 1
    writer.insert(Department.__table__, ("id", "name", "slug"), dept_rows)

    skill_ids: dict[str, int] = dict(conn.execute(select(Skill.slug, Skill.id)).all())
    skill_rows, skill_id = [], next_id(conn, Skill.__table__)

    def skill(name: str) -> int:
        nonlocal skill_id
        slug = slugify(name)
        if slug not in skill_ids:
            skill_ids[slug] = skill_id
            skill_rows.append((skill_id, name, slug))
            skill_id += 1
        return skill_ids[slug]

    # Department sizes fall off like real org charts: a small direction, a few big departments.
    dept_weights = [0.15] + [1.0 / (i ** 0.6) for i in range(1, n_dept)]
    assignment = [0] + list(range(n_dept)) + rng.choices(range(n_dept), weights=dept_weights,
                                                          k=max(0, count - n_dept - 1))
    world.departments = [[] for _ in range(n_dept)]
    locations = [loc for loc in names.LOCATIONS]
    loc_weights = [loc[1] for loc in names.LOCATIONS]
    taken_emails: set[str] = set()
    taken_handles = set(conn.scalars(select(User.handle)))
    first_id = next_id(conn, User.__table__)
    for index in range(count):
        location = rng.choices(locations, weights=loc_weights)[0]
        language = location[4] or rng.choice(("fr", "fr", "en"))
        name_language = language if rng.random() < 0.85 else rng.choice(("fr", "en"))
        first = rng.choice(names.FIRST_FR if name_language == "fr" else names.FIRST_EN)
        last = rng.choice(names.LAST_FR if name_language == "fr" else names.LAST_EN)
        local = "admin" if index == world.admin else _local_part(first, last)
        email, n = f"{local}@{DOMAIN}", 1
        while email in taken_emails:
            n += 1
            email = f"{local}{n}@{DOMAIN}"
        taken_emails.add(email)
        base = re.sub(r"[^a-z0-9]+", ".", email.split("@")[0]).strip(".")[:30] or "user"
        handle, n = base, 1
        while handle in taken_handles:
            n += 1
            handle = f"{base}{n}"
        taken_handles.add(handle)
        dept = assignment[index]
        world.departments[dept].append(index)
        world.people.append(Person(first_id + index, f"{first} {last}", email, handle, language, dept,
                                   location[0]))
    # A few people have left: their accounts are deactivated, their content stays.
    for index in rng.sample(range(2, count), k=count // 200) if count > 10 else []:
        world.people[index].active = False

    order = list(range(count))
    rng.shuffle(order)
    world.activity = Zipf(order, s=0.9, q=5)
    world.weight = [0.0] * count
    for rank, index in enumerate(order):
        world.weight[index] = 1.0 / ((rank + 6) ** 0.9)

    user_rows, profile_rows, skill_links = [], [], []
    for dept, members in enumerate(world.departments):
        dept_name, head_title, lead_title, staff_titles, dept_skills = departments[dept]
        for k, index in enumerate(members):
            person = world.people[index]
            if index == 0:
                manager = None
            elif k == 0:
                manager = 0
            else:
                manager = members[(k - 1) // FANOUT]
            person.manager = manager
            title = head_title if k == 0 else lead_title if k * FANOUT + 1 < len(members) else rng.choice(staff_titles)
            own = rng.sample(dept_skills, k=min(len(dept_skills), rng.randint(2, 5)))
            own += rng.sample(names.COMMON_SKILLS, k=rng.choice((0, 0, 1, 2)))
            loc = next(loc for loc in names.LOCATIONS if loc[0] == person.location)
            spoken = list(loc[3]) + rng.sample(names.EXTRA_LANGUAGES, k=rng.choice((0, 0, 0, 1, 2)))
            ask = rng.choice(names.ASK_ME_ABOUT)
            bio = rng.choice(names.BIOS[person.language]).format(
                title=title, location=person.location, department=dept_name, skill=own[0], skill2=own[-1],
                ask=ask, years=rng.randint(1, 25))
            created = now - timedelta(days=rng.randint(400, 3000))
            user_rows.append((person.id, person.email, person.handle, person.name, fold(person.name),
                              password_hash, person.active, index == world.admin,
                              loc[4] if rng.random() < 0.7 else None, created,
                              None if person.active else now - timedelta(days=rng.randint(1, 300))))
            phone = f"{loc[2]} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
            profile_rows.append((person.id, title, dept_ids[dept],
                                 world.people[manager].id if manager is not None else None, person.location,
                                 phone, ", ".join(spoken), ", ".join([own[0], ask]), bio, render_markdown(bio),
                                 created))
            for skill_id_ in dict.fromkeys(skill(s) for s in own):
                skill_links.append((person.id, skill_id_))
        progress(len(members))
    user_rows.sort()
    profile_rows.sort()
    writer.insert(User.__table__, ("id", "email", "handle", "name", "sort_name", "password_hash", "active",
                                   "is_admin", "language", "created_at", "deactivated_at"), user_rows)
    writer.insert(Skill.__table__, ("id", "name", "slug"), skill_rows)
    writer.insert(Profile.__table__, ("user_id", "title", "department_id", "manager_id", "location", "phone",
                                      "languages", "ask_me_about", "bio_source", "bio_html", "updated_at"),
                  profile_rows)
    writer.insert(profile_skills, ("user_id", "skill_id"), skill_links)
    world.dept_names = [d[0] for d in departments]
    world.dept_ids = dept_ids


def _space_specs(world: World, count: int) -> list[tuple[str, str, str, str, int | None]]:
    """(slug, name, description, visibility, department index or None) for `count` spaces."""
    specs = []
    n_dept = min(len(world.departments), count // 3)
    for dept in range(n_dept):
        name = world.dept_names[dept]
        specs.append((f"dept-{slugify(name)}", name, f"L'espace du département {name}.", "closed", dept))
    themes = {vis: [t for t in names.SPACE_THEMES if t[3] == vis] for vis in VISIBILITIES}
    used = {vis: 0 for vis in VISIBILITIES}
    for j in range(count - n_dept):
        vis = VISIBILITY_CYCLE[j % len(VISIBILITY_CYCLE)]
        n = used[vis]
        used[vis] += 1
        stem, name, description, _vis = themes[vis][n % len(themes[vis])]
        if vis == "open" and n < len(themes[vis]):
            specs.append((stem, name, description, vis, None))
            continue
        project = names.PROJECT_NAMES[n % len(names.PROJECT_NAMES)]
        round_ = n // len(names.PROJECT_NAMES)
        suffix = f" {round_ + 1}" if round_ else ""
        specs.append((f"{stem}-{slugify(project)}{suffix.replace(' ', '-')}", f"{name} {project}{suffix}",
                      description, vis, None))
    return specs


def make_spaces(world: World, rng: random.Random, count: int, writer: BulkWriter, progress) -> None:
    """Spaces of every visibility with their members and moderators; some pending join requests."""
    conn, now, n_people = writer.conn, world.now, len(world.people)
    taken = set(conn.scalars(select(Space.slug)))
    space_id = next_id(conn, Space.__table__)
    space_rows, member_rows, request_rows = [], [], []
    open_rank = 0
    for slug, name, description, visibility, dept in _space_specs(world, count):
        base, n = slug[:60].strip("-"), 1
        while slug in taken or not SLUG_RE.match(slug):
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        if dept is not None:
            members = list(world.departments[dept])
        elif visibility == "open":
            size = max(3, int(n_people * 0.4 / (open_rank + 1) ** 0.8))
            open_rank += 1
            members = rng.sample(range(n_people), k=min(n_people, size))
        else:
            top = max(4, min(200 if visibility == "closed" else 40, n_people // 5))
            members = rng.sample(range(n_people), k=min(n_people, rng.randint(3, top)))
        members = [m for m in members if world.people[m].active] or [world.admin]
        moderators = members[:1] + rng.sample(members[1:], k=min(len(members) - 1, rng.randint(0, 2)))
        info = SpaceInfo(space_id, slug, visibility, members, moderators)
        total = 0.0
        for m in members:
            total += world.weight[m]
            info.member_weights.append(total)
        world.spaces.append(info)
        created = now - timedelta(days=rng.randint(730, 1500))
        space_rows.append((space_id, slug, name[:120], description, visibility,
                           world.dept_ids[dept] if dept is not None else None, False,
                           world.people[moderators[0]].id, created))
        mods = set(moderators)
        for m in members:
            member_rows.append((space_id, world.people[m].id, "moderator" if m in mods else "member",
                                "department" if dept is not None else "manual",
                                created + timedelta(days=rng.randint(0, 700))))
        if visibility == "closed" and rng.random() < 0.5:
            outsider = rng.randrange(n_people)
            if outsider not in set(members) and world.people[outsider].active:
                request_rows.append((space_id, world.people[outsider].id, "request", None,
                                     "Bonjour, je peux rejoindre ? / May I join?", "pending",
                                     now - timedelta(days=rng.randint(0, 20))))
        space_id += 1
        progress(1)
    writer.insert(Space.__table__, ("id", "slug", "name", "description", "visibility", "department_id",
                                    "from_config", "created_by_id", "created_at"), space_rows)
    writer.insert(Membership.__table__, ("space_id", "user_id", "role", "source", "created_at"), member_rows)
    writer.insert(JoinRequest.__table__, ("space_id", "user_id", "kind", "invited_by_id", "message", "status",
                                          "created_at"), request_rows)


def make_hashtags(world: World, vocabulary: Vocabulary, writer: BulkWriter) -> None:
    """The tags people use, so follows and posts can refer to them."""
    conn = writer.conn
    world.hashtags = dict(conn.execute(select(Hashtag.slug, Hashtag.id)).all())
    rows, tag_id = [], next_id(conn, Hashtag.__table__)
    for name in vocabulary.hashtags.items:
        slug = fold(name)
        if slug not in world.hashtags:
            world.hashtags[slug] = tag_id
            rows.append((tag_id, name, slug))
            tag_id += 1
    writer.insert(Hashtag.__table__, ("id", "name", "slug"), rows)


def make_follows(world: World, rng: random.Random, vocabulary: Vocabulary, writer: BulkWriter, progress) -> None:
    """Each person follows their manager and a few popular colleagues, spaces they read and some tags."""
    now, rows = world.now, []
    space_zipf = Zipf(range(len(world.spaces)), s=0.8)
    member_of: dict[int, set[int]] = {}
    for s, info in enumerate(world.spaces):
        for m in info.members:
            member_of.setdefault(m, set()).add(s)
    for index, person in enumerate(world.people):
        if not person.active:
            progress(1)
            continue
        people = set(world.activity.draw(rng, rng.randint(2, 18)))
        if person.manager is not None:
            people.add(person.manager)
        people.discard(index)
        spaces = {s for s in space_zipf.draw(rng, rng.randint(1, 4))
                  if world.spaces[s].visibility == "open" or s in member_of.get(index, ())}
        tags = {fold(t) for t in vocabulary.hashtags.draw(rng, rng.choice((0, 0, 1, 2, 3)))}
        for kind, targets in (("person", sorted(world.people[p].id for p in people)),
                              ("space", sorted(world.spaces[s].id for s in spaces)),
                              ("hashtag", sorted(world.hashtags[t] for t in tags))):
            for target in targets:
                rows.append((person.id, kind, target, now - timedelta(days=rng.randint(0, 700))))
        progress(1)
    writer.insert(Follow.__table__, ("user_id", "target_type", "target_id", "created_at"), rows)


def choose_reader(world: World) -> int:
    """An ordinary active colleague in the most spaces, one of them not open: the benchmark logs in as them."""
    member_of: dict[int, list[int]] = {}
    for s, info in enumerate(world.spaces):
        for m in info.members:
            member_of.setdefault(m, []).append(s)
    people = world.people
    ordinary = [i for i in range(len(people)) if people[i].active and i != world.admin]
    candidates = [i for i in ordinary if any(world.spaces[s].visibility != "open" for s in member_of.get(i, []))]
    world.reader = min(candidates or ordinary, key=lambda i: (-len(member_of.get(i, [])), i))
    return world.reader
