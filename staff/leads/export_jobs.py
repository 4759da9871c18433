"""Workbooks too big to build within a request, built in the background and offered when ready.

openpyxl's write-only mode writes about 1,100 rows a second (a few hundred under load), and
a workbook is a zip that cannot be sent before its end: 100,000 leads take 90 s or more,
three times gunicorn's worker timeout. So above ``EXPORT_BACKGROUND_ROWS`` rows the export
request stores a job (who asked, the filters, the console's language) and answers at once
with a page that refreshes itself until the file is ready.

Everything a job needs lives where every instance finds it: the row in the database, the
finished file in ``EXPORT_DIR`` (the instance folder's ``exports`` by default; several
machines must share that directory, e.g. over NFS, or point it at one they share). A
builder claims a job by one conditional UPDATE (only one of several wins), for
``EXPORT_LEASE_SECONDS``: a builder that dies mid-file leaves the job to be claimed again
once its lease ends. Builders: ``flask --app app exports build`` (the screening-exports
timer, every minute), and with ``EXPORT_BUILD_AFTER_RESPONSE`` (the embedded default, one
process on SQLite) the request itself once its answer has gone.

Files expire ``EXPORT_KEEP_HOURS`` after they were finished: ``exports build`` (every minute)
deletes them with their rows.
"""

from __future__ import annotations

import os
import secrets
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import JSON, ForeignKey, Integer, String, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from core.dbtypes import UTCDateTime, utcnow
from core.extensions import db

PENDING, BUILDING, READY, FAILED = "pending", "building", "ready", "failed"


class ExportJob(db.Model):
    """One workbook asked for: by whom, of which leads (the list's filters), and its file."""

    __tablename__ = "export_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The list's filters as query arguments ("assigned=me" already made the person's id).
    filters: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False)
    #: What the audit log keeps of the filters (a search's words replaced).
    audited_filters: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False)
    lang: Mapped[str] = mapped_column(String(16), nullable=False)
    file_name: Mapped[str] = mapped_column(String(160), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=PENDING, index=True)
    #: The rows counted when it was asked for (what the page says it will hold).
    expected_rows: Mapped[int] = mapped_column(Integer, nullable=False)
    #: The rows written into the finished file.
    rows: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: The file's name inside EXPORT_DIR (random: nothing guesses another's file).
    stored_as: Mapped[str | None] = mapped_column(String(80), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)


def export_dir() -> Path:
    """Where finished workbooks are kept (made if missing)."""
    folder = Path(
        current_app.config.get("EXPORT_DIR") or Path(current_app.instance_path, "exports")
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def file_path(job: ExportJob) -> Path | None:
    return None if job.stored_as is None else export_dir() / job.stored_as


def in_background(rows: int) -> bool:
    """Whether a workbook of ``rows`` rows is built in the background."""
    return rows > current_app.config["EXPORT_BACKGROUND_ROWS"]


def create_job(
    staff_id: int,
    filters: dict[str, str],
    audited_filters: dict[str, str],
    lang: str,
    file_name: str,
    expected_rows: int,
) -> ExportJob:
    """A pending job, committed: any builder on any instance may take it from now on."""
    job = ExportJob(
        staff_id=staff_id,
        filters=filters,
        audited_filters=audited_filters,
        lang=lang,
        file_name=file_name,
        expected_rows=expected_rows,
        status=PENDING,
    )
    db.session.add(job)
    db.session.commit()
    return job


def may_fetch(job: ExportJob, user: Any) -> bool:
    """Only the person who asked for a workbook, or an admin, sees it."""
    return job.staff_id == user.id or bool(user.is_admin)


def claim(job_id: int) -> bool:
    """Take the job for one lease, if it is waiting or its last builder's lease ended;
    one conditional UPDATE, so of two builders only one wins."""
    now = utcnow()
    lease = timedelta(seconds=current_app.config["EXPORT_LEASE_SECONDS"])
    taken = db.session.execute(
        update(ExportJob)
        .where(
            ExportJob.id == job_id,
            or_(
                ExportJob.status == PENDING,
                (ExportJob.status == BUILDING) & (ExportJob.claimed_until < now),
            ),
        )
        .values(status=BUILDING, claimed_until=now + lease)
    )
    db.session.commit()
    return taken.rowcount == 1


def waiting_ids() -> list[int]:
    """Jobs a builder may take now, oldest first."""
    return list(
        db.session.scalars(
            select(ExportJob.id)
            .where(
                or_(
                    ExportJob.status == PENDING,
                    (ExportJob.status == BUILDING) & (ExportJob.claimed_until < utcnow()),
                )
            )
            .order_by(ExportJob.id)
        )
    )


def build_waiting(build_file) -> list[int]:
    """Build every job waiting now (``build_file(job, path) -> rows`` writes the workbook);
    the ids built. A job whose build raises is marked failed and the rest go on."""
    built = []
    for job_id in waiting_ids():
        if not claim(job_id):
            continue  # another builder took it
        job = db.session.get(ExportJob, job_id)
        name = f"{job.id}-{secrets.token_urlsafe(16)}.xlsx"
        target = export_dir() / name
        partial = target.with_suffix(".part")
        try:
            rows = build_file(job, partial)
            os.replace(partial, target)  # whole or absent: never half a file offered
        except Exception:
            db.session.rollback()
            partial.unlink(missing_ok=True)
            current_app.logger.exception("export job %s failed", job_id)
            db.session.execute(
                update(ExportJob)
                .where(ExportJob.id == job_id)
                .values(status=FAILED, finished_at=utcnow())
            )
            db.session.commit()
            continue
        job = db.session.get(ExportJob, job_id)
        job.status, job.rows, job.stored_as, job.finished_at = READY, rows, name, utcnow()
        db.session.commit()
        built.append(job_id)
    return built


def copy_into(source, target: Path) -> None:
    with open(target, "wb") as out:
        shutil.copyfileobj(source, out)


def delete_expired() -> int:
    """Delete the jobs (and their files) finished more than ``EXPORT_KEEP_HOURS`` ago, and
    files left in the folder by no job (a builder killed before it could record its file).
    How many jobs were deleted."""
    cutoff = utcnow() - timedelta(hours=current_app.config["EXPORT_KEEP_HOURS"])
    expired = list(
        db.session.scalars(
            select(ExportJob).where(
                ExportJob.finished_at.is_not(None), ExportJob.finished_at < cutoff
            )
        )
    )
    for job in expired:
        path = file_path(job)
        if path is not None:
            path.unlink(missing_ok=True)
        db.session.delete(job)
    db.session.commit()
    kept = set(
        db.session.scalars(select(ExportJob.stored_as).where(ExportJob.stored_as.is_not(None)))
    )
    for path in export_dir().iterdir():
        if path.name not in kept and path.stat().st_mtime < cutoff.timestamp():
            path.unlink(missing_ok=True)
    return len(expired)
