"""Browser-registry states of the manager's dashboard (today, the pipeline, the work waiting).

With data: a few leads of every status and source over the last three weeks
(some contacted, one booked with an appointment, one untouched, one overdue),
in English and Spanish. An empty period: a new clinic's dashboard, served by an
app of its own (the shared server's other states send leads every day).
"""

from __future__ import annotations

import tempfile
from datetime import timedelta

from sqlalchemy import update

from app import create_app
from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Appointment, Lead
from tests.browser.chromium import LiveServer
from tests.browser.pages import PageState, once, staff
from tests.factories import make_lead, make_staff

PAGE = "/staff/dashboard"

#: (days ago, source, status, hours to first contact or None, outcome)
LEADS = (
    (20, "site", "booked", 3, "book_consultation"),
    (18, "embed", "not_a_fit", 5, "see_dermatologist"),
    (15, "staff_intake", "contacted", 0, "clinician_review"),
    (12, "site", "closed", 30, "not_suitable_now"),
    (9, "embed", "contacted", 2, "book_consultation"),
    (6, "site", "new", None, "clinician_review"),
    (3, "staff_intake", "booked", 0, "book_consultation"),
    (2, "site", "contacted", 1, "book_consultation"),
)


def _pipeline(server) -> None:
    def make() -> None:
        now = utcnow()
        for days_ago, source, status, hours, outcome in LEADS:
            created = now - timedelta(days=days_ago)
            lead_id = make_lead(server.app, source=source, outcome=outcome, created_at=created)
            with server.app.app_context():
                contacted = None if hours is None else created + timedelta(hours=hours)
                db.session.execute(
                    update(Lead)
                    .where(Lead.id == lead_id)
                    .values(
                        name=f"Pipeline {source} {status}",
                        status=status,
                        status_changed_at=contacted,
                        first_contacted_at=contacted,
                        follow_up_at=now - timedelta(hours=2) if status == "contacted" else None,
                    )
                )
                if status == "booked":
                    db.session.add(
                        Appointment(
                            lead_id=lead_id, starts_at=now + timedelta(days=2), kind="consultation"
                        )
                    )
                db.session.commit()

    once(server, "dashboard-pipeline", make)


def with_data(page, server) -> None:
    _pipeline(server)
    staff(PAGE)(page, server)
    page.wait_for_selector("#conversion")


def _today(server) -> None:
    """Tina's day: a call overdue, one due later today, an appointment within the hour."""

    def make() -> None:
        now = utcnow()
        tina = make_staff(server.app, "tina.today@clinic.test", role="staff", name="Tina Today")
        for follow_up in (now - timedelta(hours=3), now + timedelta(minutes=30)):
            lead_id = make_lead(server.app, outcome="book_consultation")
            with server.app.app_context():
                db.session.execute(
                    update(Lead)
                    .where(Lead.id == lead_id)
                    .values(name="Today's call", assigned_to_id=tina, follow_up_at=follow_up)
                )
                db.session.add(
                    Appointment(
                        lead_id=lead_id, starts_at=now + timedelta(minutes=5), kind="consultation"
                    )
                )
                db.session.commit()

    once(server, "dashboard-today", make)


def today(page, server) -> None:
    _today(server)
    staff(PAGE)(page, server)
    page.wait_for_selector("#today-people")


def _new_clinic(server) -> LiveServer:
    """An app of its own with no lead at all, served until the run ends (a daemon thread)."""

    def make() -> LiveServer:
        folder = tempfile.mkdtemp(prefix="empty-clinic-")
        app = create_app(
            {"TESTING": True, "SECRET_KEY": "empty-clinic-key", "RATELIMIT_ENABLED": False},
            instance_path=folder,
        )
        return LiveServer(app).__enter__()

    return once(server, "dashboard-empty-clinic", make)


def empty_period(page, server) -> None:
    staff(f"{PAGE}?days=7", with_lead=False)(page, _new_clinic(server))
    page.wait_for_selector("#first-contact")


PAGES: list[PageState] = [
    PageState("staff-dashboard-pipeline", with_data),
    PageState("es-staff-dashboard-pipeline", with_data, lang="es"),
    PageState("staff-dashboard-empty-period", empty_period),
    PageState("staff-dashboard-today", today),
    PageState("es-staff-dashboard-today", today, lang="es"),
]
