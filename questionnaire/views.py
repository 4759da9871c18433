"""The wizard's pages: intro, one page per step, and the result.

Every step is POST-then-redirect: the answers so far travel in a sealed token in
the next page's URL, so Back, Refresh and the browser's history all keep the
answers, and no worker holds any state between requests.

The blueprint is registered twice: here, and under /embed for a clinic's iframe
(see app.py and web/embed_mode.py). Views and templates build URLs with relative
endpoints (".step") so each person stays in the mode they started in.

The sealed token is also the request-forgery protection, and one token is enough
for both jobs: nothing on the server changes on behalf of a browser (there is no
session, cookie or stored flow to forge a request against), a POST is only
accepted with a token this server sealed (encrypted and authenticated, with an
expiry), and a POST can only ever continue the very flow its token holds: the
flow id, answers and embed settings are sealed together, so no part of one flow
can be spliced into another. A second, cookie-bound CSRF token would add
nothing and would break inside a cross-site iframe, where cookies are blocked.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale

from core import counters
from core.extensions import config_limit, limiter
from questionnaire import forms, language_switch
from questionnaire.catalogue import MINUTES_TO_ANSWER, Question
from questionnaire.localized import localized_questions, localized_step
from questionnaire.reference import REFERENCE_SLOT, result_reference
from questionnaire.result import build_result
from questionnaire.service import FlowState, NotDecided, StateError, codec, decide, flow, open_state
from signoff.service import live, require_live
from web import render_cache
from web.embed_mode import EMBED_BLUEPRINT, activate, current_embed

bp = Blueprint("questionnaire", __name__)
# Every public POST is rate-limited per client, the wizard's step POSTs too.
limiter.limit(config_limit("RATELIMIT_PUBLIC_POST"), methods=["POST"])(bp)

NOTICES = {"expired", "invalid", "missing"}
# Where a step may send the person back to once it is sent (?change=result, from the
# result's "Change" links); carried in the sealed state as FlowState.return_to.
RETURN_TARGETS = {"result"}

# In production with no signed rule version, every page of the check answers 503.
bp.before_request(require_live)


def _restart(reason: str) -> Response:
    """Back to the intro, saying why the answers could not be used."""
    return redirect(url_for(".intro", notice=reason), code=303)


def _load_state(token: str | None) -> FlowState:
    """Open the token; a ?lang= from the language switch replaces the flow's language,
    so the next token carries the newly chosen one."""
    state = open_state(token, request.values.get("lang"))
    if request.blueprint == EMBED_BLUEPRINT:
        activate(state)
    return state


@bp.get("/")
def intro() -> str:
    """What microneedling is, what the check covers, and what is stored."""
    notice = request.args.get("notice")
    notice = notice if notice in NOTICES else None

    signoff = live().signoff  # named on the intro; None while unsigned (never in production)

    def render(_no_token: str) -> str:
        return render_template(
            "questionnaire/intro.html",
            notice=notice,
            first_step=flow().steps[0],
            question_count=len(flow().questions),
            minutes=MINUTES_TO_ANSWER,
            signoff=signoff,
        )

    return render_cache.page(render_cache.request_key("intro", notice, signoff), "", render)


@bp.get("/check/start")
def start() -> Response:
    """Begin a new, empty questionnaire."""
    lang = request.args.get("lang")
    embed = current_embed()
    state = codec().new(
        lang=lang if lang in current_app.config["LANGUAGES"] else None,
        embed=embed.as_values() if embed else None,
    )
    first = flow().visible_steps(state.answers)[0]
    counters.count_now("started")
    counters.count_now("step", first.id)
    return redirect(url_for(".step", step_id=first.id, s=codec().dumps(state)), code=303)


def _render_step(
    step_id: str,
    state: FlowState,
    questions: list[Question],
    form: forms.StepForm | None = None,
    started: bool = False,
) -> str:
    """The step page; without a form (a GET), refilled from the answers and drawn once
    per content (web/render_cache.py); with a form, showing its errors."""
    position, total = flow().progress(step_id, state.answers)
    previous = flow().neighbour(step_id, state.answers, -1)
    language = str(get_locale())

    def render(token: str) -> str:
        shown = form
        if shown is None:
            shown = forms.form_class(questions)(
                formdata=None, data=forms.form_data(state.answers, questions)
            )
        return render_template(
            "questionnaire/step.html",
            step=localized_step(flow().step(step_id), language),
            questions=localized_questions(questions, language, for_patient=True),
            form=shown,
            errors=forms.error_summary(shown, questions),
            position=position,
            total=total,
            done=flow().steps_done(step_id, state.answers),
            token=token,
            back_url=_back_url(state, previous, token),
            anchor_id=forms.anchor_id,
            started=started,
        )

    token = codec().dumps(state)
    if form is not None:
        return render(token)
    answers_shown = tuple(
        (q.id, q.id in state.answers, repr(state.answers.get(q.id))) for q in questions
    )
    key = render_cache.request_key(
        "step",
        step_id,
        position,
        total,
        previous and previous.id,
        started,
        answers_shown,
        state.return_to,
    )
    return render_cache.page(key, token, render)


@bp.get("/check/<step_id>")
def step(step_id: str):
    """Show one step, filled in with any answers already given."""
    if flow().step(step_id) is None:
        abort(404)
    try:
        state = _load_state(request.args.get("s"))
    except StateError as error:
        if error.reason == "missing" and step_id == flow().steps[0].id:
            return start()
        return _restart(error.reason)
    if request.args.get("change") in RETURN_TARGETS:
        state.return_to = request.args["change"]  # a "Change" link: back there once sent
    if not flow().can_show(step_id, state.answers):
        pending = flow().first_unanswered(state.answers)
        token = codec().dumps(state)
        target = url_for(".step", step_id=pending.id, s=token) if pending else None
        return redirect(target or url_for(".result", s=token), code=303)
    questions = flow().shown_questions(step_id, state.answers)
    return _render_step(step_id, state, questions, started=not state.answers)


@bp.post("/check/<step_id>")
def submit_step(step_id: str):
    """Check one step's answers; on success go on, otherwise show every error."""
    if flow().step(step_id) is None:
        abort(404)
    try:
        state = _load_state(request.form.get("s"))
    except StateError as error:
        return _restart(error.reason)
    if not flow().can_show(step_id, state.answers):
        return _restart("invalid")
    questions = flow().shown_questions(step_id, state.answers)
    if language_switch.requested():  # the header's language buttons: keep what is ticked
        return language_switch.keep_answers_and_show_again(step_id, state, questions)
    form = forms.form_class(questions)(formdata=request.form)
    if not form.validate():
        return _render_step(step_id, state, questions, form), 422
    state.answers.update(forms.typed_answers(form, questions))
    if state.return_to == "result":
        return _back_to_result(state)
    token = codec().dumps(state)
    following = flow().neighbour(step_id, state.answers, +1) or flow().first_unanswered(
        state.answers
    )
    if following is None:
        _count_completed(state)
        return redirect(url_for(".result", s=token), code=303)
    counters.count_now("step", following.id)
    return redirect(url_for(".step", step_id=following.id, s=token), code=303)


