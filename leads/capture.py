"""Storing a lead: the person, their answers and the decision, and its notifications, at once.

Everything is written in one transaction (the lead, its outbox messages, the
anonymous counter): either all of it is stored or none of it. The flow id is
unique, so a double submit, a refresh or a replay finds the lead already stored
instead of making a second one. The happy path relies on that constraint rather
than looking first: it inserts, and looks the lead up only when the insert is
refused, which costs a new request no extra query.

On PostgreSQL the whole transaction is one statement (data-modifying CTEs),
sent in autocommit: one round trip instead of five (BEGIN, the lead, its
messages, the counter, COMMIT), which was most of a contact POST's time. A
single statement is atomic, and its commit waits for the WAL flush as usual, so
an acknowledged lead is on disk. SQLite, which has no such CTEs, runs the same
inserts as a transaction on one connection.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ARRAY, Connection, String, bindparam, insert, select, text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

import rules
from core import counters
from core.dbtypes import utcnow
from core.extensions import db
from leads import audit_sample, outbox
from leads.booking_reference import new_booking_reference
from leads.consent import CONSENT_VERSION
from leads.models import Contact, Lead, OutboxMessage
from questionnaire.reference import result_reference


class CaptureError(RuntimeError):
    """The lead could not be stored; nothing of it was written."""


@dataclass(frozen=True)
class Captured:
    """What the caller needs after the commit, kept before it so nothing is read back."""

    lead_id: int
    created: bool
    message_ids: tuple[int, ...] = ()  # the notifications this request queued


def capture_lead(
    *,
    flow_id: str,
    answers: dict[str, object],
    decision: rules.Decision,
    contact: Contact,
    lang: str,
    source: str = "site",
    embed_origin: str = "",
    entered_by_id: int | None = None,
    status: str = "new",
    assigned_to_id: int | None = None,
) -> Captured:
    """Store the lead and queue its notifications, or find the lead this flow already stored.

    The transaction keeps PostgreSQL's synchronous commit: an acknowledged lead is on disk.
    A lead made during a call (phone intake) starts "contacted", assigned to its taker.
    """
    now = utcnow()
    row = {
        "flow_id": flow_id,
        "result_reference": result_reference(flow_id),
        "created_at": now,
        "updated_at": now,
        "name": contact.name,
        "email": contact.email,
        "phone": contact.phone,
        "contact_time": contact.contact_time,
        "message": contact.message,
        "lang": lang,
        "consent_version": CONSENT_VERSION,
        "consented_at": now,
        "source": source,
        "embed_origin": embed_origin,
        "entered_by_id": entered_by_id,
        "answers": answers,
        "outcome": decision.outcome,
        "reasons": [
            {"key": r.key, "severity": r.severity, "rule": r.rule, "text": r.text}
            for r in decision.reasons
        ],
        "rulebase_version": decision.rulebase.version,
        "rulebase_sha256": decision.rulebase.sha256,
        "status": status,
        "status_changed_at": None if status == "new" else now,
        "assigned_to_id": assigned_to_id,
        "follow_up_at": None,
        "first_contacted_at": None if status == "new" else now,
        "merged_into_id": None,
        "audit_sample": audit_sample.draw(decision.outcome),
        "booking_reference": new_booking_reference(),
    }
    kinds = outbox.kinds_for(contact.email)
    # The web funnel counts the website's requests ("lead"); the calls staff take count apart.
    counter = counters.increment(
        "phone_lead" if source == "staff_intake" else "lead", decision.outcome
    )
    try:
        with db.engine.connect() as connection:
            try:
                if connection.dialect.name == "postgresql":
                    lead_id, message_ids = _store_in_one_statement(connection, row, kinds, counter)
                else:
                    lead_id, message_ids = _store_in_a_transaction(connection, row, kinds, counter)
            except IntegrityError:
                # Stored before (a replay, or a concurrent submit won), or refused for another
                # reason: asked on the same connection, which sees the other commit.
                connection.rollback()
                existing = connection.scalar(_LEAD_OF_FLOW, {"flow_id": flow_id})
                if existing is None:
                    raise CaptureError("the lead could not be stored") from None
                return Captured(existing, False)
    except SQLAlchemyError as exc:
        raise CaptureError("the lead could not be stored") from exc
    return Captured(lead_id, True, message_ids)


_LEADS = Lead.__table__
_OUTBOX = OutboxMessage.__table__
_LEAD_COLUMNS = [column for column in _LEADS.columns if column.name != "id"]
_LEAD_OF_FLOW = select(_LEADS.c.id).where(_LEADS.c.flow_id == bindparam("flow_id"))
_INSERT_LEAD = insert(_LEADS).returning(_LEADS.c.id)
_INSERT_MESSAGE = insert(_OUTBOX).returning(_OUTBOX.c.id)

# The lead, its messages (one per kind, in the order given) and the lead counter.
# The messages and the counter select FROM lead, so they exist only with it.
_PG_STORE = (
    # Built at import from the table's own column names and constant SQL: no input in it.
    text(
        f"""
WITH lead AS (
    INSERT INTO leads ({", ".join(c.name for c in _LEAD_COLUMNS)})
    VALUES ({", ".join(":" + c.name for c in _LEAD_COLUMNS)})
    RETURNING id
), messages AS (
    INSERT INTO outbox (lead_id, kind, status, attempts, created_at, next_attempt_at, last_error)
    SELECT lead.id, kinds.kind, 'pending', 0, :created_at, :created_at, ''
    FROM lead, unnest(:kinds) WITH ORDINALITY AS kinds (kind, position)
    ORDER BY kinds.position
    RETURNING id
), counted AS (
    {counters.upsert_from(counters.PG_COUNTER_ROW + " FROM lead")}
)
SELECT lead.id, ARRAY(SELECT id FROM messages ORDER BY id) FROM lead
"""  # noqa: S608 # nosec B608
    )
    .bindparams(
        *(bindparam(c.name, type_=c.type) for c in _LEAD_COLUMNS),
        bindparam("kinds", type_=ARRAY(String)),
        *counters.COUNTER_PARAMS,
    )
    .columns(id=_LEADS.c.id.type, message_ids=ARRAY(_OUTBOX.c.id.type))
)


def _store_in_one_statement(
    connection: Connection, row: dict[str, object], kinds: list[str], counter: dict[str, object]
) -> tuple[int, tuple[int, ...]]:
    """PostgreSQL: one round trip; autocommit, since the statement is its own transaction."""
    connection.execution_options(isolation_level="AUTOCOMMIT")
    lead_id, message_ids = connection.execute(_PG_STORE, {**row, **counter, "kinds": kinds}).one()
    return lead_id, tuple(message_ids)


def _store_in_a_transaction(
    connection: Connection, row: dict[str, object], kinds: list[str], counter: dict[str, object]
) -> tuple[int, tuple[int, ...]]:
    """SQLite (no data-modifying CTEs): the same inserts, all or none."""
    with connection.begin():
        lead_id = connection.execute(_INSERT_LEAD, row).scalar_one()
        message_ids = tuple(
            connection.execute(
                _INSERT_MESSAGE,
                {"lead_id": lead_id, "kind": kind, "created_at": row["created_at"],
                 "next_attempt_at": row["created_at"]},
            ).scalar_one()
            for kind in kinds
        )  # fmt: skip
        connection.execute(counters.UPSERT, counter)  # last: its row lock is held until commit
    return lead_id, message_ids


def find_by_flow(flow_id: str) -> Lead | None:
    """The lead stored for this questionnaire, if any (the flow id is unique)."""
    return db.session.scalar(select(Lead).where(Lead.flow_id == flow_id))
