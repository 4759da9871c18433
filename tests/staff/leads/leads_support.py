"""Helpers for the console's leads tests: a lead's audit trail, and the morning's clock."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from core.dbtypes import utcnow
from core.extensions import db
from staff.models import AuditEvent
from tests.factories import make_staff, staff_client

#: Cora, front desk: the coordinator the leads tests sign in as.
COORDINATOR = "coordinator@clinic.test"


def audit_rows(app, lead_id: int, action: str | None = None) -> list[AuditEvent]:
    with app.app_context():
        query = select(AuditEvent).where(AuditEvent.lead_id == lead_id).order_by(AuditEvent.id)
        rows = db.session.scalars(query).all()
        return [row for row in rows if action is None or row.action == action]


def working(rows: list[AuditEvent]) -> list[str]:
    """The actions that changed something (views are the audit helper's own business)."""
    return [row.action for row in rows if row.action != "view"]


def hours_ago(hours: float) -> datetime:
    return utcnow() - timedelta(hours=hours)


def cora_and_bo(app):
    """Cora (front desk) signed in, and her colleague Bo; Cora's client and their ids."""
    client = staff_client(app, "cora@clinic.test", name="Cora Coordinator")
    bo = make_staff(app, "bo@clinic.test", name="Bo Front")
    return client, client.staff_id, bo
