"""The questions journey in a real browser, in English and French: ask with a topic, the expert finds it under
"For you" and answers, the asker accepts the answer and the question shows as resolved."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser.actions import log_in, switch_language, translator

# Someone who declares a skill that someone else in another department declares too: the asker and the skill.
PICK = """
import json
from agora import create_app
from agora.extensions import db
from agora.profiles.models import Profile, Skill, profile_skills
app = create_app()
with app.app_context():
    row = db.session.execute(db.select(Skill.name, db.func.count()).join(profile_skills)
                             .group_by(Skill.id, Skill.name).having(db.func.count() >= 2)
                             .order_by(db.func.count().desc(), Skill.name).limit(1)).one()
    holders = db.session.scalars(db.select(profile_skills.c.user_id).join(Skill)
                                 .where(Skill.name == row[0])).all()
    from agora.accounts.models import User
    asker = db.session.scalar(db.select(User).where(User.active, User.id.not_in(holders),
                                                    User.email != "admin@agora.example").order_by(User.id).limit(1))
    print(json.dumps({"asker": asker.email, "skill": row[0]}))
"""
ROUTED = """
import json
from agora import create_app
from agora.extensions import db
from agora.questions.models import Route
app = create_app()
with app.app_context():
    print(json.dumps([r.user.email for r in db.session.scalars(db.select(Route).where(Route.question_id == {qid}))]))
"""


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_ask_the_expert_answers_the_asker_accepts(new_context, live_server, artifacts, lang):
    t = translator(lang)
    picked = json.loads(live_server.python(PICK).strip().splitlines()[-1])
    title = f"Journey question in {lang}: how do we do this?"
    asker = new_context(locale="fr-FR" if lang == "fr" else "en-GB").new_page()
    log_in(asker, picked["asker"])
    switch_language(asker, lang)
    asker.goto("/questions/ask")
    asker.fill("input[name=title]", title)
    asker.fill("textarea[name=body]", "The details of the question.")
    asker.fill("input[name=topics]", picked["skill"])
    with asker.expect_navigation():
        asker.click("main button[value=ask]")
    assert "/posts/" in asker.url
    expect(asker.locator(".flash, [role=status], .notice").first).to_contain_text(t("Your question is asked: it is due by %(due)s.", due="")[:12])
    qid = int(asker.url.rstrip("/").split("/posts/")[1].split("?")[0].split("#")[0])
    [expert_email, *_] = json.loads(live_server.python(ROUTED.replace("{qid}", str(qid))).strip().splitlines()[-1])

    expert = new_context(locale="fr-FR" if lang == "fr" else "en-GB").new_page()
    log_in(expert, expert_email)
    switch_language(expert, lang)
    expert.goto("/questions/for-you")
    expect(expert.locator("main")).to_contain_text(title)
    expert.goto("/notifications")
    expect(expert.locator("main")).to_contain_text(t("%(name)s asks a question you may know the answer to", name="")
                                                   .strip()[:20])
    expert.goto(f"/posts/{qid}")
    expert.fill("#comments textarea[name=body]", "Here is how: step one, step two.")
    with expert.expect_navigation():
        expert.click("#comments form.card button[type=submit]")
    expect(expert.locator("#comments")).to_contain_text("step one")

    asker.goto(f"/posts/{qid}")
    with asker.expect_navigation():
        asker.click(f"button:has-text('{t('Accept this answer')}')")
    expect(asker.locator(".question-card")).to_contain_text(t("Resolved"))
    expect(asker.locator("#comments")).to_contain_text(t("Accepted answer"))
    expect(asker.locator(".question-timeline")).to_contain_text(t("first answer, by %(name)s", name="").strip())
    asker.screenshot(path=str(artifacts / f"question-resolved-{lang}.png"), full_page=True)
