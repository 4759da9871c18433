"""A workbook too big for one request is built in the background and offered when ready:
only to the person who asked (or an admin), audited when downloaded, deleted when expired."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
from sqlalchemy import select, update

from core.audit import AuditEvent
from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Lead
from staff.leads import search
from staff.leads.export_jobs import ExportJob
from tests.factories import make_lead, staff_client

LEADS = 7
SMALL = {"EXPORT_BACKGROUND_ROWS": 3, "EXPORT_BUILD_AFTER_RESPONSE": False}


def _store(app, count: int = LEADS, **columns) -> list[int]:
    for number in range(count):
        make_lead(app, direct=True, name=f"Person {number}", **columns)
    with app.app_context():
        return db.session.scalars(select(Lead.id).order_by(*search.ORDER)).all()


def _ask(client, query: str = "") -> str:
    response = client.get(f"/staff/leads.xlsx{query}")
    assert response.status_code == 303, response.status_code
    return response.headers["Location"]


def _build(app) -> str:
    result = app.test_cli_runner().invoke(args=["exports", "build"])
    assert result.exit_code == 0, result.output
    return result.output


def _sheet_ids(data: bytes) -> list[int]:
    _header, *rows = openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)
    return [int(row[0]) for row in rows]


def test_a_big_workbook_waits_for_the_builder_then_holds_every_lead(app_factory):
    app = app_factory(**SMALL)
    desk = staff_client(app, "desk@clinic.test", name="Desk", may_export=True)
    in_order = _store(app)
    page_url = _ask(desk)

    waiting = desk.get(page_url)
    assert waiting.status_code == 200
    assert "data-check-every" in waiting.text  # static/export-wait.js asks again
    assert "being prepared" in waiting.text
    assert f'href="{page_url}">Check again' in waiting.text  # and without JavaScript
    assert desk.get(f"{page_url}/file").status_code == 404

    assert "Built 1 workbook(s)" in _build(app)
    ready = desk.get(page_url)
    assert "data-check-every" not in ready.text
    assert f"{page_url}/file" in ready.text
    download = desk.get(f"{page_url}/file")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith('attachment; filename="leads-')
    assert _sheet_ids(download.data) == in_order
    with app.app_context():
        audited = db.session.scalars(
            select(AuditEvent.data).where(AuditEvent.action == "export")
        ).all()
    assert audited == [{"rows": LEADS, "format": "xlsx", "filters": {}}]
    assert "Built 0 workbook(s)" in _build(app)  # built once


def test_the_workbook_keeps_the_filters_and_the_askers_assignee(app_factory):
    app = app_factory(**SMALL)
    desk = staff_client(app, "desk@clinic.test", name="Desk", may_export=True)
    _store(app, 2)
    mine = _store(app, 4, assigned_to_id=desk.staff_id)
    with app.app_context():
        mine = db.session.scalars(
            select(Lead.id).where(Lead.assigned_to_id == desk.staff_id).order_by(*search.ORDER)
        ).all()
    page_url = _ask(desk, "?assigned=me")
    _build(app)
    assert _sheet_ids(desk.get(f"{page_url}/file").data) == mine
    assert len(mine) == 4


def test_only_the_asker_or_an_admin_sees_the_workbook(app_factory):
    app = app_factory(**SMALL)
    desk = staff_client(app, "desk@clinic.test", may_export=True)
    other = staff_client(app, "other@clinic.test", may_export=True)
    admin = staff_client(app, "admin@clinic.test", role="admin")
    in_order = _store(app)
    page_url = _ask(desk)
    _build(app)
    assert other.get(page_url).status_code == 404
    assert other.get(f"{page_url}/file").status_code == 404
    assert admin.get(page_url).status_code == 200
    assert _sheet_ids(admin.get(f"{page_url}/file").data) == in_order


def test_an_expired_workbook_is_deleted_with_its_file(app_factory):
    app = app_factory(**SMALL, EXPORT_KEEP_HOURS=24)
    desk = staff_client(app, "desk@clinic.test", may_export=True)
    _store(app)
    page_url = _ask(desk)
    _build(app)
    with app.app_context():
        job = db.session.scalars(select(ExportJob)).one()
        from staff.leads.export_jobs import file_path

        path = file_path(job)
        assert path.exists()
        db.session.execute(update(ExportJob).values(finished_at=utcnow() - timedelta(hours=23)))
        db.session.commit()
    assert "deleted 0 expired" in _build(app)
    assert path.exists()
    with app.app_context():
        db.session.execute(update(ExportJob).values(finished_at=utcnow() - timedelta(hours=25)))
        db.session.commit()
    assert "deleted 1 expired" in _build(app)
    assert not path.exists()
    assert desk.get(page_url).status_code == 404
    with app.app_context():
        assert db.session.scalars(select(ExportJob)).all() == []


def test_one_process_builds_it_after_its_answer_without_a_timer(app_factory):
    app = app_factory(EXPORT_BACKGROUND_ROWS=3, EXPORT_BUILD_AFTER_RESPONSE=True)
    desk = staff_client(app, "desk@clinic.test", may_export=True)
    in_order = _store(app)
    page_url = _ask(desk)  # the test client reads the answer whole, as a server does
    assert "data-check-every" not in desk.get(page_url).text
    assert _sheet_ids(desk.get(f"{page_url}/file").data) == in_order


def test_a_builder_that_died_leaves_the_job_to_the_next_once_its_lease_ends(app_factory):
    app = app_factory(**SMALL, EXPORT_LEASE_SECONDS=600)
    desk = staff_client(app, "desk@clinic.test", may_export=True)
    in_order = _store(app)
    page_url = _ask(desk)
    with app.app_context():  # claimed by a builder that then died
        db.session.execute(
            update(ExportJob).values(
                status="building", claimed_until=utcnow() + timedelta(minutes=5)
            )
        )
        db.session.commit()
    assert "Built 0 workbook(s)" in _build(app)
    with app.app_context():
        db.session.execute(update(ExportJob).values(claimed_until=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert "Built 1 workbook(s)" in _build(app)
    assert _sheet_ids(desk.get(f"{page_url}/file").data) == in_order


def test_below_the_threshold_the_workbook_comes_in_the_answer(app_factory):
    app = app_factory(EXPORT_BACKGROUND_ROWS=LEADS, EXPORT_BUILD_AFTER_RESPONSE=False)
    desk = staff_client(app, "desk@clinic.test", may_export=True)
    in_order = _store(app)
    response = desk.get("/staff/leads.xlsx")
    assert response.status_code == 200
    assert _sheet_ids(response.data) == in_order
