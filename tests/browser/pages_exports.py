"""Browser-registry states of a workbook built in the background: waiting for its builder,
ready to download (English and Spanish), and failed."""

from __future__ import annotations

from sqlalchemy import select

from core.dbtypes import utcnow
from core.extensions import db
from staff.leads import export_jobs
from staff.leads.export_jobs import ExportJob
from staff.models import StaffUser
from tests.browser.pages import STAFF_EMAIL, PageState, once, signed_in_cookies


def _job(server, status: str) -> int:
    """A job of the signed-in admin's, in ``status`` (a ready one with a file to offer)."""

    def make() -> int:
        with server.app.app_context():
            admin = db.session.scalar(select(StaffUser).where(StaffUser.email == STAFF_EMAIL))
            job = ExportJob(
                staff_id=admin.id,
                filters={"status": "new"},
                audited_filters={"status": "new"},
                lang="en",
                file_name="leads-2026-12-07-status-new.xlsx",
                status=status,
                expected_rows=12480,
            )
            if status in (export_jobs.READY, export_jobs.FAILED):
                job.finished_at = utcnow()
            if status == export_jobs.READY:
                job.rows = 12480
                job.stored_as = f"browser-{status}.xlsx"
                (export_jobs.export_dir() / job.stored_as).write_bytes(b"PK")
            db.session.add(job)
            db.session.commit()
            return job.id

    return once(server, f"export-job-{status}", make)


def job_page(status: str):
    def reach(page, server) -> None:
        page.context.add_cookies(signed_in_cookies(page, server))
        job_id = _job(server, status)
        page.goto(f"{server.url}/staff/exports/{job_id}")
        page.wait_for_selector("h1")

    return reach


PAGES: list[PageState] = [
    PageState("staff-export-waiting", job_page(export_jobs.PENDING)),
    PageState("staff-export-ready", job_page(export_jobs.READY)),
    PageState("es-staff-export-ready", job_page(export_jobs.READY), lang="es"),
    PageState("staff-export-failed", job_page(export_jobs.FAILED)),
]
