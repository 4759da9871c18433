"""Phone intake: staff take a caller's details, then ask the same questions, with the same rules.

The page is laid out for a call, not for a patient alone with their phone: the
caller's details and their consent first (in case the call drops), then every
question of the catalogue, compact and grouped by step. Nothing is pre-filled:
every clinical question must be answered explicitly, as in the wizard, and the
same rule version decides (``questionnaire.service.decide``). Errors speak to the
member of staff ("Ask: Do you get cold sores?"), never to the caller; the
patient's own messages in the catalogue are left as they are.

The lead is marked "staff_intake", entered by and assigned to whoever took the
call, and starts "contacted" (they are talking to the person). A sealed token
carries the intake's flow id, so a double submit makes one lead.

A caller who already has a lead (the same email in any case, or the same phone) is
said before anything is stored: the page comes back (409) with every answer kept,
a link to each such lead, and the leads it named acknowledged in the form, so the
next "create" stores the new lead (to merge afterwards, or a new request indeed).
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import Field

from core.extensions import db
from leads.duplicates import Duplicate, leads_reached_by
from leads.service import CaptureError, deliver_after_response, find_by_flow, request_contact
from questionnaire import forms
from questionnaire.catalogue import Question, Step
from questionnaire.forms import AGE_MAX, AGE_MIN
from questionnaire.service import NotDecided, StateError, decide
from questionnaire.service import codec as _codec
from questionnaire.service import flow as _flow
from staff.console.audit import record
from staff.console.blueprint import bp
from staff.console.labels import STATUS_LABELS
from staff.leads.contact_forms import IntakeContactForm

StepForms = list[tuple[Step, Sequence[Question], forms.StepForm]]


def _step_forms(formdata, answers: dict[str, object]) -> StepForms:
    """Each step's form, built for the questions the answers so far make visible."""
    built = []
    for step in _flow().steps:
        questions = _flow().shown_questions(step.id, answers)
        form = forms.form_class(questions)(formdata=formdata)
        if formdata is not None:
            if form.validate():
                answers.update(forms.typed_answers(form, questions))
            else:
                _address_staff(form, questions)
        built.append((step, questions, form))
    return built


def _address_staff(form: forms.StepForm, questions: Sequence[Question]) -> None:
    """Replace the patient's error messages with what the member of staff should do.

    Beside the question the message is short (its words are right above it); the
    error summary names the question (``_summary``).
    """
    for question in questions:
        field = form[question.id]
        if field.errors:
            field.errors = [
                _("Write a whole number from %(low)d to %(high)d.", low=AGE_MIN, high=AGE_MAX)
                if _refused_number(question, field)
                else _("Not answered yet: ask the caller.")
            ]


def _refused_number(question: Question, field: Field) -> bool:
    return question.kind == "int" and bool((field.data or "").strip())


def _summary(step_forms: StepForms) -> list[tuple[str, str]]:
    """(the id to link to, what to do) for every question without a usable answer."""
    summary = []
    for _step, questions, form in step_forms:
        for question in questions:
            field = form[question.id]
            if not field.errors:
                continue
            if _refused_number(question, field):
                message = _(
                    "Ask again: %(question)s Write a whole number from %(low)d to %(high)d.",
                    question=question.label,
                    low=AGE_MIN,
                    high=AGE_MAX,
                )
            else:
                message = _("Ask: %(question)s", question=question.label)
            summary.append((forms.anchor_id(question), message))
    return summary


#: The form field that carries the leads the warning named, once shown ("12 40").
ACKNOWLEDGED = "known_leads"


def _acknowledged() -> set[int]:
    return {int(part) for part in request.form.get(ACKNOWLEDGED, "").split() if part.isdigit()}


def _unacknowledged_matches(contact_form: IntakeContactForm) -> list[Duplicate]:
    """The caller's existing leads, unless the warning naming every one was already shown."""
    found = leads_reached_by(contact_form.email.data or "", contact_form.phone_e164())
    if {match.lead_id for match in found} <= _acknowledged():
        return []
    return found


def _render(
    token: str,
    step_forms: StepForms,
    contact_form: IntakeContactForm,
    status: int = 200,
    matches: Sequence[Duplicate] = (),
):
    errors = contact_form.error_summary() if contact_form.errors else []
    errors += _summary(step_forms)
    return (
        render_template(
            "staff/leads/intake.html",
            token=token,
            step_forms=step_forms,
            contact_form=contact_form,
            errors=errors,
            matches=matches,
            acknowledged_field=ACKNOWLEDGED,
            labels_status=STATUS_LABELS,
            acknowledged=" ".join(
                str(lead_id) for lead_id in sorted(_acknowledged() | {m.lead_id for m in matches})
            ),
        ),
        status,
    )


@bp.get("/intake")
def intake():
    token = _codec().dumps(_codec().new(lang=str(get_locale())))
    return _render(token, _step_forms(None, {}), IntakeContactForm(formdata=None))


@bp.post("/intake")
def submit_intake():
    try:
        state = _codec().loads(request.form.get("s"))
    except StateError:
        state = _codec().new(lang=str(get_locale()))  # an expired page starts a fresh intake
    token = _codec().dumps(state)
    existing = find_by_flow(state.flow_id)
    if existing is not None:
        return redirect(url_for(".lead_detail", lead_id=existing.id), code=303)
    contact_form = IntakeContactForm(formdata=request.form)
    contact_ok = contact_form.validate()
    answers: dict[str, object] = {}
    step_forms = _step_forms(request.form, answers)
    matches = _unacknowledged_matches(contact_form) if contact_ok else []
    if any(form.errors for _s, _q, form in step_forms) or not contact_ok:
        return _render(token, step_forms, contact_form, 422, matches)
    if matches:
        return _render(token, step_forms, contact_form, 409, matches)
    lang = state.lang or str(get_locale())
    try:
        decided = decide(answers, lang=lang)
    except NotDecided:
        return _render(token, step_forms, contact_form, 422)
    try:
        captured = request_contact(
            state,
            decided,
            contact_form.contact(),
            lang=lang,
            entered_by_id=current_user.id,
            status="contacted",  # the caller is on the line
            assigned_to_id=current_user.id,
        )
    except CaptureError:
        return render_template("staff/leads/not_stored.html"), 503
    if captured.created:
        outcome = decided.decision.outcome
        record(
            "intake",
            lead_id=captured.lead_id,
            detail=f"phone intake; outcome {outcome}",
            data={"outcome": outcome},
        )
        db.session.commit()
        flash(_("Lead #%(id)d created from the call, assigned to you and marked Contacted. "
                "The result below is what to tell the caller.", id=captured.lead_id))  # fmt: skip
    response = redirect(url_for(".lead_detail", lead_id=captured.lead_id), code=303)
    return deliver_after_response(response, captured.message_ids)
