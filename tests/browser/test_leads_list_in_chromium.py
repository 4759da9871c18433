"""A coordinator's morning in Chromium: the overdue view, a lead, the next one, and back.

She opens "Overdue" from the counts at the top, opens its first lead, goes on to
"Next lead" (still an overdue one), then "Back to leads", and finds the list as
she left it: the same filter chosen, the same leads. With and without JavaScript.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from app import create_app
from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Lead
from tests.factories import PASSWORD, make_lead, make_staff


@pytest.fixture
def morning_server(tmp_path, live_server_class):
    """Three overdue leads among five (newest first: Ann, Ben, Cat overdue; Dan, Eve not)."""
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "browser-leads-list-key"}, instance_path=str(tmp_path)
    )
    make_staff(app, "cora@example.com", name="Cora Coordinator")
    now = utcnow()
    people = [("Ann", True), ("Ben", True), ("Dan", False), ("Cat", True), ("Eve", False)]
    for hours, (name, overdue) in enumerate(people, start=1):
        lead_id = make_lead(
            app,
            name=f"{name} Example",
            email=f"{name.lower()}@example.com",
            created_at=now - timedelta(hours=hours),
        )
        with app.app_context():
            follow_up = now - timedelta(minutes=30) if overdue else now + timedelta(days=1)
            db.session.execute(
                update(Lead).where(Lead.id == lead_id).values(follow_up_at=follow_up)
            )
            db.session.commit()
    with live_server_class(app) as server:
        yield server


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_overdue_then_a_lead_then_the_next_then_back_to_the_same_list(
    browser, morning_server, artifacts, javascript
):
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 390, "height": 900}
    )
    page = context.new_page()
    page.goto(morning_server.url + "/staff/leads")
    page.get_by_label("Email").fill("cora@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    views = page.get_by_role("navigation", name="Views of the leads")
    views.get_by_role("link", name="Overdue 3").click()
    assert page.get_by_label("Follow-up").input_value() == "overdue"
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 3 and "Overdue" in rows.first.inner_text()
    page.screenshot(path=artifacts / f"leads-overdue-{javascript}.png", full_page=True)

    page.get_by_role("link", name="Ann Example").click()
    assert page.get_by_text("Lead 1 of 3").is_visible()
    assert page.locator("a[rel=prev]").count() == 0  # the first overdue lead
    page.get_by_role("link", name="Next lead").click()
    assert page.get_by_role("heading", level=1).filter(has_text="Ben Example").count() == 1
    assert page.get_by_text("Lead 2 of 3").is_visible()
    page.get_by_role("link", name="Next lead").click()  # Dan is not overdue: skipped
    assert page.get_by_role("heading", level=1).filter(has_text="Cat Example").count() == 1
    assert page.locator("a[rel=next]").count() == 0  # the last one
    page.screenshot(path=artifacts / f"leads-lead-navigation-{javascript}.png", full_page=True)

    page.get_by_role("link", name="Back to leads: follow-up overdue").click()
    assert page.url.endswith("/staff/leads?follow_up=overdue")
    assert page.get_by_label("Follow-up").input_value() == "overdue"
    # One line per lead: read the names from the "Name" column, wherever it stands.
    headers = [h.strip() for h in page.locator("table.data thead th").all_inner_texts()]
    name_column = headers.index("Name") + 1
    shown = page.locator(f"table.data tbody tr td:nth-child({name_column}) a").all_inner_texts()
    assert shown == ["Ann Example", "Ben Example", "Cat Example"]
    context.close()
