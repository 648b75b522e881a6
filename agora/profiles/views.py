"""Profile pages, editing, org chart and the directory."""
from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from agora.core.errors import ValidationError
from agora.core.forms import place_errors
from agora.core.hooks import hooks
from agora.core.policy import require
from agora.profiles import services
from agora.profiles.forms import OrgForm, PersonalForm
from agora.profiles.serialise import person_summary

bp = Blueprint("profiles", __name__)



@bp.get("/people")
@login_required
def directory():
    require(current_user, "directory.view")
    filters = {key: (request.args.get(key) or "").strip()[:120] or None
               for key in ("q", "department", "location", "skill")}
    page = services.directory(**filters, cursor=request.args.get("cursor") or None)
    return render_template("profiles/directory.html", page=page, filters=filters,
                           clean_filters={k: v for k, v in filters.items() if v},
                           departments=services.departments(), locations=services.locations())


@bp.get("/people/suggest")
def suggest():
    if not current_user.is_authenticated:
        return jsonify({"error": {"status": 401, "code": "unauthorized", "message": _("Please log in.")}}), 401
    require(current_user, "directory.view")
    people = services.suggest((request.args.get("q") or "")[:60])
    return jsonify([person_summary(p) for p in people])


@bp.get("/people/<handle>")
@login_required
def show(handle):
    person = services.get_person(handle)
    require(current_user, "profile.view", person)
    chart = services.org_chart(person)
    activity = [section for hook in hooks("profile.activity") for section in (hook(current_user, person) or [])]
    return render_template("profiles/show.html", person=person, profile=person.profile, chart=chart,
                           activity=activity)


@bp.route("/people/<handle>/edit", methods=["GET", "POST"])
@login_required
def edit(handle):
    person = services.get_person(handle)
    require(current_user, "profile.edit_personal", person)
    profile = person.profile
    form = PersonalForm()
    if request.method == "GET":
        form.bio.data = profile.bio_source
        form.skills.data = ", ".join(s.name for s in profile.skills)
        form.languages.data = profile.languages
        form.ask_me_about.data = profile.ask_me_about
        form.location.data = profile.location
        form.phone.data = profile.phone
    elif form.validate_on_submit():
        try:
            upload = form.photo.data
            photo = upload.read() if upload and getattr(upload, "filename", "") else None
            services.update_personal(current_user, person, bio=form.bio.data or "",
                                     skills=services.split_skills(form.skills.data),
                                     languages=form.languages.data or "", ask_me_about=form.ask_me_about.data or "",
                                     location=form.location.data or "", phone=form.phone.data or "",
                                     photo=photo, remove_photo=photo is None and bool(form.remove_photo.data))
        except ValidationError as exc:
            place_errors(form, exc)
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("profiles.show", handle=person.handle))
    status = 400 if form.errors else 200
    return render_template("profiles/edit.html", person=person, form=form), status


@bp.route("/people/<handle>/org", methods=["GET", "POST"])
@login_required
def edit_org(handle):
    person = services.get_person(handle)
    require(current_user, "profile.edit_org", person)
    profile = person.profile
    form = OrgForm()
    if request.method == "GET":
        form.title.data = profile.title
        form.department.data = profile.department.name if profile.department else ""
        form.manager.data = profile.manager.handle if profile.manager else ""
    elif form.validate_on_submit():
        try:
            services.update_org(current_user, person, title=form.title.data or "",
                                department=form.department.data or "",
                                manager_handle_or_email=form.manager.data or "")
        except ValidationError as exc:
            place_errors(form, exc)
        else:
            flash(_("The organisation details are saved."), "success")
            return redirect(url_for("profiles.show", handle=person.handle))
    status = 400 if form.errors else 200
    return render_template("profiles/org.html", person=person, form=form), status
