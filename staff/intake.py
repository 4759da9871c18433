"""Phone intake: staff fill the same questionnaire on a caller's behalf, with the same rules.

One page holds every question (drawn with the wizard's macros and forms), then the
contact fields. The lead is marked "staff_intake" and names the staff member. A
sealed token carries the intake's flow id, so a double submit makes one lead.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from core.extensions import db
from leads.service import (
    CaptureError,
    ContactForm,
    deliver_after_response,
    find_by_flow,
    request_contact,
)
from questionnaire import forms
from questionnaire.service import NotDecided, StateError, decide
from questionnaire.service import codec as _codec
from questionnaire.service import flow as _flow
from staff.audit import record
from staff.blueprint import bp


def _step_forms(formdata, answers: dict[str, object]):
    """Each step's form, built for the questions the answers so far make visible."""
    built = []
    for step in _flow().steps:
        questions = _flow().shown_questions(step.id, answers)
        form = forms.form_class(questions)(formdata=formdata)
        if formdata is not None and form.validate():
            answers.update(forms.typed_answers(form, questions))
        built.append((step, questions, form))
    return built


def _render(token: str, step_forms, contact_form: ContactForm, status: int = 200):
    errors = [
        item
        for _step, questions, form in step_forms
        for item in forms.error_summary(form, questions)
    ]
    errors += contact_form.error_summary() if contact_form.errors else []
    return (
        render_template(
            "staff/intake.html",
            token=token,
            step_forms=step_forms,
            contact_form=contact_form,
            errors=errors,
            anchor_id=forms.anchor_id,
        ),
        status,
    )


@bp.get("/intake")
def intake():
    token = _codec().dumps(_codec().new(lang=str(get_locale())))
    return _render(token, _step_forms(None, {}), ContactForm(formdata=None))


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
    answers: dict[str, object] = {}
    step_forms = _step_forms(request.form, answers)
    contact_form = ContactForm(formdata=request.form)
    contact_ok = contact_form.validate()
    if any(form.errors for _s, _q, form in step_forms) or not contact_ok:
        return _render(token, step_forms, contact_form, 422)
    lang = state.lang or str(get_locale())
    try:
        decided = decide(answers, lang=lang)
    except NotDecided:
        return _render(token, step_forms, contact_form, 422)
    try:
        captured = request_contact(
            state, decided, contact_form.contact(), lang=lang, entered_by_id=current_user.id
        )
    except CaptureError:
        return render_template("staff/not_stored.html"), 503
    if captured.created:
        record("intake", lead_id=captured.lead_id)
        db.session.commit()
        flash(_("Lead #%(id)d created from the call. The result below is what the caller "
                "should be told.", id=captured.lead_id))  # fmt: skip
    response = redirect(url_for(".lead_detail", lead_id=captured.lead_id), code=303)
    return deliver_after_response(response, captured.message_ids)
