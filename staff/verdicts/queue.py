"""Who a clinician should give a verdict on: the "Consultations" list.

Leads without a verdict that were either drawn into the audit sample (first: they
are what corrects the scorecard for who was verified) or booked and whose
appointment has passed (the consultation has happened). Merged duplicates are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, or_, select

from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Appointment, Lead
from leads.verdict_models import Verdict

LONGEST = 200


@dataclass(frozen=True)
class Waiting:
    lead: Lead
    seen_at: datetime | None  # the last appointment that has passed, if any


def waiting_for_verdict(now: datetime | None = None) -> list[Waiting]:
    """Leads to give a verdict on, audit-sample leads first, then by appointment time."""
    now = now or utcnow()
    passed = (
        select(Appointment.lead_id, func.max(Appointment.starts_at).label("seen_at"))
        .where(Appointment.cancelled_at.is_(None), Appointment.starts_at <= now)
        .group_by(Appointment.lead_id)
        .subquery()
    )
    has_verdict = exists().where(Verdict.lead_id == Lead.id, Verdict.replaced_at.is_(None))
    query = (
        select(Lead, passed.c.seen_at)
        .outerjoin(passed, passed.c.lead_id == Lead.id)
        .where(
            ~has_verdict,
            Lead.merged_into_id.is_(None),
            or_(
                Lead.audit_sample.is_(True),
                (Lead.status == "booked") & passed.c.seen_at.isnot(None),
            ),
        )
        .order_by(
            Lead.audit_sample.desc(),
            passed.c.seen_at.is_(None),  # the same on both databases: no appointment last
            passed.c.seen_at.asc(),
            Lead.id.asc(),
        )
        .limit(LONGEST)
    )
    return [Waiting(lead, seen_at) for lead, seen_at in db.session.execute(query)]
