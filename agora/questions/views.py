"""Question pages: the lists, asking, the "For you" queue, passing, accepting answers, one's availability."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from agora.core.errors import ValidationError
from agora.core.forms import ButtonForm, place_errors
from agora.core.policy import can
from agora.core.redirects import next_path
from agora.questions import lists, services
from agora.questions.forms import AskForm, AwayForm, ExpertForm, PassForm

bp = Blueprint("questions", __name__)


def _space_choices(form: AskForm) -> None:
    from agora.walls.queries import spaces_for

    form.space.choices = [SelectChoice("", _("Company-wide (no particular space)"))] + [
        SelectChoice(s.slug, s.name) for s in spaces_for(current_user)]


@bp.get("/questions")
@login_required
def index():
    from agora.core.errors import NotFound

    state = request.args.get("state") or "unanswered"
    if state not in lists.FILTERS:
        state = "unanswered"
    chosen = lists.chosen_filters(current_user, request.args.get("space"), request.args.get("topic"),
                                  request.args.get("department"))
    if chosen is None:
        raise NotFound()
    page = lists.questions(current_user, state=state, cursor=request.args.get("cursor") or None, **chosen.ids)
    return render_template("questions/index.html", posts=page, state=state, chosen=chosen,
                           departments=lists.departments())


@bp.get("/questions/for-you")
@login_required
def for_you():
    page = lists.questions(current_user, for_me=True, state="unanswered", cursor=request.args.get("cursor") or None)
    profile = current_user.profile
    return render_template("questions/for_you.html", posts=page,
                           away=AwayForm(away_until=profile.away_until if profile is not None else None))


@bp.route("/questions/ask", methods=["GET", "POST"])
@login_required
def ask():
    from agora.spaces.services import get_space

    form = AskForm(space=request.args.get("space", ""))
    _space_choices(form)
    similar = []
    if request.method == "POST" and form.validate_on_submit():
        if request.form.get("step") != "ask":
            similar = lists.similar(current_user, f"{form.title.data or ''} {form.body.data or ''}")
            return render_template("questions/ask.html", form=form, similar=similar, checked=True,
                                   skills=lists.common_skills())
        try:
            space = get_space(current_user, form.space.data) if form.space.data else None
            question = services.ask(current_user, title=form.title.data, body=form.body.data, space=space,
                                    topics=form.topics.data)
        except ValidationError as error:
            place_errors(form, error, fallback="body")
        else:
            flash(_("Your question is asked: it is due by %(due)s.", due=_due_text(question)), "success")
            return redirect(url_for("walls.show_post", post_id=question.post_id))
    status = 400 if request.method == "POST" else 200
    return render_template("questions/ask.html", form=form, similar=similar, checked=False,
                           skills=lists.common_skills()), status


def _due_text(question) -> str:
    from flask_babel import format_datetime

    return format_datetime(question.due_at, "short")  # in the reader's time zone


@bp.route("/questions/<int:question_id>/pass", methods=["GET", "POST"])
@login_required
def pass_(question_id):
    question = services.get_question(current_user, question_id)
    form = PassForm()
    if not can(current_user, "question.pass", question):
        flash(_("This question is not waiting on you."), "error")
        return redirect(url_for("walls.show_post", post_id=question.post_id))
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.pass_question(current_user, question, form.suggestion.data, form.note.data or "")
        except ValidationError as error:
            place_errors(form, error, fallback="suggestion")
        else:
            flash(_("Passed: the question goes to someone else."), "success")
            return redirect(url_for("questions.for_you"))
    return render_template("questions/pass.html", form=form, question=question), 400 if request.method == "POST" else 200


def _acceptance(change, comment_id, done: str):
    if ButtonForm().validate_on_submit():
        question = change(current_user, comment_id)
        flash(done, "success")
        return redirect(next_path(url_for("walls.show_post", post_id=question.post_id)))
    flash(_("The form expired; please try again."), "error")
    return redirect(next_path(url_for("questions.index")))


@bp.post("/comments/<int:comment_id>/accept")
@login_required
def accept(comment_id):
    return _acceptance(services.accept, comment_id, _("Answer accepted: the question is resolved."))


@bp.post("/comments/<int:comment_id>/withdraw")
@login_required
def withdraw(comment_id):
    return _acceptance(services.withdraw, comment_id, _("The answer is no longer accepted."))


@bp.post("/questions/away")
@login_required
def away():
    form = AwayForm()
    if form.validate_on_submit():
        try:
            services.set_away(current_user, form.away_until.data)
        except ValidationError as error:
            flash(error.field_errors.get("away_until", [str(error)])[0], "error")
        else:
            flash(_("Away until %(day)s: questions wait for others meanwhile.", day=form.away_until.data)
                  if form.away_until.data else _("You are available for questions again."), "success")
    else:
        flash(_("That is not a date."), "error")
    return redirect(url_for("questions.for_you"))


def space_nav(user, space):
    """The "space.nav" hook: the space's questions, and its experts for those who name them."""
    links = [("questions", _("Questions"), url_for("questions.index", space=space.slug))]
    if can(user, "space.name_experts", space):
        links.append(("experts", _("Experts"), url_for("questions.experts", slug=space.slug)))
    return links


@bp.route("/spaces/<slug>/experts", methods=["GET", "POST"])
@login_required
def experts(slug):
    from agora.core.policy import require
    from agora.spaces.services import get_space

    space = get_space(current_user, slug)
    require(current_user, "space.name_experts", space)
    form = ExpertForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            if request.form.get("remove"):
                services.unname_expert(current_user, space, request.form["remove"])
                flash(_("No longer an expert of this space."), "success")
            else:
                services.name_expert(current_user, space, form.person.data)
                flash(_("Named an expert: this space's questions reach them."), "success")
            return redirect(url_for("questions.experts", slug=space.slug))
        except ValidationError as error:
            place_errors(form, error, fallback="person")
    return render_template("questions/experts.html", space=space, form=form,
                           experts=services.space_experts(space)), 400 if form.errors else 200
