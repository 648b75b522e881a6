"""Profile pages, editing, org chart and the directory."""
from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("profiles", __name__)


@bp.get("/people")
@login_required
def directory():
    return render_template("profiles/directory.html")


@bp.get("/people/<handle>")
@login_required
def show(handle):
    return render_template("profiles/directory.html")
