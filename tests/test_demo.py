"""`flask demo load`: a believable company on first start, loaded once."""
import io
import random

from PIL import Image
from sqlalchemy import func, select

from agora.accounts.models import User
from agora.demo import people as data
from agora.extensions import db
from agora.media.models import Media
from agora.profiles.models import Department, Profile, Skill


def load(app, *args):
    return app.test_cli_runner().invoke(args=["demo", "load", *args])


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_load_builds_the_company(app, client, login):
    from agora.core.hooks import add_hook
    from agora.profiles.services import manager_chain_ids

    seen = []
    add_hook(app, "demo.populate", lambda people, rng: seen.append((people, rng)))
    result = load(app, "--if-empty")
    assert result.exit_code == 0, result.output
    assert "Warning" not in result.stderr, result.stderr
    assert "Demo organisation loaded: 40 people." in result.output
    assert "admin@agora.example" in result.output and data.DEMO_PASSWORD in result.output
    assert 'departments = ["Ressources humaines"]' in result.output

    assert count(User) == 40
    assert sorted(d.name for d in db.session.scalars(select(Department))) == sorted(data.DEPARTMENTS)
    sizes = dict(db.session.execute(select(Department.name, func.count(Profile.user_id))
                                    .join(Profile, Profile.department_id == Department.id).group_by(Department.name)).all())
    assert all(size >= 3 for size in sizes.values()), sizes

    # One chief at the top; everyone else reaches her through their managers.
    ceo = db.session.scalar(select(User).where(User.email == "helene.marchand@agora.example"))
    assert ceo.profile.manager_id is None
    users = list(db.session.scalars(select(User)))
    depths = []
    for user in users:
        if user.id == ceo.id:
            continue
        chain = manager_chain_ids(user.id)
        assert chain and chain[-1] == ceo.id, user.name
        depths.append(len(chain))
    assert max(depths) >= 3  # CEO -> head -> lead -> staff
    assert len([u for u in users if u.profile.manager_id == ceo.id]) == 6  # 2 in Direction + 4 department heads

    # Profiles look lived in: titles, places, skills with accents, bios, languages, photos.
    assert {u.profile.location for u in users} == {"Paris", "Lyon", "Montréal", "London"}
    assert all(u.profile.title and u.profile.skills and u.profile.bio_html and u.profile.languages for u in users)
    assert any(not s.name.isascii() for s in db.session.scalars(select(Skill)))
    assert any(not u.name.isascii() for u in users)
    assert db.session.scalar(select(func.count()).select_from(Profile).where(Profile.photo_id.is_not(None))) == 37
    assert count(Media) == 37

    admin = db.session.scalar(select(User).where(User.email == data.ADMIN_EMAIL))
    assert admin.is_admin
    assert [u.email for u in users if u.is_admin] == [data.ADMIN_EMAIL]

    # The hooks got the people and a seeded generator.
    assert len(seen) == 1 and len(seen[0][0]) == 40 and isinstance(seen[0][1], random.Random)

    # A demo login works and the photos are served as images.
    login(db.session.scalar(select(User).where(User.email == "mathieu.lambert@agora.example")),
          password=data.DEMO_PASSWORD)
    photo = client.get(f"/media/{ceo.profile.photo_id}")
    assert photo.status_code == 200
    assert photo.mimetype.startswith("image/")
    with Image.open(io.BytesIO(photo.data)) as image:
        assert image.size == (256, 256)
    page = client.get(f"/people/{ceo.handle}")
    assert page.status_code == 200
    assert "Hélène Marchand" in page.get_data(as_text=True)


def test_if_empty_leaves_an_existing_database_alone(app, make_user):
    make_user("someone@example.com")
    result = load(app, "--if-empty")
    assert result.exit_code == 0
    assert "demo not loaded" in result.output
    assert data.DEMO_PASSWORD not in result.output  # no demo logins to print for a real company
    assert count(User) == 1


def test_loading_twice_is_refused_and_if_empty_is_idempotent(app):
    assert load(app).exit_code == 0
    again = load(app, "--if-empty")
    assert again.exit_code == 0
    assert "demo not loaded" in again.output and data.DEMO_PASSWORD in again.output
    refused = load(app)
    assert refused.exit_code == 1
    assert "already loaded" in refused.stderr
    assert count(User) == 40


def test_demo_load_before_migrations_says_what_to_do(tmp_path):
    from agora import create_app

    fresh = create_app({"database": {"url": f"sqlite:///{tmp_path / 'empty.db'}"}, "TESTING": True,
                        "INSTANCE_PATH": str(tmp_path / "instance")})
    result = fresh.test_cli_runner().invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 1
    assert "flask db upgrade" in result.stderr


def test_demo_load_indexes_everything_once_at_the_end(app, client, login, monkeypatch):
    from agora.search import indexer
    from agora.search.models import SearchOutbox

    per_commit = []
    monkeypatch.setattr(indexer, "drain_after_commit", lambda app_: per_commit.append(1))
    result = load(app)
    assert result.exit_code == 0, result.output
    # No drain per commit (hundreds of them made loading slow); one pass at the end indexed it all.
    assert per_commit == []
    assert count(SearchOutbox) == 0
    login(db.session.scalar(select(User).where(User.email == "mathieu.lambert@agora.example")),
          password=data.DEMO_PASSWORD)
    assert "Hélène Marchand" in client.get("/search?q=Marchand").get_data(as_text=True)
