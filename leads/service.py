"""The leads feature's door: "request contact", used by the result page's form and by
staff phone intake alike, and what the console needs of leads besides their models.

A request is stored with its decision, consent and notifications at once
(leads/capture.py); its notifications go out after the answer has been sent,
so the person never waits for a mail server (``deliver_after_response``). The
service knows no request: views turn ``CaptureError`` into the "not stored" page.

The console and the API change a status the same way (``change_status``: the
note, the audit event and the webhook event in one transaction), and the API
pages through leads with ``lead_page`` (leads/listing.py).

It re-exports only what staff/, api/, ops/ or the tests import from here; models
(``Contact``, ``CONTACT_TIME_LABELS``) are imported from leads.models. Two kept on purpose:
``ContactForm`` because the console's contact forms extend it and the import-linter
contract forbids staff/ to import leads.forms; ``outbox`` because the console's outbox
page reads it and the same contract forbids leads.outbox.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from flask import Response, current_app
from flask.signals import Namespace

from leads import bookings, outbox
from leads.after_response import run_after_body
from leads.capture import Captured, CaptureError, capture_lead, find_by_flow
from leads.consent import consent_text
from leads.data_rights import (  # a person's data rights: find, export, erase
    EXPORT_FORMAT,
    HeldData,
    HeldDataChanged,
    Match,
    Person,
    erase_person,
    export_document,
    find_person,
    phone_examples,
    search_phone,
)
from leads.forms import ContactForm
from leads.listing import LeadQuery, find_lead, lead_page
from leads.merged_guard import LeadMerged, refuse_if_merged
from leads.models import Contact
from leads.purge import delete_lead, purge_older_than
from leads.replay import (
    data_version,
    replay,
    stored_decisions_by_version,
    stored_replay,
)
from leads.status import BookedWithoutAppointment, change_status, status_history
from questionnaire.service import Decided, FlowState
from web.embed_mode import embed_of

__all__ = [
    "EXPORT_FORMAT",
    "BookedWithoutAppointment",
    "CaptureError",
    "ContactForm",
    "HeldData",
    "HeldDataChanged",
    "LeadMerged",
    "LeadQuery",
    "Match",
    "Person",
    "bookings",
    "change_status",
    "consent_text",
    "data_version",
    "delete_lead",
    "deliver_after_response",
    "erase_person",
    "export_document",
    "find_by_flow",
    "find_lead",
    "find_person",
    "lead_created",
    "lead_page",
    "lead_source",
    "outbox",
    "phone_examples",
    "purge_older_than",
    "refuse_if_merged",
    "replay",
    "request_contact",
    "run_after_body",
    "search_phone",
    "status_history",
    "stored_decisions_by_version",
    "stored_replay",
]

log = logging.getLogger(__name__)

_signals = Namespace()
#: Sent once a contact request is stored as a new lead (not when a repeated submit finds
#: it stored already), by the app, with ``source=`` and ``outcome=``: nothing personal.
#: ops counts it for the metrics; leads knows nothing of who listens.
lead_created = _signals.signal("lead-created")


def lead_source(state: FlowState) -> tuple[str, str]:
    """("embed", host origin) for a flow started in a clinic's iframe, else ("site", "").

    The origin comes from the sealed state token (checked against
    EMBED_ALLOWED_ORIGINS when the flow started, and again now), never from
    the URL or a posted field: posting a site flow's token to /embed/ does not
    make an embedded lead.
    """
    context = embed_of(state)
    if context is not None and context.origin:
        return "embed", context.origin
    return "site", ""


def request_contact(
    state: FlowState,
    decided: Decided,
    contact: Contact,
    *,
    lang: str,
    entered_by_id: int | None = None,
    status: str = "new",
    assigned_to_id: int | None = None,
) -> Captured:
    """Store this flow's contact request with its decision, or find the one it stored.

    A request entered by a member of staff (``entered_by_id``) is a phone intake
    (made during the call, so it may start "contacted" and assigned to its taker);
    any other comes from the site or a clinic's iframe, as its sealed state says.
    Raises CaptureError when nothing could be stored.
    """
    source, origin = ("staff_intake", "") if entered_by_id is not None else lead_source(state)
    captured = capture_lead(
        flow_id=state.flow_id,
        answers=decided.answers,
        decision=decided.decision,
        contact=contact,
        lang=lang,
        source=source,
        embed_origin=origin,
        entered_by_id=entered_by_id,
        status=status,
        assigned_to_id=assigned_to_id,
    )
    if captured.created:
        lead_created.send(
            current_app._get_current_object(), source=source, outcome=decided.decision.outcome
        )
    return captured


def deliver_after_response(response: Response, message_ids: Sequence[int]) -> Response:
    """Send the notifications a request just queued once its answer has gone out.

    The person never waits for the mail server or the webhook receiver. A channel
    whose server could not be reached at a message's last try is not tried: a
    server that hangs would hold this worker for the whole timeout, lead after
    lead. Whatever is not sent now stays in the outbox for `flask outbox deliver`.
    """
    if not message_ids:
        return response
    app = current_app._get_current_object()

    def deliver() -> None:
        with app.app_context():
            try:
                outbox.deliver(message_ids, skip_channels=outbox.failing_channels())
            except Exception:
                log.exception("notifications %s will be sent later", list(message_ids))

    return run_after_body(response, deliver)
