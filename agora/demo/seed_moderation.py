"""Seeding moderation: reports, the ledger line behind every hidden post or comment, dismissals, suspensions."""
from __future__ import annotations

import random
from datetime import timedelta

from agora.demo.seed_db import BulkWriter, next_id
from agora.demo.seed_names import HIDE_REASONS, REPORT_TEXTS
from agora.demo.seed_org import World
from agora.demo.seed_posts import Moderated, readers
from agora.moderation.models import CATEGORIES, ModerationAction, Report
from agora.spaces.models import Suspension

REPORT_COLUMNS = ("id", "target_type", "target_id", "space_id", "reporter_id", "category", "text", "status",
                  "created_at", "handled_by_id", "handled_at")
ACTION_COLUMNS = ("id", "action", "space_id", "actor_id", "target_type", "target_id", "subject_user_id", "rule",
                  "reason", "detail", "report_id", "created_at")


def write_moderation(world: World, rng: random.Random, moderated: list[Moderated], writer: BulkWriter) -> dict:
    """Reports and ledger lines: every hidden item has its report and its "hide" action, as the service would
    leave them; other reports stay open or were dismissed. Returns counts."""
    conn, now, people = writer.conn, world.now, world.people
    report_id, action_id = next_id(conn, Report.__table__), next_id(conn, ModerationAction.__table__)
    reports, actions = [], []
    admin = people[world.admin].id
    for item in moderated:
        space_id = world.spaces[item.space].id if item.space >= 0 else None
        moderator = people[rng.choice(world.spaces[item.space].moderators)].id if item.space >= 0 else admin
        reporter = next((p for p in readers(world, rng, item.space, 3) if p != item.author), None)
        reporter_id = people[reporter].id if reporter is not None else None
        category = item.category or rng.choice(CATEGORIES)
        reported_at = item.created_at + timedelta(minutes=rng.randint(5, 600))
        subject = people[item.author].id
        if item.hidden_at is not None:
            reported_at = min(reported_at, item.hidden_at)
            reports.append((report_id, item.target_type, item.target_id, space_id, reporter_id, category,
                            rng.choice(REPORT_TEXTS), "handled", reported_at, moderator, item.hidden_at))
            actions.append((action_id, "hide", space_id, moderator, item.target_type, item.target_id, subject,
                            category, HIDE_REASONS[category], "", report_id, item.hidden_at))
            action_id += 1
        elif rng.random() < 0.3:
            handled = min(now, reported_at + timedelta(hours=rng.randint(1, 48)))
            reports.append((report_id, item.target_type, item.target_id, space_id, reporter_id, category,
                            rng.choice(REPORT_TEXTS), "dismissed", min(now, reported_at), moderator, handled))
            actions.append((action_id, "dismiss", space_id, moderator, item.target_type, item.target_id, subject,
                            category, "Conforme à la charte / within the house rules.", "", report_id, handled))
            action_id += 1
        else:
            reports.append((report_id, item.target_type, item.target_id, space_id, reporter_id, category,
                            rng.choice(REPORT_TEXTS), "open", min(now, reported_at), None, None))
        report_id += 1

    suspensions = []
    closed = [s for s, info in enumerate(world.spaces) if len(info.members) > len(info.moderators) + 2]
    for _ in range(min(len(closed), max(1, len(people) // 2000)) if closed else 0):
        info = world.spaces[rng.choice(closed)]
        members = [m for m in info.members if m not in info.moderators and m not in (world.reader, world.admin)]
        if not members:
            continue
        member = rng.choice(members)
        moderator = people[rng.choice(info.moderators)].id
        created = now - timedelta(days=rng.randint(1, 5))
        until = now + timedelta(days=rng.randint(3, 30))
        reason = "Messages répétés hors sujet malgré un avertissement."
        suspensions.append((info.id, people[member].id, until, reason, created))
        actions.append((action_id, "suspend", info.id, moderator, "user", people[member].id, people[member].id,
                        "other", reason, f"until {until.date().isoformat()}", None, created))
        action_id += 1
    writer.insert(Report.__table__, REPORT_COLUMNS, reports)
    writer.insert(ModerationAction.__table__, ACTION_COLUMNS, actions)
    writer.insert(Suspension.__table__, ("space_id", "user_id", "until", "reason", "created_at"), suspensions)
    writer.commit()
    return {"reports": len(reports), "moderation_actions": len(actions), "suspensions": len(suspensions)}
