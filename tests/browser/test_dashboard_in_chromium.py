"""A manager's morning in Chromium: the dashboard's untouched count, its list, the Excel file.

The manager signs in, reads how many new leads nobody has touched, follows the
number to the list of exactly those leads, and downloads them as a workbook,
whose name says what it holds and whose cells are the leads in words.
"""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import update

from app import create_app
from core.clinic_time import clinic_now
from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Lead
from tests.factories import PASSWORD, make_lead, make_staff


@pytest.fixture
def clinic_server(tmp_path, live_server_class):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "browser-dashboard-key",
            "CLINIC_TIME_ZONE": "Europe/Madrid",
        },
        instance_path=str(tmp_path),
    )
    make_staff(app, "mia@example.com", role="admin", name="Mia Manager")
    now = utcnow()
    for name in ("Waiting Since Monday", "Waiting Since Tuesday"):
        lead_id = make_lead(app, created_at=now - timedelta(days=3))
        with app.app_context():
            db.session.execute(update(Lead).where(Lead.id == lead_id).values(name=name))
            db.session.commit()
    called = make_lead(app, created_at=now - timedelta(days=3))
    fresh = make_lead(app, created_at=now - timedelta(hours=1))
    with app.app_context():
        db.session.execute(
            update(Lead)
            .where(Lead.id == called)
            .values(name="Already Called", status="contacted", first_contacted_at=now)
        )
        db.session.execute(update(Lead).where(Lead.id == fresh).values(name="Just Arrived"))
        db.session.commit()
    with live_server_class(app) as server:
        yield server


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_manager_follows_the_untouched_count_and_downloads_excel(
    browser, clinic_server, artifacts, javascript
):
    server = clinic_server
    context = browser.new_context(
        java_script_enabled=javascript,
        viewport={"width": 1280, "height": 900},
        accept_downloads=True,
    )
    page = context.new_page()
    page.goto(server.url + "/staff/dashboard")
    page.get_by_label("Email").fill("mia@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Dashboard").click()

    untouched = page.locator("#untouched-count")
    assert untouched.locator(".count-number").inner_text() == "2"
    assert "more than 24 hours" in page.locator("#waiting-title + ul").inner_text()
    page.screenshot(path=artifacts / f"dashboard-pipeline-{'js' if javascript else 'nojs'}.png")
    untouched.click()
    page.wait_for_url("**/staff/leads?status=untouched")
    listed = page.locator("table.data tbody").inner_text()
    assert "Waiting Since Monday" in listed and "Waiting Since Tuesday" in listed
    assert "Already Called" not in listed and "Just Arrived" not in listed

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export these as an Excel workbook").click()
    download = download_info.value
    with server.app.app_context():
        today = clinic_now().date().isoformat()
    assert download.suggested_filename == f"leads-{today}-status-untouched.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes())).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = rows[0]
    assert "Received (Europe/Madrid)" in header
    names = {row[header.index("Name")] for row in rows[1:]}
    assert names == {"Waiting Since Monday", "Waiting Since Tuesday"}
    assert {row[header.index("Status")] for row in rows[1:]} == {"New"}
    context.close()
