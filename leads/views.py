"""The public side of leads: the result page's contact form and its confirmation.

The form posts the sealed questionnaire token, from which the answers and the
decision are derived again; posted answers are never trusted. The token's flow
id makes the POST idempotent: a second submit shows the same confirmation. A
valid form goes straight to the insert (the unique flow id refuses a second
lead); only an invalid one looks for a stored lead first, so the replay of a
stored request still reaches its confirmation.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import astuple

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from core.booking_tool import with_reference
from core.extensions import db, login_manager
from leads import limits, spam
from leads.forms import ContactForm
from leads.models import Contact
from leads.reply_time import reply_time_words
from leads.service import CaptureError, deliver_after_response, find_by_flow, request_contact
from questionnaire.reference import result_reference
from questionnaire.result import build_result
from questionnaire.service import (
    Decided,
    FlowState,
    NotDecided,
    StateError,
    decide,
    open_state,
)
from signoff.service import require_live
from web import embed_mode

log = logging.getLogger(__name__)

bp = Blueprint("leads", __name__)
# In production with no signed rule version, the contact pages answer 503 too.
bp.before_request(require_live)


def _state(token: str | None) -> FlowState:
    state = open_state(token)
    embed_mode.activate(state)  # a flow started in a clinic's iframe stays in it
    return state


def _restart(reason: str) -> Response:
    """Back to the intro, in the iframe when the form was posted inside one."""
    return redirect(embed_mode.flow_url("intro", notice=reason), code=303)


@bp.post("/check/contact")
@limits.per_check
@limits.per_address
def contact():
    """Store a contact request with consent, or show the result page again with its errors."""
    token = request.form.get("s")
    try:
        state = _state(token)
    except StateError as error:
        return _restart(error.reason)
    try:
        decided = decide(state.answers, lang=str(get_locale()))
    except NotDecided:
        return _restart("invalid")
    form = ContactForm(formdata=request.form)
    if spam.caught(form):  # answered as if stored: the robot learns nothing
        return redirect(url_for(".done", s=token, sent=1), code=303)
    if not form.validate():
        if find_by_flow(state.flow_id) is not None:  # a replay of a stored request
            return redirect(url_for(".done", s=token), code=303)
        return _render_result(decided, state, token, form), 422
    if spam.too_quick(state):  # stores and sends nothing; a person sends it again
        form.too_quick()
        return _render_result(decided, state, token, form), 422
    try:
        captured = request_contact(
            state, decided, form.contact(), lang=state.lang or str(get_locale())
        )
    except CaptureError:
        log.exception("a contact request could not be stored")
        return _not_stored(token)
    limits.accepted(stored=captured.created)
    # "sent" marks the first display after a new request: the confirmation then tells
    # the host page (contact_requested); a replay or a double submit does not. "kept"
    # says a second request with other details changed nothing, so the person knows.
    sent = 1 if captured.created else None
    kept = None if captured.created else _kept_other_details(state.flow_id, form.contact())
    response = redirect(url_for(".done", s=token, sent=sent, kept=kept), code=303)
    return deliver_after_response(response, captured.message_ids)


def _kept_other_details(flow_id: str, sent: Contact) -> int | None:
    """1 when this check's stored request has other contact details than the ones just sent."""
    stored = find_by_flow(flow_id)
    if stored is None:
        return None
    before = (stored.name, stored.email, stored.phone, stored.contact_time, stored.message)
    return 1 if before != astuple(sent) else None


def _render_result(decided: Decided, state: FlowState, token: str, form: ContactForm) -> str:
    return render_template(
        "questionnaire/result.html",
        result=build_result(decided),
        token=token,
        contact_form=form,
        reference=result_reference(state.flow_id),
    )


@bp.errorhandler(OperationalError)
def database_unavailable(_error):
    """The database is unreachable: nothing was stored, and the person is told so (503)."""
    log.exception("the database is unavailable for a contact request")
    with contextlib.suppress(SQLAlchemyError):
        db.session.rollback()
    login_manager._update_request_context_with_user()  # render as nobody: no user lookup
    return _not_stored(request.values.get("s"))


def _not_stored(token: str | None) -> tuple[str, int, dict[str, str]]:
    """Nothing was stored: say so, and when to try again (the flow id keeps a retry single)."""
    return render_template("leads/not_stored.html", token=token), 503, {"Retry-After": "10"}


@bp.get("/check/contact/done")
def done():
    """Tell the person the clinic has their request, the reference to quote, what happens
    next and when (with the booking link itself where they may book), and the way back
    to their result."""
    try:
        state = _state(request.args.get("s"))
    except StateError as error:
        return _restart(error.reason)
    lead = find_by_flow(state.flow_id)
    if lead is None:
        return redirect(embed_mode.flow_url("result", s=request.args.get("s")), code=303)
    return render_template(
        "leads/confirmation.html",
        lead=lead,
        just_sent=request.args.get("sent") == "1",
        kept_earlier=request.args.get("kept") == "1",
        settled_url=url_for(".done", s=request.args.get("s")),
        reply_time=reply_time_words(),
        result_url=embed_mode.flow_url("result", s=request.args.get("s")),
        reference=lead.result_reference or result_reference(lead.flow_id),
        # A booking made there comes back to this lead (integrations/): Cal.com, Calendly
        # and Acuity return the opaque booking reference; never a health answer.
        booking_url=with_reference(current_app.config["BOOKING_URL"], lead.booking_reference),
        review_url=with_reference(current_app.config["MEDICAL_REVIEW_URL"], lead.booking_reference),
    )