def _back_url(state: FlowState, previous, token: str) -> str | None:
    """Back to the result during a "Change" round trip (every answer is there), else
    to the previous step."""
    if state.return_to == "result" and flow().first_unanswered(state.answers) is None:
        return url_for(".result", s=token)
    return url_for(".step", step_id=previous.id, s=token) if previous else None


def _back_to_result(state: FlowState) -> Response:
    """After a step reached from a "Change" link: straight back to the result, not
    through the following steps; first through any step the changed answer made
    necessary (the flag stays in the state until the result is reached)."""
    pending = flow().first_unanswered(state.answers)
    if pending is not None:
        return redirect(url_for(".step", step_id=pending.id, s=codec().dumps(state)), code=303)
    state.return_to = None
    return redirect(url_for(".result", s=codec().dumps(state)), code=303)


def _count_completed(state: FlowState) -> None:
    """The anonymous "completed" counter, by outcome (no person, no flow id)."""
    try:
        outcome = decide(state.answers).decision.outcome
    except NotDecided:
        return
    counters.count_now("completed", outcome)


@bp.get("/check/result")
def result() -> str | Response:
    """The decision in plain words: every reason, what to expect, the next step."""
    try:
        state = _load_state(request.args.get("s"))
    except StateError as error:
        return _restart(error.reason)
    try:
        decided = decide(state.answers, lang=str(get_locale()))
    except NotDecided as unfinished:
        if unfinished.pending is None:
            return _restart("invalid")
        token = codec().dumps(state)
        return redirect(url_for(".step", step_id=unfinished.pending.id, s=token), code=303)

    state.return_to = None  # a "Change" round trip ends here

    def render(token: str) -> str:
        return render_template(
            "questionnaire/result.html",
            token=token,
            result=build_result(decided),
            reference=REFERENCE_SLOT,
        )

    # The page shows the decision, its sign-off and the answers in words (and the token):
    # drawn once per decision and answers.
    answers = tuple(sorted((k, repr(v)) for k, v in decided.answers.items()))
    key = render_cache.request_key("result", decided.decision, decided.signoff, answers)
    page = render_cache.page(key, codec().dumps(state), render)
    return page.replace(REFERENCE_SLOT, result_reference(state.flow_id))
