"""Who a clinician should give a verdict on: the "Consultations" list.

Leads without a verdict that were either drawn into the audit sample (first: they
are what corrects the scorecard for who was verified) or booked and whose
appointment has passed (the consultation has happened). Merged duplicates are left out.

Read as two ordered walks of partial indexes (migration 0025_consultation_indexes), never
a grouping of every appointment nor a scan of every lead:

- the audit sample: its unmerged leads (``ix_leads_audit_sample``), each one's verdict
  and last passed appointment looked up, then sorted. Its cost is proportional to the
  unmerged audit-sample leads (sampled leads who never come in stay there), not to the
  leads;
- consultations held: uncancelled appointments oldest first (``ix_appointments_held``),
  kept when the appointment is its lead's last passed one, the lead booked, not in the
  sample and without a current verdict (``ix_verdicts_current``), until the list is full.
  Its cost is proportional to the passed appointments up to the last one listed: those
  of leads already given a verdict (or no longer booked) are read and passed over, so it
  grows with the consultations held before the oldest one waiting, by an index probe each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import aliased, load_only

from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Appointment, Lead
from leads.verdict_models import Verdict

LONGEST = 200
#: What the list shows of a lead: its answers and reasons (JSON) are not read for it.
SHOWN = load_only(Lead.id, Lead.name, Lead.audit_sample)


@dataclass(frozen=True)
class Waiting:
    lead: Lead
    seen_at: datetime | None  # the last appointment that has passed, if any


def waiting_for_verdict(now: datetime | None = None) -> list[Waiting]:
    """Leads to give a verdict on: the audit sample first (by last passed appointment, those
    without one last, then id), then booked leads by their last passed appointment (then id)."""
    now = now or utcnow()
    sampled = _listed(audit_sample(now, LONGEST))
    if len(sampled) == LONGEST:
        return sampled
    return sampled + _listed(consultations_held(now, LONGEST - len(sampled)))


def _listed(query: Select) -> list[Waiting]:
    return [Waiting(lead, seen_at) for lead, seen_at in db.session.execute(query)]


def _passed(appointment: type[Appointment], now: datetime) -> list[ColumnElement[bool]]:
    return [appointment.cancelled_at.is_(None), appointment.starts_at <= now]


def _without_verdict(lead_id: ColumnElement[int]) -> ColumnElement[bool]:
    return ~exists().where(Verdict.lead_id == lead_id, Verdict.replaced_at.is_(None))


def audit_sample(now: datetime, most: int) -> Select:
    """The audit sample's leads without a verdict, each with its last passed appointment:
    ranked by id and time alone, then only the leads listed read whole."""
    seen_at = (
        select(func.max(Appointment.starts_at))
        .where(Appointment.lead_id == Lead.id, *_passed(Appointment, now))
        .scalar_subquery()
        .label("seen_at")
    )
    ranked = (
        select(Lead.id, seen_at)
        .where(Lead.audit_sample.is_(True), Lead.merged_into_id.is_(None))
        .where(_without_verdict(Lead.id))
        .order_by(seen_at.asc().nulls_last(), Lead.id.asc())  # no appointment last
        .limit(most)
        .subquery()
    )
    return (
        select(Lead, ranked.c.seen_at)
        .options(SHOWN)
        .join(ranked, ranked.c.id == Lead.id)
        .order_by(ranked.c.seen_at.asc().nulls_last(), Lead.id.asc())
    )


def consultations_held(now: datetime, most: int) -> Select:
    """Booked leads outside the sample, without a verdict, whose appointment has passed: the
    passed appointments oldest first, each kept if it is its lead's last passed one."""
    later = aliased(Appointment)
    is_last = ~exists().where(
        later.lead_id == Appointment.lead_id,
        *_passed(later, now),
        or_(
            later.starts_at > Appointment.starts_at,
            and_(later.starts_at == Appointment.starts_at, later.id > Appointment.id),
        ),
    )
    return (
        select(Lead, Appointment.starts_at)
        .options(SHOWN)
        .select_from(Appointment)
        .join(Lead, Lead.id == Appointment.lead_id)
        .where(*_passed(Appointment, now), _without_verdict(Appointment.lead_id), is_last)
        .where(
            Lead.status == "booked",
            Lead.audit_sample.is_(False),
            Lead.merged_into_id.is_(None),
        )
        .order_by(Appointment.starts_at.asc(), Appointment.lead_id.asc())
        .limit(most)
    )
