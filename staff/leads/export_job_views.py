"""A workbook built in the background (export_jobs): the page that waits for it, and the file.

Only the person who asked, or an admin, sees either; anyone else gets the same 404 as
for a job that does not exist. Until the file is ready the page has a "Check again" link,
and with JavaScript asks again by itself (static/export-wait.js; not a meta refresh,
which reloads the page under a screen reader's user: WCAG 2.2.1). Each download is one
``export`` audit row, as for a workbook sent within its request.
"""

from __future__ import annotations

from flask import Response, abort, render_template
from flask_login import current_user

from core.extensions import db
from staff.console.blueprint import bp
from staff.leads import export, export_jobs
from staff.leads.export_jobs import READY, ExportJob
from staff.leads.export_views import record_export
from staff.leads.list_views import export_allowed

#: Seconds between the waiting page's checks (static/export-wait.js).
CHECK_EVERY_SECONDS = 5


def _own_job(job_id: int) -> ExportJob:
    job = db.session.get(ExportJob, job_id)
    if job is None or not export_jobs.may_fetch(job, current_user):
        abort(404)
    return job


@bp.get("/exports/<id:job_id>")
@export_allowed
def export_job(job_id: int) -> str:
    job = _own_job(job_id)
    path = export_jobs.file_path(job)
    gone = job.status == READY and (path is None or not path.exists())
    return render_template(
        "staff/leads/export_job.html",
        job=job,
        gone=gone,
        refresh=None if job.status in (READY, export_jobs.FAILED) else CHECK_EVERY_SECONDS,
    )


@bp.get("/exports/<id:job_id>/file")
@export_allowed
def export_job_file(job_id: int) -> Response:
    job = _own_job(job_id)
    path = export_jobs.file_path(job)
    if job.status != READY or path is None:
        abort(404)
    try:
        file = path.open("rb")
    except FileNotFoundError:
        abort(404)
    try:
        length = file.seek(0, 2)
        file.seek(0)
        record_export("xlsx", job.audited_filters, job.rows)
    except BaseException:
        file.close()
        raise
    return export.download(export.file_chunks(file), "xlsx", job.file_name, length)
