"""`flask users import`: good rows imported, bad rows reported by line, exit status 1 when any is bad."""
import pytest
from sqlalchemy import select

GOOD_AND_BAD = """name,email,title,department,manager email,location,skills
Alice Boss,alice@example.com,CEO,Direction,,Paris,Strategy;Leadership
Bob Report,bob@example.com,Engineer,Engineering,carol@example.com,Lyon,Python|Réseaux
Carol Lead,carol@example.com,CTO,Engineering,alice@example.com,Paris,python
,noname@example.com,Ghost,Engineering,,,
Dan Bad,not-an-email,Tester,QA,,,
Eve Twice,bob@example.com,Dup,QA,,,
Fay Lost,fay@example.com,Analyst,QA,nobody@example.com,,
Gus Loop,gus@example.com,A,QA,hal@example.com,,
Hal Loop,hal@example.com,B,QA,gus@example.com,,
Ivy Under,ivy@example.com,C,QA,fay@example.com,,
"""


def run_import(app, tmp_path, text, name="people.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return app.test_cli_runner().invoke(args=["users", "import", str(path)])


def users(app):
    from agora.accounts.models import User
    from agora.extensions import db
    db.session.expire_all()
    return {u.email: u for u in db.session.scalars(select(User))}


def test_good_rows_imported_and_bad_rows_reported_by_line(app, tmp_path):
    result = run_import(app, tmp_path, GOOD_AND_BAD)
    assert result.exit_code == 1
    out = result.output
    assert "3 created, 0 updated, 7 refused" in out
    assert "line 5: missing name" in out
    assert "line 6: bad email" in out
    assert "line 7: duplicate email bob@example.com (already on line 3)" in out
    assert "line 8: unknown manager nobody@example.com" in out
    assert "line 9: manager cycle" in out and "line 10: manager cycle" in out
    assert "line 11: manager fay@example.com is on refused line 8" in out

    people = users(app)
    assert set(people) == {"alice@example.com", "bob@example.com", "carol@example.com"}
    bob, carol, alice = people["bob@example.com"], people["carol@example.com"], people["alice@example.com"]
    # Managers may come later in the file.
    assert bob.profile.manager_id == carol.id and carol.profile.manager_id == alice.id
    assert bob.profile.title == "Engineer" and bob.profile.department.name == "Engineering"
    assert bob.profile.location == "Lyon"
    assert [s.slug for s in bob.profile.skills] == ["python", "reseaux"]
    assert carol.profile.skills[0].id == bob.profile.skills[0].id  # "python" and "Python" are one skill
    assert bob.password_hash is None  # no login until a password is set


def test_clean_file_exits_zero_and_reimport_updates(app, tmp_path, make_user):
    make_user("alice@example.com", name="Alice Old", title="Old title", location="Nantes")
    text = ("Name;Email;Title;Department;Manager email;Location;Skills\n"
            "Alice New;ALICE@example.com;CEO;Direction;;;\n"
            "Bob Report;bob@example.com;Engineer;Engineering;alice@example.com;Lyon;Go\n")
    result = run_import(app, tmp_path, "\ufeff" + text)
    assert result.exit_code == 0, result.output
    assert "1 created, 1 updated, 0 refused" in result.output
    people = users(app)
    alice = people["alice@example.com"]
    assert alice.name == "Alice New" and alice.profile.title == "CEO"
    assert alice.profile.location == "Nantes"  # an empty cell leaves the value alone
    assert people["bob@example.com"].profile.manager_id == alice.id


def test_cycle_through_existing_people_is_refused(app, tmp_path, make_user):
    from agora.profiles.services import assign_org
    boss = make_user("boss@example.com")
    assign_org(make_user("mid@example.com"), manager=boss)
    result = run_import(app, tmp_path, "name,email,manager email\nBoss,boss@example.com,mid@example.com\n")
    assert result.exit_code == 1
    assert "line 2: manager cycle" in result.output
    assert users(app)["boss@example.com"].profile.manager_id is None


def test_header_row_is_required(app, tmp_path):
    result = run_import(app, tmp_path, "Alice,alice@example.com,CEO\n")
    assert result.exit_code == 1
    assert "header row" in result.output and "Traceback" not in result.output
    assert users(app) == {}


def test_line_numbers_count_multiline_cells(app, tmp_path):
    text = 'name,email,title\n"Multi\nLine",multi@example.com,x\nBad,bad-email,y\n'
    result = run_import(app, tmp_path, text)
    assert "line 4: bad email" in result.output


@pytest.mark.parametrize("text", ["", "name,email\n"])
def test_empty_files(app, tmp_path, text):
    result = run_import(app, tmp_path, text)
    assert "Traceback" not in result.output
    assert result.exit_code == (1 if not text else 0)
