"""Browser-registry states of the manager's dashboard (the pipeline, the work waiting).

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
from tests.factories import make_lead

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
]
