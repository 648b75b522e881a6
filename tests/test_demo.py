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


def instance_app(instance, monkeypatch):
    """The app as `make run` builds it: settings from the instance folder's config file, if any."""
    from agora import create_app

    monkeypatch.setenv("AGORA_INSTANCE", str(instance))
    monkeypatch.delenv("AGORA_CONFIG", raising=False)
    application = create_app()
    application.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    return application


def browse_as(application, email):
    client = application.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    response = client.post("/login", data={"email": email, "password": data.DEMO_PASSWORD})
    assert response.status_code == 302, response.data[:300]
    return client


def test_demo_load_into_an_empty_instance_makes_the_hr_department_hr(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    first = instance_app(instance, monkeypatch)
    with first.app_context():
        db.create_all()
        result = load(first, "--if-empty")
    assert result.exit_code == 0, result.output
    config_file = instance / "agora.toml"
    assert f"Wrote {config_file}" in result.output
    assert "add to the config file" not in result.output  # the file says it now
    hr_head = "claire.dubois@agora.example"
    # This process read its settings before the file existed: Claire is not HR yet.
    assert browse_as(first, hr_head).get("/moderation/queue").status_code == 403

    # From the next start (`make run` then serves), the head of HR sees the review queue and, HR
    # moderating every space, even the secret one; a developer who moderates no space there sees neither.
    served = instance_app(instance, monkeypatch)
    assert served.config["AGORA"]["hr"] == {"emails": [], "departments": [data.HR], "moderates": ["*"]}
    claire = browse_as(served, hr_head)
    assert claire.get("/moderation/queue").status_code == 200
    assert claire.get("/spaces/comite-direction").status_code == 200
    noah = browse_as(served, "noah.laurent@agora.example")
    assert noah.get("/spaces/comite-direction").status_code == 404
    assert noah.get("/moderation/queue").status_code == 403

    # Loading again leaves the file (perhaps edited since) alone and does not ask for it again.
    config_file.write_text(config_file.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    with served.app_context():
        again = load(served, "--if-empty")
    assert "demo not loaded" in again.output and "add to the config file" not in again.output
    assert config_file.read_text(encoding="utf-8").endswith("# edited\n")


def test_a_real_install_gets_no_hr_from_the_demo(tmp_path, monkeypatch):
    from agora.accounts.services import create_user
    from agora.profiles.services import assign_org

    instance = tmp_path / "instance"
    real = instance_app(instance, monkeypatch)
    with real.app_context():
        db.create_all()
        staff = create_user("rh@example.com", "Rita Hamel", data.DEMO_PASSWORD)
        assign_org(staff, title="Gestionnaire RH", department=data.HR)
        db.session.commit()
        assert load(real, "--if-empty").output.startswith("Accounts already exist")
        # Even the demo loaded beside real accounts writes no config: their HR stays the admin's choice.
        result = load(real)
    assert result.exit_code == 0, result.output
    assert "Demo organisation loaded" in result.output
    assert not (instance / "agora.toml").exists()
    assert 'departments = ["Ressources humaines"]' in result.output  # how to do it, if wanted
    served = instance_app(instance, monkeypatch)
    for email in ("rh@example.com", "claire.dubois@agora.example"):
        assert browse_as(served, email).get("/moderation/queue").status_code == 403


def test_an_existing_config_file_is_never_replaced(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "agora.toml").write_text('[site]\nname = "Intranet"\n', encoding="utf-8")
    application = instance_app(instance, monkeypatch)
    with application.app_context():
        db.create_all()
        result = load(application, "--if-empty")
    assert result.exit_code == 0, result.output
    assert (instance / "agora.toml").read_text(encoding="utf-8") == '[site]\nname = "Intranet"\n'
    assert "Wrote" not in result.output and 'departments = ["Ressources humaines"]' in result.output
