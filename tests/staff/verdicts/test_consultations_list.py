"""The Consultations list's contents and order (staff/verdicts/queue.py), read from its partial
indexes: the audit sample first, by last passed appointment (none last), then id; then booked
leads by their last passed appointment, then id. Cancelled and future appointments do not
count; merged leads and leads with a current verdict are left out. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Appointment
from leads.verdict_models import Verdict
from staff.verdicts.queue import waiting_for_verdict
from tests.factories import make_lead


def _appointment(lead_id: int, starts_at: datetime, cancelled: bool = False) -> None:
    db.session.add(Appointment(lead_id=lead_id, kind="consultation", starts_at=starts_at,
                               cancelled_at=utcnow() if cancelled else None))  # fmt: skip


def _verdict(lead_id: int, replaced: bool = False) -> None:
    db.session.add(Verdict(lead_id=lead_id, clinician_email="doc@clinic.test",
                           examined_on=utcnow().date(), outcome="book_consultation",
                           concerns=[], replaced_at=utcnow() if replaced else None))  # fmt: skip


def test_the_list_keeps_its_leads_and_order(db_app):
    now = utcnow()
    hours = {n: now - timedelta(hours=n) for n in range(1, 10)}
    lead = {name: make_lead(db_app, name=name, direct=True, **columns) for name, columns in (
        ("sampled, never came", {"audit_sample": True}),
        ("sampled, seen 2h ago", {"audit_sample": True}),
        ("sampled, seen 5h ago", {"audit_sample": True, "status": "contacted"}),
        ("sampled, given a verdict", {"audit_sample": True}),
        ("booked, seen 3h ago", {"status": "booked"}),
        ("booked, seen 6h ago then 4h ago", {"status": "booked"}),
        ("booked, seen 8h ago, later one cancelled", {"status": "booked"}),
        ("booked, seen 3h ago too", {"status": "booked"}),
        ("booked, coming tomorrow", {"status": "booked"}),
        ("booked, only a cancelled one", {"status": "booked"}),
        ("booked, given a verdict", {"status": "booked"}),
        ("booked, corrected verdict", {"status": "booked"}),
        ("contacted, seen 7h ago", {"status": "contacted"}),
    )}  # fmt: skip
    lead["booked and merged, seen 9h ago"] = make_lead(
        db_app, name="merged", direct=True, status="booked",
        merged_into_id=lead["booked, seen 3h ago"],
    )  # fmt: skip
    with db_app.app_context():
        for name, when in (
            ("sampled, seen 2h ago", hours[2]), ("sampled, seen 5h ago", hours[5]),
            ("sampled, given a verdict", hours[1]), ("booked, seen 3h ago", hours[3]),
            ("booked, seen 6h ago then 4h ago", hours[6]),
            ("booked, seen 6h ago then 4h ago", hours[4]),
            ("booked, seen 8h ago, later one cancelled", hours[8]),
            ("booked, seen 3h ago too", hours[3]),
            ("booked, coming tomorrow", now + timedelta(days=1)),
            ("booked, given a verdict", hours[9]), ("booked, corrected verdict", hours[9]),
            ("contacted, seen 7h ago", hours[7]), ("booked and merged, seen 9h ago", hours[9]),
        ):  # fmt: skip
            _appointment(lead[name], when)
        _appointment(lead["booked, seen 8h ago, later one cancelled"], hours[1], cancelled=True)
        _appointment(lead["booked, only a cancelled one"], hours[2], cancelled=True)
        _appointment(lead["sampled, never came"], now + timedelta(days=2))  # not yet passed
        for name in ("sampled, given a verdict", "booked, given a verdict"):
            _verdict(lead[name])
        _verdict(lead["booked, corrected verdict"], replaced=True)
        _verdict(lead["booked, corrected verdict"])
        db.session.commit()
        listed = [(item.lead.name, item.seen_at) for item in waiting_for_verdict(now)]
    assert [name for name, _seen in listed] == [
        "sampled, seen 5h ago",
        "sampled, seen 2h ago",
        "sampled, never came",
        "booked, seen 8h ago, later one cancelled",
        "booked, seen 6h ago then 4h ago",
        "booked, seen 3h ago",
        "booked, seen 3h ago too",
    ]
    seen = dict(listed)
    assert seen["sampled, never came"] is None
    assert seen["booked, seen 6h ago then 4h ago"] == hours[4]
    assert seen["booked, seen 8h ago, later one cancelled"] == hours[8]
