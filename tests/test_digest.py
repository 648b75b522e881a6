"""The digest through a real SMTP server: what waits first, then the most discussed posts of the reader's spaces
and follows, each once, nothing read or out of sight; the hour in the person's time zone; skip if visited."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from agora.extensions import db
from tests.mail_helpers import BASE_URL, app_config, parts, run_jobs, smtp, smtp_server  # noqa: F401


@pytest.fixture
def world(app, make_user):
    """Ana reads a team space and follows Dana; posts around her were discussed since yesterday."""
    from agora.follows.services import follow
    from agora.notifications.services import mark_read
    from agora.spaces.models import Membership
    from agora.spaces.services import create_space
    from agora.walls.comments import add_comment
    from agora.walls.services import create_post

    ana, bob = make_user("ana@example.com", name="Ana Lima"), make_user("bob@example.com", name="Bob Martin")
    carl, dana = make_user("carl@example.com", name="Carl Roy"), make_user("dana@example.com", name="Dana Wu")
    team = create_space("team", "Team", visibility="closed")
    secret = create_space("board", "Board", visibility="secret")
    db.session.add_all([Membership(space_id=team.id, user_id=u.id, role="member") for u in (ana, bob, carl)]
                       + [Membership(space_id=secret.id, user_id=u.id, role="member") for u in (bob, carl)])
    db.session.commit()
    follow(ana, "person", dana.handle)

    def post(author, body, space=None, comments=0, by=None):
        made = create_post(author, space=space, person=None if space else author, body=body)
        for i in range(comments):
            add_comment(by or carl, made, f"comment {i}")
        return made

    posts = {
        "hot": post(bob, "zqhot budget plan", team, comments=3),
        "warm": post(carl, "zqwarm offsite ideas", team, comments=1, by=bob),
        "followed": post(dana, "zqfollowed release notes", comments=2),
        "secret": post(bob, "zqsecret merger", secret, comments=4),
        "answered": post(bob, "zqanswered lunch", team, comments=2, by=ana),
        "own": post(ana, "zqown question", team, comments=2),
        "mention": post(bob, f"@{ana.handle} zqmention can you review", team, comments=2),
        "quiet": post(bob, "zqquiet nobody answered", team),
    }
    read = post(carl, f"@{ana.handle} zqread already seen", team)
    from agora.notifications.models import Notification
    seen = db.session.scalars(db.select(Notification).where(Notification.recipient_id == ana.id,
                                                            Notification.target_id == read.id)).one()
    mark_read(ana, seen.id)
    # The mentions were emailed at once: those jobs are not what these tests look at.
    from agora.jobs.models import Job
    db.session.execute(db.delete(Job))
    db.session.commit()
    return {"ana": ana, "bob": bob, "team": team, "posts": posts}


def _digest_now(user):
    from agora.jobs.services import enqueue

    enqueue("mail.digest", key=f"test-digest:{user.id}:{datetime.now()}", user_id=user.id)
    db.session.commit()
    return run_jobs("mail.digest")


def _digest_by_scan(user):
    """The scan's way: everything so far moved before this hour's slot, then the person's digest due now."""
    from agora.mail.digest import scan
    from agora.notifications.models import Notification
    from agora.notifications.services import email_settings
    from agora.walls.models import Comment, Post

    now = datetime.utcnow()
    settings = email_settings(user.id, create=True)
    settings.digest_hour, settings.timezone = now.hour, "UTC"
    for row in [*db.session.scalars(db.select(Post)), *db.session.scalars(db.select(Comment)),
                *db.session.scalars(db.select(Notification))]:
        row.created_at -= timedelta(hours=1)
        if isinstance(row, Notification):
            row.updated_at -= timedelta(hours=1)
    db.session.commit()
    assert scan(now) >= 1
    return run_jobs("mail.digest")


def _order(text: str, words: list[str]) -> list[str]:
    found = sorted((text.index(w), w) for w in words if w in text)
    return [w for _, w in found]


@pytest.mark.parametrize("language, subject, waiting, discussed", [
    ("en", "Your day on Agora", "Waiting for you", "Most discussed in your spaces and follows"),
    ("fr", "Votre journée sur Agora", "Ce qui vous attend", "Les plus discutées dans vos espaces et vos abonnements"),
])
@pytest.mark.parametrize("queued_by", ["scan", "hand"])
def test_the_digest_puts_what_waits_first_then_the_most_discussed_each_once_and_nothing_read_or_hidden(
        app, smtp, world, language, subject, waiting, discussed, queued_by):
    ana = world["ana"]
    ana.language = language
    db.session.commit()
    assert (_digest_by_scan(ana) if queued_by == "scan" else _digest_now(ana))[0] == "done"
    [message] = [m for m in smtp.messages if m["To"].endswith("<ana@example.com>")]
    assert message["Subject"] == subject and message["Content-Language"] == language
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = parts(message)
    for part in (text, html):
        assert part.index(waiting) < part.index(discussed)
        # The mention waits first; then by comments since the last digest; the followed person's post is in.
        assert _order(part, ["zqmention", "zqhot", "zqfollowed", "zqwarm"]) == ["zqmention", "zqhot", "zqfollowed",
                                                                               "zqwarm"]
        assert part.count("zqmention") == 1  # each once, though it was also discussed
        for absent in ("zqsecret", "zqanswered", "zqown", "zqread", "zqquiet"):
            assert absent not in part, absent
    assert f"{BASE_URL}/posts/{world['posts']['hot'].id}" in text and "<img" not in html


