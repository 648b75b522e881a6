"""Space pages: the directory, creating and editing a space, members, requests and invitations (walls shows its page)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from agora.core.errors import DomainError, Forbidden, NotFound, ValidationError
from agora.core.forms import ButtonForm, place_errors
from agora.core.policy import require
from agora.profiles.services import find_person
from agora.spaces import membership, services
from agora.spaces.forms import InviteForm, RequestForm, SettingsForm, SpaceForm

bp = Blueprint("spaces", __name__)

def _act(action, success: str, back: str):
    """Run a membership service after the CSRF check; its refusals become a flash, never a 500."""
    if not ButtonForm().validate_on_submit():
        flash(_("The form expired. Please try again."), "error")
        return redirect(back)
    try:
        action()
    except (NotFound, Forbidden):
        raise
    except DomainError as error:
        flash(error.message or _("This is not possible."), "error")
    else:
        flash(success, "success")
    return redirect(back)


def _person(handle: str):
    person = find_person(handle)
    if person is None:
        raise NotFound()
    return person


@bp.get("/spaces")
@login_required
def index():
    return render_template("spaces/index.html", entries=services.directory(current_user),
                           invitations=services.pending_invitations(current_user), form=ButtonForm())


@bp.route("/spaces/new", methods=["GET", "POST"])
@login_required
def create():
    require(current_user, "space.create")
    form = SpaceForm()
    if form.validate_on_submit():
        try:
            space = services.create_space_for(current_user, slug=form.slug.data, name=form.name.data,
                                              description=form.description.data, visibility=form.visibility.data)
        except ValidationError as error:
            place_errors(form, error, fallback="slug")
        except DomainError as error:  # a taken address
            place_errors(form, error, fallback="slug")
        else:
            flash(_("The space is created; you are its moderator."), "success")
            return redirect(url_for("walls.space", slug=space.slug))
    return render_template("spaces/create.html", form=form), 400 if form.errors else 200


@bp.route("/spaces/<slug>/settings", methods=["GET", "POST"])
@login_required
def settings(slug):
    space = services.get_space(current_user, slug)
    require(current_user, "space.moderate", space)
    form = SettingsForm(obj=space) if request.method == "GET" else SettingsForm()
    if form.validate_on_submit():
        try:
            services.update_space(current_user, space, name=form.name.data, description=form.description.data,
                                  visibility=form.visibility.data)
        except ValidationError as error:
            place_errors(form, error, fallback="name")
        else:
            flash(_("The space is updated."), "success")
            return redirect(url_for("walls.space", slug=space.slug))
    return render_template("spaces/settings.html", space=space, form=form), 400 if form.errors else 200


@bp.route("/spaces/<slug>/members", methods=["GET", "POST"])
@login_required
def members(slug):
    space = services.get_space(current_user, slug)
    form = InviteForm()
    status = 200
    if request.method == "POST":
        require(current_user, "space.invite", space)
        if form.validate_on_submit():
            try:
                result = membership.invite(current_user, space, find_person(form.person.data or ""))
            except DomainError as error:
                place_errors(form, error, fallback="person")
            else:
                flash(_("%(name)s is now a member.", name=result.user.name) if result.status == "approved"
                      else _("%(name)s is invited.", name=result.user.name), "success")
                return redirect(url_for("spaces.members", slug=space.slug))
        status = 400
    return render_template("spaces/members.html", space=space, roster=services.roster(current_user, space),
                           form=form, button=ButtonForm(), moderation_url=url_for("moderation.space_log", slug=space.slug)), status


@bp.post("/spaces/<slug>/join")
@login_required
def join(slug):
    space = services.get_seeable_space(current_user, slug)
    return _act(lambda: membership.join(current_user, space), _("Welcome to %(name)s.", name=space.name),
                url_for("walls.space", slug=space.slug))


@bp.post("/spaces/<slug>/leave")
@login_required
def leave(slug):
    space = services.get_seeable_space(current_user, slug)
    # Leaving a closed or secret space ends the right to read it: go back to the list.
    back = url_for("walls.space", slug=space.slug) if space.visibility == "open" else url_for("spaces.index")
    return _act(lambda: membership.leave(current_user, space), _("You left %(name)s.", name=space.name), back)


@bp.post("/spaces/<slug>/request")
@login_required
def request_join(slug):
    space = services.get_seeable_space(current_user, slug)
    form = RequestForm()
    if form.validate_on_submit():
        try:
            membership.request_to_join(current_user, space, form.message.data)
        except ValidationError as error:
            place_errors(form, error, fallback="message")
        except DomainError as error:
            flash(error.message, "error")
            return redirect(url_for("walls.space", slug=space.slug))
        else:
            flash(_("Your request is sent to the moderators of %(name)s.", name=space.name), "success")
            return redirect(url_for("walls.space", slug=space.slug))
    entry = services.entry_for(current_user, space)
    return render_template("spaces/preview.html", space=space, moderators=services.moderators_of(space),
                           entry=entry, form=form, button=ButtonForm()), 400


@bp.post("/spaces/<slug>/requests/<int:request_id>/cancel")
@login_required
def cancel_request(slug, request_id):
    space = services.get_seeable_space(current_user, slug)
    return _act(lambda: membership.cancel_request(current_user, request_id), _("Your request is withdrawn."),
                url_for("walls.space", slug=space.slug))


@bp.post("/spaces/<slug>/requests/<int:request_id>/<any(approve, refuse):decision>")
@login_required
def decide(slug, request_id, decision):
    space = services.get_space(current_user, slug)
    return _act(lambda: membership.decide_request(current_user, space, request_id, decision == "approve"),
                _("The request is approved.") if decision == "approve" else _("The request is refused."),
                url_for("spaces.members", slug=space.slug))


@bp.post("/spaces/invitations/<int:request_id>/<any(accept, decline):answer>")
@login_required
def answer(request_id, answer):
    accept = answer == "accept"
    result = {}

    def run():
        result["invitation"] = membership.answer_invitation(current_user, request_id, accept)

    response = _act(run, _("Invitation accepted.") if accept else _("Invitation declined."), url_for("spaces.index"))
    if accept and "invitation" in result:
        return redirect(url_for("walls.space", slug=result["invitation"].space.slug))
    return response


@bp.post("/spaces/<slug>/members/<handle>/remove")
@login_required
def remove(slug, handle):
    space = services.get_space(current_user, slug)
    person = _person(handle)
    return _act(lambda: membership.remove_member(current_user, space, person),
                _("%(name)s is no longer a member.", name=person.name), url_for("spaces.members", slug=space.slug))


@bp.post("/spaces/<slug>/members/<handle>/<any(moderator, member):role>")
@login_required
def set_role(slug, handle, role):
    space = services.get_space(current_user, slug)
    person = _person(handle)
    return _act(lambda: membership.set_moderator(current_user, space, person, role == "moderator"),
                _("%(name)s is now a moderator.", name=person.name) if role == "moderator"
                else _("%(name)s is no longer a moderator.", name=person.name),
                url_for("spaces.members", slug=space.slug))
