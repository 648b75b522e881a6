"""Wall pages: person walls, space pages, post pages with their thread, edits, history, shares, reactions, tags."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from agora.core.errors import NotFound, ValidationError
from agora.core.folding import fold
from agora.core.forms import ButtonForm, place_errors
from agora.core.policy import can, require
from agora.core.redirects import next_path
from agora.follows.services import is_following
from agora.profiles.services import get_person
from agora.spaces import services as spaces
from agora.spaces.forms import RequestForm
from agora.spaces.services import get_space
from agora.walls import comments as comment_services
from agora.walls import queries, reactions, services
from agora.walls.forms import CommentForm, EditForm, PostForm, ShareForm

bp = Blueprint("walls", __name__)



def _uploads() -> list[services.Upload]:
    files = []
    for storage in request.files.getlist("attachments"):
        if storage and storage.filename:
            files.append(services.Upload(storage.filename, storage.read(), storage.mimetype or ""))
    return files


def _publish(form: PostForm, wall_name: str, **wall):
    """Create a post from `form`; on bad input show the form again with everything typed."""
    if form.validate_on_submit():
        try:
            post = services.create_post(current_user, body=form.body.data, kind=form.kind.data or "status",
                                        uploads=_uploads(), **wall)
        except ValidationError as error:
            place_errors(form, error, fallback="body")
        else:
            flash(_("Your post is published."), "success")
            return redirect(next_path(url_for("walls.show_post", post_id=post.id)))
    return render_template("walls/compose.html", form=form, wall_name=wall_name,
                           action=request.path, next=request.form.get("next", "")), 400


@bp.get("/people/<handle>/wall")
@login_required
def person_wall(handle):
    person = get_person(handle)
    require(current_user, "profile.view", person)
    posts = queries.person_wall(current_user, person, request.args.get("cursor"))
    return render_template("walls/wall.html", person=person, posts=posts, form=PostForm())


@bp.post("/people/<handle>/wall")
@login_required
def post_on_person(handle):
    person = get_person(handle)
    return _publish(PostForm(), person.name, person=person)


@bp.get("/spaces/<slug>")
@login_required
def space(slug):
    """A space's page: its wall for readers; for those who only see it, a preview with how to join."""
    space = spaces.get_seeable_space(current_user, slug)
    moderators = spaces.moderators_of(space)
    entry = spaces.entry_for(current_user, space)
    if not can(current_user, "space.view", space):
        return render_template("spaces/preview.html", space=space, moderators=moderators, entry=entry,
                               form=RequestForm(), button=ButtonForm())
    cursor = request.args.get("cursor")
    posts = queries.space_wall(current_user, space, cursor)
    pinned = None if cursor else queries.pinned_posts(current_user, space)
    return render_template("walls/space.html", space=space, posts=posts, pinned=pinned, form=PostForm(),
                           moderators=moderators, entry=entry, button=ButtonForm(),
                           moderation_url=url_for("moderation.space_log", slug=space.slug),
                           following=is_following(current_user, "space", space.id))


@bp.post("/spaces/<slug>/wall")
@login_required
def post_on_space(slug):
    space = get_space(current_user, slug)
    return _publish(PostForm(), space.name, space=space)


@bp.get("/posts/<int:post_id>")
@login_required
def show_post(post_id):
    post = services.get_post(current_user, post_id)
    return render_template("walls/post.html", thread=queries.thread(current_user, post), post=post,
                           comment_form=CommentForm(), action_form=ButtonForm())


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id):
    post = services.get_post(current_user, post_id, "post.edit")
    form = EditForm(body=post.body_source) if request.method == "GET" else EditForm()
    if form.validate_on_submit():
        try:
            services.edit_post(current_user, post, form.body.data)
        except ValidationError as error:
            place_errors(form, error, fallback="body")
        else:
            flash(_("Your post is updated."), "success")
            return redirect(url_for("walls.show_post", post_id=post.id))
    return render_template("walls/edit.html", form=form, what="post", obj=post), 400 if form.errors else 200


@bp.post("/posts/<int:post_id>/delete")
@login_required
def delete_post(post_id):
    post = services.get_post(current_user, post_id, "post.delete")
    if ButtonForm().validate_on_submit():
        services.delete_post(current_user, post)
        flash(_("Your post is deleted."), "success")
    return redirect(url_for("site.home"))


