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
from collections.abc import Sequence
from dataclasses import astuple

from flask import Blueprint, Response, current_app, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from sqlalchemy.exc import OperationalError, SQLAlchemyError

import embed
import rules
from extensions import config_limit, db, limiter, login_manager
from leads import outbox
from leads.after_response import run_after_body
from leads.capture import CaptureError, Contact, capture_lead, find_by_flow
from leads.forms import ContactForm, lead_source
from questionnaire.result import build_result
from questionnaire.state import FlowState, StateError

log = logging.getLogger(__name__)

bp = Blueprint("leads", __name__)


def _state(token: str | None) -> FlowState:
    state = current_app.extensions["state_codec"].loads(token)
    if state.lang:
        g.flow_lang = state.lang
    embed.activate(state)  # a flow started in a clinic's iframe stays in it
    return state


def _decide(state: FlowState) -> tuple[dict[str, object], rules.Decision] | None:
    flow = current_app.extensions["questionnaire_flow"]
    if flow.first_unanswered(state.answers) is not None:
        return None
    answers = flow.completed_answers(state.answers)
    try:
        return answers, rules.evaluate(answers, lang=str(get_locale()))
    except rules.AnswersError:
        return None


def _restart(reason: str) -> Response:
    """Back to the intro, in the iframe when the form was posted inside one."""
    return redirect(embed.flow_url("intro", notice=reason), code=303)


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


@bp.post("/check/contact")
@limiter.limit(config_limit("RATELIMIT_CONTACT"))
def contact():
    """Store a contact request with consent, or show the result page again with its errors."""
    token = request.form.get("s")
    try:
        state = _state(token)
    except StateError as error:
        return _restart(error.reason)
    decided = _decide(state)
    if decided is None:
        return _restart("invalid")
    answers, decision = decided
    form = ContactForm(formdata=request.form)
    if not form.validate():
        if find_by_flow(state.flow_id) is not None:  # a replay of a stored request
            return redirect(url_for(".done", s=token), code=303)
        return _render_result(decision, token, form), 422
    source, origin = lead_source(state)
    try:
        captured = capture_lead(
            flow_id=state.flow_id,
            answers=answers,
            decision=decision,
            contact=form.contact(),
            lang=state.lang or str(get_locale()),
            source=source,
            embed_origin=origin,
        )
    except CaptureError:
        log.exception("a contact request could not be stored")
        return _not_stored(token)
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


def _render_result(decision: rules.Decision, token: str, form: ContactForm) -> str:
    flow = current_app.extensions["questionnaire_flow"]
    return render_template(
        "result.html",
        result=build_result(decision),
        change_url=embed.flow_url("step", step_id=flow.steps[0].id, s=token),
        token=token,
        contact_form=form,
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
    """Tell the person their request is stored, and what happens next."""
    try:
        state = _state(request.args.get("s"))
    except StateError as error:
        return _restart(error.reason)
    lead = find_by_flow(state.flow_id)
    if lead is None:
        return redirect(embed.flow_url("result", s=request.args.get("s")), code=303)
    return render_template(
        "leads/confirmation.html",
        lead=lead,
        just_sent=request.args.get("sent") == "1",
        kept_earlier=request.args.get("kept") == "1",
        settled_url=url_for(".done", s=request.args.get("s")),
    )
