"""One folding: sort names and the slugs of hashtags, skills and departments refolded ("œuvre" -> "oeuvre")

Accounts folded "Œuvre" to "œuvre" and search to "oeuvre"; both now use agora.core.folding.fold,
search's table. Stored values made by the old accounts folding are recomputed, so a directory
search for "laetitia" finds "Lætitia" and "#oeuvre" and "#œuvre" stay one tag. Two rows that
now share a slug ("#œuvre" and "#oeuvre", once two tags) are merged into one. The search index
already held the new form, so it needs no rebuild.

Revision ID: c4e9a7d2f1b6
Revises: f9ed85912c5f
Create Date: 2026-12-07 15:30:00

"""
from alembic import op
import sqlalchemy as sa

from agora.core.folding import fold, slugify


# revision identifiers, used by Alembic.
revision = 'c4e9a7d2f1b6'
down_revision = 'f9ed85912c5f'
branch_labels = None
depends_on = None

# How each table's slug is made from its name (as the services make it), and what points at a row:
# link tables (table, column, the other key column, which rows) and plain foreign keys (table, column).
SLUGS = {
    "hashtags": (lambda name: fold(name)[:60],
                 [("post_hashtags", "hashtag_id", "post_id", None),
                  ("follows", "target_id", "user_id", "target_type = 'hashtag'")], []),
    "skills": (lambda name: slugify(name)[:60], [("profile_skills", "skill_id", "user_id", None)], []),
    "departments": (lambda name: slugify(name)[:120], [],
                    [("profiles", "department_id"), ("spaces", "department_id")]),
}


def _merge(conn, table, links, references, old, keep):
    """Point everything at row `keep` instead of `old` (a link both had stays once), then delete `old`."""
    ids = {"keep": keep, "old": old}
    for link, column, other, condition in links:
        only = f" AND {condition}" if condition else ""
        conn.execute(sa.text(f"UPDATE {link} SET {column} = :keep WHERE {column} = :old{only} AND {other} NOT IN "
                             f"(SELECT {other} FROM {link} WHERE {column} = :keep{only})"), ids)
        conn.execute(sa.text(f"DELETE FROM {link} WHERE {column} = :old{only}"), {"old": old})
    for ref, column in references:
        conn.execute(sa.text(f"UPDATE {ref} SET {column} = :keep WHERE {column} = :old"), ids)
    conn.execute(sa.text(f"DELETE FROM {table} WHERE id = :old"), {"old": old})


def upgrade():
    conn = op.get_bind()
    changed = [{"id": id_, "sort_name": fold(name)[:120]}
               for id_, name, sort_name in conn.execute(sa.text("SELECT id, name, sort_name FROM users"))
               if fold(name)[:120] != sort_name]
    if changed:
        conn.execute(sa.text("UPDATE users SET sort_name = :sort_name WHERE id = :id"), changed)
    for table, (derive, links, references) in SLUGS.items():
        groups: dict[str, list[tuple[int, str]]] = {}
        for id_, name, slug in conn.execute(sa.text(f"SELECT id, name, slug FROM {table} ORDER BY id")):
            groups.setdefault(derive(name) or slug, []).append((id_, slug))
        moves = []
        for target, rows in groups.items():
            # The row that already has the slug stays (its links and URLs are right), else the oldest.
            keep = next((id_ for id_, slug in rows if slug == target), rows[0][0])
            for id_, _slug in rows:
                if id_ != keep:
                    _merge(conn, table, links, references, id_, keep)
            if dict(rows)[keep] != target:
                moves.append({"id": keep, "slug": target})
        if moves:
            conn.execute(sa.text(f"UPDATE {table} SET slug = :slug WHERE id = :id"), moves)


def downgrade():
    # The old folding differed only for œ, æ and a few letters; the new values stay valid for it.
    pass
