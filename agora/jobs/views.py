"""The admins' page of the job queue: counts, running and failed work, and a retry button."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from agora.core.forms import ButtonForm
from agora.core.policy import require
from agora.jobs import services

bp = Blueprint("jobs", __name__)


@bp.get("/admin/jobs")
@login_required
def index():
    require(current_user, "admin.access")
    return render_template("jobs/admin.html", found=services.status(), form=ButtonForm())


@bp.post("/admin/jobs/<int:job_id>/retry")
@login_required
def retry(job_id: int):
    require(current_user, "admin.access")
    if ButtonForm().validate_on_submit():
        job = services.retry(job_id)
        flash(_("Job #%(id)d is queued again.", id=job.id), "success")
    return redirect(url_for("jobs.index"))
