"""Spaces defined in the config file: applied idempotently, moderators and departments kept in step."""
import pytest

from agora.extensions import db

SPACES = [
    {"slug": "sales-team", "name": "Sales team", "description": "Pipeline", "visibility": "closed",
     "moderators": ["lead@example.com"], "department": "Sales"},
    {"slug": "paris", "name": "Paris office", "visibility": "open", "moderators": ["ana@example.com"]},
]


@pytest.fixture
def app_config():
    return {"spaces": SPACES, "hr": {"emails": ["hr@example.com"], "moderates": ["paris", "nowhere"]}}


@pytest.fixture
def people(make_user):
    return {
        "lead": make_user("lead@example.com", department="Sales"),
        "sam": make_user("sam@example.com", department="Sales"),
        "ana": make_user("ana@example.com", department="Engineering"),
        "eve": make_user("eve@example.com", department="Engineering"),
    }


def _space(slug):
    from agora.spaces.models import Space

    return db.session.scalar(db.select(Space).where(Space.slug == slug))


def _roles(slug):
    from agora.accounts.models import User
    from agora.spaces.models import Membership, Space

    rows = db.session.execute(db.select(User.email, Membership.role, Membership.source)
                              .join(User, User.id == Membership.user_id)
                              .join(Space, Space.id == Membership.space_id).where(Space.slug == slug))
    return {email.split("@")[0]: (role, source) for email, role, source in rows}


def _apply(app):
    from agora.admin.services import apply_config

    result = apply_config(app)
    db.session.expire_all()
    return result


def test_apply_creates_spaces_with_moderators_and_department_members_and_is_idempotent(app, people):
    first = _apply(app)
    assert "space sales-team created" in first and "space paris created" in first
    sales, paris = _space("sales-team"), _space("paris")
    assert sales.from_config and sales.visibility == "closed" and sales.description == "Pipeline"
    assert sales.department.name == "Sales" and paris.department_id is None
    assert _roles("sales-team") == {"lead": ("moderator", "config"), "sam": ("member", "department")}
    assert _roles("paris") == {"ana": ("moderator", "config")}
    assert _apply(app) == []  # applying twice changes nothing
    assert _roles("sales-team") == {"lead": ("moderator", "config"), "sam": ("member", "department")}


def test_file_changes_update_the_space_and_demote_removed_moderators(app, people):
    _apply(app)
    settings = app.config["AGORA"]
    settings["spaces"][0] = {**SPACES[0], "name": "Sales", "visibility": "secret", "moderators": []}
    settings["spaces"][1] = {**SPACES[1], "moderators": ["eve@example.com"]}
    changes = _apply(app)
    assert "space sales-team updated: name, visibility" in changes
    assert _space("sales-team").name == "Sales" and _space("sales-team").visibility == "secret"
    # lead works in Sales, so stays as an automatic member; ana stays a plain member of Paris.
    assert _roles("sales-team") == {"lead": ("member", "department"), "sam": ("member", "department")}
    assert _roles("paris") == {"ana": ("member", "manual"), "eve": ("moderator", "config")}
    assert _apply(app) == []


def test_a_space_removed_from_the_file_is_kept_and_handed_to_its_moderators(app, people):
    _apply(app)
    app.config["AGORA"]["spaces"] = [SPACES[0]]
    assert any("no longer in the file" in line for line in _apply(app))
    paris = _space("paris")
    assert paris is not None and not paris.from_config
    assert _roles("paris") == {"ana": ("moderator", "manual")}


def test_changing_department_moves_automatic_memberships(app, people):
    from agora.profiles.services import assign_org

    _apply(app)
    eng = {"slug": "eng", "name": "Engineering", "visibility": "closed", "moderators": [],
           "department": "Engineering", "description": ""}
    app.config["AGORA"]["spaces"] = SPACES + [eng]
    _apply(app)
    assert _roles("eng") == {"ana": ("member", "department"), "eve": ("member", "department")}
    assign_org(people["sam"], department="Engineering")
    db.session.expire_all()
    assert "sam" not in _roles("sales-team") and _roles("eng")["sam"] == ("member", "department")
    # A config moderator keeps their role when they move; only department membership follows the person.
    assign_org(people["lead"], department="Engineering")
    db.session.expire_all()
    assert _roles("sales-team")["lead"] == ("moderator", "config")
    assert _apply(app) == []


def test_a_department_member_who_leaves_is_not_added_back(app, client, login, people):
    from agora.profiles.services import assign_org

    _apply(app)
    login(people["sam"])
    assert client.post("/spaces/sales-team/leave").status_code == 302
    assert "sam" not in _roles("sales-team")
    assert _apply(app) == []
    assign_org(people["sam"], title="Senior")  # a profile change does not bring them back either
    db.session.expire_all()
    assert "sam" not in _roles("sales-team")
    # Asking again and being approved lifts the opt-out.
    client.post("/spaces/sales-team/request", data={"message": "back"})
    from agora.spaces import membership
    from agora.spaces.models import JoinRequest
    request = db.session.scalar(db.select(JoinRequest))
    membership.decide_request(people["lead"], _space("sales-team"), request.id, approve=True)
    assert _roles("sales-team")["sam"] == ("member", "manual")


def test_config_moderators_cannot_leave_or_be_removed_from_the_ui(app, client, login, people):
    _apply(app)
    login(people["lead"])
    response = client.post("/spaces/sales-team/leave")
    assert response.status_code == 403
    assert _roles("sales-team")["lead"] == ("moderator", "config")


def test_removed_department_member_is_not_added_back(app, client, login, people):
    _apply(app)
    login(people["lead"])
    assert client.post("/spaces/sales-team/members/sam/remove").status_code == 302
    assert _apply(app) == [] and "sam" not in _roles("sales-team")


def test_unknown_department_is_reported_and_joins_later(app, people, make_user):
    app.config["AGORA"]["spaces"] = [{"slug": "legal", "name": "Legal", "visibility": "open", "moderators": [],
                                      "department": "Legal", "description": ""}]
    lines = _apply(app)
    assert any("no department is named 'Legal'" in line for line in lines)
    make_user("lou@example.com", department="Legal")
    _apply(app)
    assert _roles("legal") == {"lou": ("member", "department")}


def test_config_check_reports_hr_slugs_that_name_no_space(app, people):
    from agora.admin.services import check_references

    problems = [str(p) for p in check_references(app.config["AGORA"])]
    assert "hr.moderates[1]: no space has the slug 'nowhere'." in problems
    assert not any("'paris'" in p for p in problems)


def test_applying_through_the_cli(app, people):
    result = app.test_cli_runner().invoke(args=["config", "apply"])
    assert result.exit_code == 0 and "space paris created" in result.output
    again = app.test_cli_runner().invoke(args=["config", "apply"])
    assert "nothing to change" in again.output
