"""Moderation pages: report, review queue, act on content, the ledgers, appeals."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from agora.core.errors import DomainError, NotFound
from agora.core.forms import place_errors
from agora.core.policy import can, space_access
from agora.core.redirects import next_path
from agora.extensions import db
from agora.moderation import actions, appeals, reports, services
from agora.moderation.forms import RULE_CHOICES, AppealForm, DecisionForm, ModerateForm, ReportForm
from agora.spaces.models import Space
from agora.spaces.services import get_space

bp = Blueprint("moderation", __name__)
KINDS = {"posts": "post", "comments": "comment"}


@bp.app_context_processor
def _review_count():
    # A function, so only pages drawing the nav pay for the (request-cached) count.
    return {"moderation_open_reports": lambda: reports.open_count(current_user)}


# --- reporting ---------------------------------------------------------------------------------

def _report(target_type: str, target_id: int):
    content = services.get_content(current_user, target_type, target_id, "report")
    form = ReportForm()
    if form.validate_on_submit():
        try:
            reports.file_report(current_user, target_type, target_id, form.category.data, form.text.data)
        except DomainError as error:
            place_errors(form, error, fallback="text")
        else:
            flash(_("Thank you. The moderators will review your report; you will be told what they decide."),
                  "success")
            post_id = content.post_id if target_type == "comment" else None
            return redirect(services.content_url(target_type, content.id, post_id))
    status = 400 if request.method == "POST" else 200
    return render_template("moderation/report.html", form=form, content=content, target_type=target_type), status


@bp.route("/posts/<int:post_id>/report", methods=["GET", "POST"])
@login_required
def report_post(post_id):
    return _report("post", post_id)


@bp.route("/comments/<int:comment_id>/report", methods=["GET", "POST"])
@login_required
def report_comment(comment_id):
    return _report("comment", comment_id)


# --- acting on content ---------------------------------------------------------------------------

def _move_targets() -> list[Space]:
    if "moderation_move_targets" not in g:
        access = space_access(current_user)
        stmt = select(Space).order_by(Space.name, Space.id)
        if not access.moderates_every:
            stmt = stmt.where(Space.id.in_(sorted(access.moderator_ids)))
        g.moderation_move_targets = list(db.session.scalars(stmt)) if (
            access.moderates_every or access.moderator_ids) else []
    return g.moderation_move_targets


def moderate_form(target_type: str, content, open_count: int, formdata=None, id_prefix: str = "") -> ModerateForm:
    """The action form for one post or comment, offering only what applies to it now."""
    form = ModerateForm(formdata=formdata) if formdata is not None else ModerateForm()
    for f in form if id_prefix else ():
        # The queue shows one form per item: ids of their own keep each label on its own control.
        f.id = f.label.field_id = id_prefix + f.name
    post = services.post_of(content)
    choices = []
    for action in actions.ACTIONS[target_type]:
        if (action == "hide" and content.hidden_at) or (action == "restore" and not content.hidden_at):
            continue
        if action in ("lock", "unlock") and post.comments_locked == (action == "lock"):
            continue
        if action in ("pin", "unpin") and post.pinned == (action == "pin"):
            continue
        if action in ("move", "suspend") and post.space_id is None:
            continue
        if action == "dismiss" and not open_count:
            continue
        if action == "move" and not [s for s in _move_targets() if s.id != post.space_id]:
            continue
        choices.append(SelectChoice(action, actions.label(action) if action != "dismiss" else _("Dismiss the reports")))
    form.action.choices = choices
    labels = reports.category_labels()
    form.rule.choices = [SelectChoice("", _("The reports' category"))] + [
        SelectChoice(r, labels.get(r, _("House rules"))) for r in RULE_CHOICES]
    form.space.choices = [SelectChoice("", "—")] + [SelectChoice(s.slug, s.name) for s in _move_targets()
                                                    if s.id != post.space_id]
    return form


@bp.route("/moderation/<any(posts, comments):kind>/<int:target_id>", methods=["GET", "POST"])
@login_required
def moderate(kind, target_id):
    target_type = KINDS[kind]
    content = services.get_content(current_user, target_type, target_id, "moderate")
    open_reports = reports.open_reports(content)
    form = moderate_form(target_type, content, len(open_reports), request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate_on_submit():
        try:
            line = actions.act(current_user, target_type, target_id, form.action.data, reason=form.reason.data,
                               rule=form.rule.data, days=form.days.data, space=form.space.data)
        except DomainError as error:
            place_errors(form, error, fallback="action")
        else:
            flash(_("Done: %(action)s. It is in the moderation record.", action=actions.label(line.action)),
                  "success")
            return redirect(next_path(url_for("moderation.moderate", kind=kind, target_id=target_id)))
    return render_template("moderation/content.html", target_type=target_type, content=content, form=form,
                           reports=open_reports, lines=services.actions_on(current_user, content),
                           labels=reports.category_labels(), actions_label=actions.label,
                           next=request.values.get("next", "")), \
        400 if form.errors else 200


@bp.get("/moderation/queue")
@login_required
def queue():
    items = reports.queue(current_user)
    forms = {(i.target_type, i.content.id): moderate_form(i.target_type, i.content, len(i.reports),
                                                          id_prefix=f"{i.target_type}-{i.content.id}-") for i in items}
    return render_template("moderation/queue.html", items=items, forms=forms, appeals=reports.pending_appeals(current_user),
                           labels=reports.category_labels())


# --- the ledger -----------------------------------------------------------------------------------

@bp.get("/spaces/<slug>/moderation")
@login_required
def space_log(slug):
    space = get_space(current_user, slug)
    lines, next_cursor = services.space_log(current_user, space, request.args.get("cursor"))
    return render_template("moderation/log.html", space=space, lines=lines, next_cursor=next_cursor,
                           label=actions.label, labels=reports.category_labels())


@bp.get("/moderation/log")
@login_required
def wall_log():
    lines, next_cursor = services.wall_log(current_user, request.args.get("cursor"))
    return render_template("moderation/log.html", space=None, lines=lines, next_cursor=next_cursor,
                           label=actions.label, labels=reports.category_labels())


@bp.get("/moderation/actions/<int:action_id>")
@login_required
def action(action_id, appeal_form=None, decision_form=None, status=200):
    line = services.get_line(current_user, action_id)
    appeal = line.appeal
    may_decide = appeal is not None and appeal.status == "pending" and can(current_user, "moderation.decide_appeal",
                                                                          appeal)
    return render_template("moderation/action.html", line=line, appeal=appeal, label=actions.label,
                           labels=reports.category_labels(),
                           may_appeal=appeals.can_appeal(current_user, line.action, appeal),
                           may_decide=may_decide, appeal_form=appeal_form or AppealForm(),
                           decision_form=decision_form or DecisionForm()), status


@bp.post("/moderation/actions/<int:action_id>/appeal")
@login_required
def appeal(action_id):
    form = AppealForm()
    if form.validate_on_submit():
        try:
            appeals.file_appeal(current_user, action_id, form.text.data)
        except DomainError as error:
            if error.status in (403, 404):
                raise
            place_errors(form, error, {"action": "text"}, fallback="text")
        else:
            flash(_("Your appeal is sent. Someone other than the moderator who acted will decide."), "success")
            return redirect(url_for("moderation.action", action_id=action_id))
    return action(action_id, appeal_form=form, status=400)


@bp.post("/moderation/appeals/<int:appeal_id>/decide")
@login_required
def decide(appeal_id):
    found = appeals.get_appeal(appeal_id)
    form = DecisionForm()
    if form.validate_on_submit():
        grant = {"grant": True, "refuse": False}.get(form.decision.data)
        try:
            appeals.decide(current_user, appeal_id, grant, form.reason.data)
        except DomainError as error:
            if error.status in (403, 404):
                raise
            place_errors(form, error, fallback="reason")
        else:
            flash(_("The decision is recorded and the author is told."), "success")
            return redirect(url_for("moderation.action", action_id=found.action_id))
    if not can(current_user, "moderation.ledger_view", found.action):
        raise NotFound()
    return action(found.action_id, decision_form=form, status=400)
