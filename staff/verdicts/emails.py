"""The email telling the clinical lead of a missed concern: the check said "book a
consultation", a clinician found a concern (hazard H1, docs/clinical-safety.md).

Queued through the outbox with the verdict (leads/verdicts.py: kind
``staff_missed_concern``, the incident's number in its ``event``) and written as it is
sent, in the recipient's language: the incident, the rule version, the two outcomes and
a link to the lead. Nothing about the person but the lead's number.
"""

from __future__ import annotations

from flask import Flask, current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from core.extensions import db
from leads.models import OutboxMessage
from leads.verdict_models import SafetyIncident
from leads.verdicts import MISSED_CONCERN_KIND
from staff.accounts.service import STAFF_EMAILS, email_language
from staff.console.blueprint import bp
from staff.console.labels import OUTCOME_LABELS
from staff.models import StaffUser


def render_email(message: OutboxMessage) -> tuple[str, str, str] | None:
    """(to, subject, body), made as it is sent; None when the account or incident is gone."""
    person = db.session.get(StaffUser, message.staff_id)
    incident = db.session.get(SafetyIncident, int(message.event)) if message.event else None
    if person is None or not person.active or incident is None:
        return None
    base = current_app.config["PUBLIC_BASE_URL"]
    with force_locale(email_language(person)):
        subject = _(
            "Missed concern (hazard %(hazard)s): incident %(number)d",
            hazard=incident.hazard,
            number=incident.id,
        )
        body = render_template(
            "staff/verdicts/missed_concern_email.txt",
            person=person,
            incident=incident,
            check=OUTCOME_LABELS.get(incident.check_outcome, incident.check_outcome),
            verdict=OUTCOME_LABELS.get(incident.verdict_outcome, incident.verdict_outcome),
            lead_url=f"{base}/staff/leads/{incident.lead_id}" if incident.lead_id else "",
            consultations_url=f"{base}/staff/consultations",
        )
    return person.email, subject, body


def init_app(app: Flask) -> None:
    app.extensions.setdefault(STAFF_EMAILS, {})[MISSED_CONCERN_KIND] = render_email


@bp.record_once
def _register(state) -> None:
    init_app(state.app)
