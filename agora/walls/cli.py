"""`flask content rerender`: re-render stored Markdown after the allowlist changes."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from agora.core.transactions import transaction
from agora.extensions import db

content_cli = AppGroup("content", help="Posts, comments and other user content.")
BATCH = 200


def _rerender(model, source_attr: str, html_attr: str, key, render_one, label: str) -> int:
    total = db.session.scalar(select(func.count()).select_from(model)) or 0
    changed, last = 0, None
    with click.progressbar(length=total, label=label) as bar:
        while True:
            stmt = select(model).order_by(key).limit(BATCH)
            if last is not None:
                stmt = stmt.where(key > last)
            rows = list(db.session.scalars(stmt))
            if not rows:
                break
            with transaction():  # one batch at a time: memory stays flat and progress is kept
                for row in rows:
                    html = render_one(getattr(row, source_attr) or "") if getattr(row, source_attr) else ""
                    if html != getattr(row, html_attr):
                        setattr(row, html_attr, html)
                        changed += 1
                last = getattr(rows[-1], key.key)
            db.session.expunge_all()
            bar.update(len(rows))
    return changed


@content_cli.command("rerender")
def rerender():
    """Re-render every post, comment and bio through the current sanitiser allowlist."""
    from agora.core.sanitiser import render_markdown
    from agora.profiles.models import Profile
    from agora.walls.models import Comment, EditHistory, Post
    from agora.walls.rendering import render

    def walls(source: str) -> str:
        return render(source).html

    counts = {
        "posts": _rerender(Post, "body_source", "body_html", Post.id, walls, "Posts"),
        "comments": _rerender(Comment, "body_source", "body_html", Comment.id, walls, "Comments"),
        "history": _rerender(EditHistory, "body_source", "body_html", EditHistory.id, walls, "Edit history"),
        "bios": _rerender(Profile, "bio_source", "bio_html", Profile.user_id, render_markdown, "Bios"),
    }
    click.echo("Re-rendered: " + ", ".join(f"{n} {what} changed" for what, n in counts.items()))