def test_only_when_there_is_something_and_the_next_digest_starts_where_the_last_ended(app, smtp, world):
    from agora.notifications.models import Notification

    ana = world["ana"]
    assert _digest_now(ana) == ["done"] and len(smtp.messages) == 1
    db.session.execute(db.update(Notification).where(Notification.recipient_id == ana.id)
                       .values(read_at=datetime(2026, 1, 1)))
    db.session.commit()
    assert _digest_now(ana) == ["done"]
    assert len(smtp.messages) == 1  # nothing new since the last one: nothing sent


def test_a_person_removed_from_a_space_gets_nothing_from_it(app, smtp, world):
    from agora.spaces import membership

    ana = world["ana"]
    membership.leave(ana, world["team"])
    assert _digest_now(ana) == ["done"]
    text, _html = parts(smtp.messages[0])
    assert "zqfollowed" in text
    for gone in ("zqhot", "zqwarm", "zqmention"):
        assert gone not in text


def test_skip_if_visited_follows_discoursess_rule_or_sends_a_shorter_digest(app, smtp, world):
    from agora.accounts.models import UserSession
    from agora.jobs.models import Job
    from agora.notifications.services import email_settings

    ana = world["ana"]
    db.session.add(UserSession(user_id=ana.id, key_hash="k" * 64))  # seen just now
    db.session.commit()
    assert _digest_now(ana) == ["done"] and smtp.messages == []
    assert "visited" in db.session.scalars(db.select(Job)).one().detail
    settings = email_settings(ana.id, create=True)
    settings.skip_if_visited = False
    db.session.commit()
    assert _digest_now(ana) == ["done"]
    text, _html = parts(smtp.messages[0])
    assert "zqmention" in text and "zqhot" in text
    assert sum(word in text for word in ("zqhot", "zqfollowed", "zqwarm")) == 2  # shorter: the two most discussed
    # Emailed within the interval counts as visited too (last_emailed_at).
    db.session.execute(db.delete(UserSession))
    settings.skip_if_visited = True
    db.session.commit()
    assert _digest_now(ana) == ["done"] and len(smtp.messages) == 1


def test_the_scan_queues_each_person_once_at_their_hour_in_their_time_zone(app, world):
    from agora.jobs.models import Job
    from agora.mail.digest import scan
    from agora.notifications.services import email_settings

    ana, bob = world["ana"], world["bob"]
    settings = email_settings(ana.id, create=True)
    settings.digest_hour, settings.timezone = 7, "America/Montreal"
    weekly = email_settings(bob.id, create=True)
    weekly.digest_frequency, weekly.digest_hour, weekly.timezone = "weekly", 7, "America/Montreal"
    db.session.commit()
    tuesday_7_05_montreal = datetime(2026, 12, 8, 12, 5)  # UTC; Paris is at 13:05: nobody else's hour
    assert scan(tuesday_7_05_montreal) == 1
    assert scan(tuesday_7_05_montreal + timedelta(minutes=15)) == 1  # the same key: still one job
    assert [j.key for j in db.session.scalars(db.select(Job))] == [f"mail.digest:{ana.id}:2026-12-08"]
    assert scan(datetime(2026, 12, 8, 13, 5)) == 0
    monday = datetime(2026, 12, 7, 12, 5)
    assert scan(monday) == 2
    assert f"mail.digest:{bob.id}:2026-W50" in [j.key for j in db.session.scalars(db.select(Job))]


def test_the_preview_page_shows_the_next_digest_in_the_browser(app, client, login, world):
    login(world["ana"])
    page = client.get("/notifications/email/digest")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "zqhot" in html and "zqsecret" not in html
    assert client.get("/notifications/email").get_data(as_text=True).count("/notifications/email/digest") == 1


def test_the_scans_digest_covers_the_previous_slot_to_this_one_and_later_comments_wait_for_the_next(app, smtp, world):
    from agora.mail.digest import scan
    from agora.notifications.services import email_settings
    from agora.walls.comments import add_comment
    from agora.walls.models import Comment, Post

    ana, bob = world["ana"], world["bob"]
    now = datetime.utcnow()
    slot = now.replace(minute=0, second=0, microsecond=0)
    settings = email_settings(ana.id, create=True)
    settings.digest_hour, settings.timezone = now.hour, "UTC"
    for row in [*db.session.scalars(db.select(Post)), *db.session.scalars(db.select(Comment))]:
        row.created_at -= timedelta(hours=1)  # all of it before this hour's slot
    db.session.commit()
    for i in range(3):  # after the slot: the warm post would lead if these counted
        add_comment(bob, world["posts"]["warm"], f"late {i}")
    assert scan(now) >= 1
    assert run_jobs("mail.digest")[0] == "done"
    [message] = [m for m in smtp.messages if m["To"].endswith("<ana@example.com>")]
    text, _html = parts(message)
    assert _order(text, ["zqhot", "zqfollowed", "zqwarm"]) == ["zqhot", "zqfollowed", "zqwarm"]
    assert email_settings(ana.id).last_digest_at == slot  # the next one starts where this one ended


@pytest.mark.parametrize("local, since, until", [
    # Paris springs forward on 28 March 2027: the day before was an hour longer in UTC terms.
    (datetime(2027, 3, 28, 8, 10), datetime(2027, 3, 27, 7, 0), datetime(2027, 3, 28, 6, 0)),
    (datetime(2026, 12, 8, 8, 10), datetime(2026, 12, 7, 7, 0), datetime(2026, 12, 8, 7, 0)),
])
def test_a_digest_period_runs_from_the_same_local_hour_the_day_before_across_a_clock_change(local, since, until):
    from zoneinfo import ZoneInfo

    from agora.mail.digest import slot_window

    assert slot_window(local.replace(tzinfo=ZoneInfo("Europe/Paris")), "daily") == (since, until)