@bp.get("/posts/<int:post_id>/history")
@login_required
def post_history(post_id):
    post = services.get_post(current_user, post_id)
    return render_template("walls/history.html", what="post", obj=post, post=post,
                           versions=services.history(current_user, "post", post))


def _share_targets() -> list[SelectChoice]:
    choices = [SelectChoice(f"person:{current_user.handle}", _("My wall"))]
    choices += [SelectChoice(f"space:{s.slug}", _("Space: %(name)s", name=s.name))
                for s in queries.spaces_for(current_user)]
    return choices


@bp.route("/posts/<int:post_id>/share", methods=["GET", "POST"])
@login_required
def share_post(post_id):
    post = services.get_post(current_user, post_id, "post.share")
    form = ShareForm()
    form.target.choices = _share_targets()
    if form.validate_on_submit():
        kind, _sep, key = form.target.data.partition(":")
        wall = {"person": get_person(key)} if kind == "person" else {"space": get_space(current_user, key)}
        try:
            shared = services.share_post(current_user, post, body=form.body.data, **wall)
        except ValidationError as error:
            place_errors(form, error, fallback="body")
        else:
            flash(_("The post is shared."), "success")
            return redirect(url_for("walls.show_post", post_id=shared.id))
    return render_template("walls/share.html", form=form, post=post), 400 if form.errors else 200


@bp.post("/posts/<int:post_id>/comments")
@login_required
def comment(post_id):
    post = services.get_post(current_user, post_id)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            created = comment_services.add_comment(current_user, post, form.body.data, form.parent_id.data or None)
        except ValidationError as error:
            place_errors(form, error, fallback="body")
        else:
            return redirect(comment_services.comment_url(created))
    return render_template("walls/comment_form.html", form=form, post=post), 400


@bp.post("/posts/<int:post_id>/react")
@login_required
def react_post(post_id):
    post = services.get_post(current_user, post_id)
    if ButtonForm().validate_on_submit():
        reactions.set_reaction(current_user, post, request.form.get("kind", ""))
    return redirect(next_path(url_for("walls.show_post", post_id=post.id)))


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
def edit_comment(comment_id):
    comment_ = comment_services.get_comment(current_user, comment_id, "comment.edit")
    form = EditForm(body=comment_.body_source) if request.method == "GET" else EditForm()
    if form.validate_on_submit():
        try:
            comment_services.edit_comment(current_user, comment_, form.body.data)
        except ValidationError as error:
            place_errors(form, error, fallback="body")
        else:
            return redirect(comment_services.comment_url(comment_))
    return render_template("walls/edit.html", form=form, what="comment", obj=comment_), 400 if form.errors else 200


@bp.post("/comments/<int:comment_id>/delete")
@login_required
def delete_comment(comment_id):
    comment_ = comment_services.get_comment(current_user, comment_id, "comment.delete")
    post_id = comment_.post_id
    if ButtonForm().validate_on_submit():
        comment_services.delete_comment(current_user, comment_)
        flash(_("Your comment is deleted."), "success")
    return redirect(url_for("walls.show_post", post_id=post_id))


@bp.get("/comments/<int:comment_id>/history")
@login_required
def comment_history(comment_id):
    comment_ = comment_services.get_comment(current_user, comment_id)
    if comment_.deleted_at is not None:
        raise NotFound()
    return render_template("walls/history.html", what="comment", obj=comment_, post=comment_.post,
                           versions=services.history(current_user, "comment", comment_))


@bp.post("/comments/<int:comment_id>/react")
@login_required
def react_comment(comment_id):
    comment_ = comment_services.get_comment(current_user, comment_id)
    if ButtonForm().validate_on_submit():
        reactions.set_reaction(current_user, comment_, request.form.get("kind", ""))
    return redirect(comment_services.comment_url(comment_))


@bp.get("/tags/<slug>")
@login_required
def tag(slug):
    folded = fold(slug)
    if folded != slug:
        return redirect(url_for("walls.tag", slug=folded), 301)
    hashtag, posts, following = queries.tag_posts(current_user, folded, request.args.get("cursor"))
    return render_template("walls/tag.html", slug=folded, hashtag=hashtag, posts=posts, following=following)
