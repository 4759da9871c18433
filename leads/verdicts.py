"""Recording a clinician's verdict on a lead: checked, stored with its history, audited.

The console's form, the API (``PUT /api/v1/leads/{id}/verdict``) and the CSV
import all record through ``record_verdict``, so each verdict is checked the
same way (``check_verdict``: every problem named by field), a correction always
keeps the earlier verdict (marked replaced), and a missed concern always opens
its incident (hazard H1) and tells the clinical lead through the outbox.

The clinician is a staff account with the role "clinician", found by email in
the staff table by name (the leads layer sits below the console's models).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

import rules
from core import clinic_settings
from core.audit import record
from core.dbtypes import utcnow
from core.extensions import db
from leads.merged_guard import refuse_if_merged
from leads.models import Lead, OutboxMessage
from leads.verdict_models import CAUSES, MISSED_CONCERN_HAZARD, SafetyIncident, Verdict
from signoff.deployed import deployed

#: The outbox kind of the email telling the clinical lead of a missed concern.
MISSED_CONCERN_KIND = "staff_missed_concern"
#: The contract's order of strictness, least strict first (book < review < dermatologist < not now).
STRICTNESS = tuple(reversed(rules.OUTCOMES))
LONGEST_UNASKED = 500


@dataclass(frozen=True)
class Clinician:
    id: int
    email: str


@dataclass
class VerdictInput:
    """A verdict as given (by a form, a JSON body or a CSV row), before it is checked."""

    outcome: str
    concerns: list[str] = field(default_factory=list)
    examined_on: date | None = None
    unasked_concern: str = ""
    saw_check_first: bool = False
    cause: str = ""
    cause_question: str = ""
    cause_rule: str = ""


def is_missed_concern(check_outcome: str, verdict_outcome: str) -> bool:
    """The check told the person to simply book, the clinician found a concern."""
    return check_outcome == "book_consultation" and verdict_outcome != "book_consultation"


def find_clinician(email: str) -> Clinician | None:
    """The active clinician account with this email (any case), if there is one."""
    if "\x00" in email or len(email) > 254:  # no account has it; PostgreSQL refuses a NUL
        return None
    staff = db.metadata.tables["staff_users"]
    row = db.session.execute(
        select(staff.c.id, staff.c.email).where(
            staff.c.email == email.strip().lower(),
            staff.c.role == "clinician",
            staff.c.active.is_(True),
        )
    ).first()
    return Clinician(row.id, row.email) if row else None


def check_verdict(given: VerdictInput, lead: Lead | None = None) -> dict[str, str]:
    """Every problem with the verdict, by field ({} when it may be stored)."""
    errors: dict[str, str] = {}
    if given.outcome not in rules.OUTCOMES:
        errors["verdict"] = str(_l("Use one of: %(values)s.", values=", ".join(STRICTNESS)))
    unknown = [key for key in given.concerns if key not in rules.REASON_SEVERITY]
    if unknown:
        errors["concerns"] = str(
            _l("Not a reason key of the contract: %(keys)s.", keys=", ".join(unknown))
        )
    if given.examined_on is None:
        errors["examined_on"] = str(_l("Give the examination date as YYYY-MM-DD."))
    elif given.examined_on > utcnow().date():
        errors["examined_on"] = str(_l("The examination date cannot be in the future."))
    elif lead is not None and given.examined_on < lead.created_at.date():
        errors["examined_on"] = str(_l("The examination date is before the lead was made."))
    if len(given.unasked_concern) > LONGEST_UNASKED:
        errors["unasked_concern"] = str(
            _l("Keep it under %(count)d characters.", count=LONGEST_UNASKED)
        )
    if given.cause and given.cause not in CAUSES:
        errors["cause"] = str(_l("Use one of: %(values)s.", values=", ".join(CAUSES)))
    elif given.cause and lead is not None and given.outcome == lead.outcome:
        errors["cause"] = str(_l("A cause is given only when the verdict differs from the check."))
    if given.cause == "answer_wrong":
        if given.cause_question not in rules.FIELDS:
            errors["cause_question"] = str(_l("Name the question whose answer was wrong."))
    elif given.cause_question:
        errors["cause_question"] = str(_l("A question is named only for a wrong answer."))
    if given.cause == "rule_wrong":
        if not given.cause_rule or (lead is not None and not _rule_known(lead, given.cause_rule)):
            errors["cause_rule"] = str(_l("Name the rule that is wrong."))
    elif given.cause_rule:
        errors["cause_rule"] = str(_l("A rule is named only when the rule is wrong."))
    return errors


def _rule_known(lead: Lead, rule_id: str) -> bool:
    """A rule of the deployed rule file, or one the lead's own decision named."""
    named = {str(reason.get("rule")) for reason in lead.reasons}
    return rule_id in named or rule_id in rule_ids()


def rule_ids() -> tuple[str, ...]:
    """The deployed rule file's rule ids, in its order."""
    return tuple(rule.id for rule in deployed().base.rules)


def current_verdict(lead_id: int) -> Verdict | None:
    return db.session.scalar(
        select(Verdict).where(Verdict.lead_id == lead_id, Verdict.replaced_at.is_(None))
    )


def verdict_history(lead_id: int) -> list[Verdict]:
    """Every verdict recorded on the lead, the first first (the last is its verdict)."""
    return list(
        db.session.scalars(select(Verdict).where(Verdict.lead_id == lead_id).order_by(Verdict.id))
    )


