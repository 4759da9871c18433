"""The audit log as an admin reads it: one lead's trail, one person's actions, a span of days."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Lead
from tests.console_support import submit_contact
from tests.factories import make_staff, sign_in
from tests.support import Walker

ROW = re.compile(r"<tr><td>.*?</tr>", re.S)


def rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return ROW.findall(body)


def setup_console(db_app):
    """Two leads; the admin views both, a nurse views the second; the admin's client."""
    public = db_app.test_client()
    for name in ("First Person", "Second Person"):
        submit_contact(public, Walker(public), name=name)
    with db_app.app_context():
        first, second = db.session.scalars(select(Lead.id).order_by(Lead.id)).all()
    make_staff(db_app, "admin@clinic.test", role="admin", name="Ada Admin")
    make_staff(db_app, "nurse@clinic.test", name="Nora Nurse")
    admin, nurse = db_app.test_client(), db_app.test_client()
    assert sign_in(admin, "admin@clinic.test").status_code == 302
    assert sign_in(nurse, "nurse@clinic.test").status_code == 302
    admin.get(f"/staff/leads/{first}")
    admin.get(f"/staff/leads/{second}")
    nurse.get(f"/staff/leads/{second}")
    return admin, first, second


def test_one_leads_trail_lists_everyone_who_opened_it(db_app):
    admin, first, second = setup_console(db_app)
    detail = admin.get(f"/staff/leads/{second}").get_data(as_text=True)
    assert f'href="/staff/admin/audit?lead={second}"' in detail  # the trail, from the lead
    trail = rows(admin.get(f"/staff/admin/audit?lead={second}").get_data(as_text=True))
    assert len(trail) == 3  # the admin twice (now and before), the nurse once
    assert all(f">#{second}<" in row and "Viewed a lead" in row for row in trail)
    assert sum("nurse@clinic.test" in row for row in trail) == 1
    assert not any(f">#{first}<" in row for row in trail)


def test_filters_by_staff_member_and_action_together(db_app):
    admin, _first, second = setup_console(db_app)
    page = admin.get("/staff/admin/audit?who=NURSE&action=view").get_data(as_text=True)
    found = rows(page)
    assert len(found) == 1 and "nurse@clinic.test" in found[0] and f"#{second}" in found[0]
    signed_in = rows(admin.get("/staff/admin/audit?action=sign_in").get_data(as_text=True))
    assert len(signed_in) == 2 and all("Signed in" in row for row in signed_in)
    # LIKE's wildcards are taken literally: nobody's email holds a percent sign.
    nothing = admin.get("/staff/admin/audit?who=%25").get_data(as_text=True)
    assert rows(nothing) == [] and "No events match these filters." in nothing


def test_a_span_of_days_includes_both_ends(db_app):
    admin, _first, _second = setup_console(db_app)
    today = utcnow().date()
    everything = len(rows(admin.get("/staff/admin/audit").get_data(as_text=True)))
    assert everything >= 5
    same_day = admin.get(f"/staff/admin/audit?date_from={today}&date_to={today}")
    assert len(rows(same_day.get_data(as_text=True))) == everything
    earlier = today - timedelta(days=1)
    assert rows(admin.get(f"/staff/admin/audit?date_to={earlier}").get_data(as_text=True)) == []
    later = today + timedelta(days=1)
    assert rows(admin.get(f"/staff/admin/audit?date_from={later}").get_data(as_text=True)) == []


def test_values_that_do_not_read_are_dropped_not_an_error(db_app):
    admin, *_ = setup_console(db_app)
    everything = rows(admin.get("/staff/admin/audit").get_data(as_text=True))
    for lead in ("abc", "0", "-3", "99999999999999999999"):
        response = admin.get(f"/staff/admin/audit?lead={lead}&date_from=2026-13-45&action=bogus")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert len(rows(page)) == len(everything)
        assert 'name="lead" value=""' in page and 'name="date_from" value=""' in page


def test_every_recorded_action_has_a_label_to_filter_by():
    from staff.console.audit import ACTIONS
    from staff.console.labels import ACTION_LABELS

    assert tuple(ACTION_LABELS) == ACTIONS


def test_pages_keep_the_filters(db_app):
    admin, first, _second = setup_console(db_app)
    for _ in range(55):
        admin.get(f"/staff/leads/{first}")
    page = admin.get(f"/staff/admin/audit?lead={first}&action=view").get_data(as_text=True)
    assert len(rows(page)) == 50
    older = re.search(r'href="([^"]+)" rel="next"', page).group(1).replace("&amp;", "&")
    assert f"lead={first}" in older and "action=view" in older
    rest = rows(admin.get(older).get_data(as_text=True))
    assert len(rest) == 56 - 50 and all(f"#{first}" in row for row in rest)
