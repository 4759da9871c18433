"""Exporting and deleting leads are permissions, not everyone's: the front desk without
them gets a 403 that says which permission is missing, and sees no button for it."""

from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from leads.models import Lead
from staff.models import StaffUser
from tests.factories import make_lead, make_staff, post_form, staff_client
from tests.staff.accounts_support import ADMIN

DESK = "desk@clinic.test"


def test_the_front_desk_without_the_permissions_cannot_export_or_delete(app_factory):
    app = app_factory()
    make_staff(app, DESK, role="staff")
    lead_id = make_lead(app)
    desk = staff_client(app, DESK)

    listing = desk.get("/staff/leads").get_data(as_text=True)
    assert "Export these as CSV" not in listing and "/staff/leads.csv" not in listing
    refused = desk.get("/staff/leads.csv")
    assert refused.status_code == 403
    assert "needs the permission to export" in refused.get_data(as_text=True)
    assert b"zoe@example.com" not in refused.data

    detail = desk.get(f"/staff/leads/{lead_id}").get_data(as_text=True)
    assert f"/staff/leads/{lead_id}/delete" not in detail
    asked = desk.get(f"/staff/leads/{lead_id}/delete")
    assert asked.status_code == 403
    assert "needs the permission to delete" in asked.get_data(as_text=True)
    sent = post_form(desk, f"/staff/leads/{lead_id}", f"/staff/leads/{lead_id}/delete")
    assert sent.status_code == 403
    with app.app_context():
        assert db.session.get(Lead, lead_id) is not None


def test_with_the_permissions_the_front_desk_exports_and_deletes(app_factory):
    app = app_factory()
    make_staff(app, DESK, role="staff")
    with app.app_context():
        person = db.session.scalar(select(StaffUser).where(StaffUser.email == DESK))
        person.can_export = person.can_delete = True
        db.session.commit()
    lead_id = make_lead(app)
    desk = staff_client(app, DESK)

    assert "Export these as CSV" in desk.get("/staff/leads").get_data(as_text=True)
    exported = desk.get("/staff/leads.csv")
    assert exported.status_code == 200 and "zoe@example.com" in exported.get_data(as_text=True)
    assert f'href="/staff/leads/{lead_id}/delete"' in desk.get(f"/staff/leads/{lead_id}").get_data(
        as_text=True
    )
    deleted = post_form(desk, f"/staff/leads/{lead_id}/delete")
    assert deleted.status_code == 303
    with app.app_context():
        assert db.session.get(Lead, lead_id) is None


def test_admins_always_may_and_a_clinician_needs_the_permission_too(app_factory):
    app = app_factory()
    admin = staff_client(app, ADMIN, "admin", name="Ada Admin")
    make_staff(app, "doc@clinic.test", role="clinician")
    make_lead(app)
    assert admin.get("/staff/leads.csv").status_code == 200
    doctor = staff_client(app, "doc@clinic.test")
    assert doctor.get("/staff/leads.csv").status_code == 403
