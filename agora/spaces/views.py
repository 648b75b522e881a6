"""The spaces list and a space's wall."""
from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from agora.follows.services import is_following
from agora.spaces import services
from agora.walls.forms import PostForm
from agora.walls.queries import space_wall

bp = Blueprint("spaces", __name__)


@bp.get("/spaces")
@login_required
def index():
    return render_template("spaces/index.html", spaces=services.list_spaces(current_user))


@bp.get("/spaces/<slug>")
@login_required
def show(slug):
    space = services.get_space(current_user, slug)
    posts = space_wall(current_user, space, request.args.get("cursor"))
    return render_template("spaces/show.html", space=space, posts=posts, form=PostForm(),
                           following=is_following(current_user, "space", space.id))