@dataclass(frozen=True)
class Recorded:
    verdict: Verdict
    corrected: bool  # an earlier verdict was replaced
    incident: SafetyIncident | None
    message_ids: tuple[int, ...]


def record_verdict(
    lead: Lead,
    given: VerdictInput,
    clinician: Clinician,
    *,
    source: str,
    actor: object = None,
    api_token: object | None = None,
) -> Recorded:
    """Store the verdict in the caller's transaction (already checked: ``check_verdict``).

    An earlier verdict is kept, marked replaced; the audit log says which. A missed
    concern opens an incident tied to hazard H1 and queues the clinical lead's email,
    unless the verdict only corrects one that was already a missed concern.
    """
    assert given.examined_on is not None  # checked by check_verdict
    refuse_if_merged(lead)
    now = utcnow().replace(microsecond=0)  # to the second: as the console and exports show it
    earlier = current_verdict(lead.id)
    if earlier is not None:
        earlier.replaced_at = now
        db.session.flush()
    verdict = Verdict(
        lead_id=lead.id,
        clinician_id=clinician.id,
        clinician_email=clinician.email,
        recorded_at=now,
        examined_on=given.examined_on,
        outcome=given.outcome,
        concerns=sorted(set(given.concerns)),
        unasked_concern=given.unasked_concern.strip(),
        saw_check_first=given.saw_check_first,
        cause=given.cause,
        cause_question=given.cause_question,
        cause_rule=given.cause_rule,
        source=source,
    )
    db.session.add(verdict)
    db.session.flush()
    missed = is_missed_concern(lead.outcome, verdict.outcome)
    was_missed = earlier is not None and is_missed_concern(lead.outcome, earlier.outcome)
    incident = None
    message_ids: tuple[int, ...] = ()
    if missed and not was_missed:
        incident = SafetyIncident(
            opened_at=now,
            hazard=MISSED_CONCERN_HAZARD,
            lead_id=lead.id,
            verdict_id=verdict.id,
            rulebase_version=lead.rulebase_version,
            rulebase_sha256=lead.rulebase_sha256,
            check_outcome=lead.outcome,
            verdict_outcome=verdict.outcome,
            concerns=verdict.concerns + (["not_asked"] if verdict.unasked_concern else []),
        )
        db.session.add(incident)
        db.session.flush()
        message_ids = _tell_clinical_lead(incident)
    record(
        "verdict",
        lead_id=lead.id,
        detail=f"verdict {'corrected' if earlier else 'recorded'}: {verdict.outcome}"
        + (f" (missed concern, incident {incident.id})" if incident else ""),
        actor=actor,
        api_token=api_token,
        data={
            "change": "corrected" if earlier else "recorded",
            "outcome": verdict.outcome,
            "check": lead.outcome,
            "clinician": clinician.email,
            "source": source,
            "incident": incident.id if incident else None,
        },
    )
    return Recorded(verdict, earlier is not None, incident, message_ids)


def clinical_lead_ids() -> list[int]:
    """Who is told of a missed concern: the clinic's clinical lead, else every clinician."""
    staff = db.metadata.tables["staff_users"]
    chosen = clinic_settings.text("clinical_lead_email").strip().lower()
    query = select(staff.c.id).where(staff.c.role == "clinician", staff.c.active.is_(True))
    if chosen:
        named = list(db.session.scalars(query.where(staff.c.email == chosen)))
        if named:
            return named
    return list(db.session.scalars(query.order_by(staff.c.id)))


def _tell_clinical_lead(incident: SafetyIncident) -> tuple[int, ...]:
    if not current_app.config["SMTP_HOST"]:
        return ()
    messages = [
        OutboxMessage(staff_id=staff_id, lead_id=None, kind=MISSED_CONCERN_KIND,
                      event=str(incident.id))
        for staff_id in clinical_lead_ids()
    ]  # fmt: skip
    db.session.add_all(messages)
    db.session.flush()
    return tuple(message.id for message in messages)


def missed_concerns() -> list[SafetyIncident]:
    """The incidents missed concerns opened, the newest first."""
    query = select(SafetyIncident).where(SafetyIncident.hazard == MISSED_CONCERN_HAZARD)
    return list(db.session.scalars(query.order_by(SafetyIncident.id.desc())))


def set_cause(
    lead: Lead, verdict: Verdict, cause: str, question: str = "", rule: str = ""
) -> dict[str, str]:
    """Give the current verdict's disagreement its cause (checked; audited); the problems by
    field, or {} once set in the caller's transaction."""
    refuse_if_merged(lead)
    given = VerdictInput(
        outcome=verdict.outcome,
        concerns=list(verdict.concerns),
        examined_on=verdict.examined_on,
        cause=cause,
        cause_question=question,
        cause_rule=rule,
    )
    errors = {k: v for k, v in check_verdict(given, lead).items() if k.startswith("cause")}
    if not cause and "cause" not in errors:
        errors["cause"] = str(_l("Choose why the check and your verdict differ."))
    if errors:
        return errors
    verdict.cause, verdict.cause_question, verdict.cause_rule = cause, question, rule
    record(
        "verdict",
        lead_id=lead.id,
        detail=f"verdict cause: {cause}",
        data={"change": "cause", "cause": cause, "question": question, "rule": rule},
    )
    return {}
