"""The language switch on a step page: a submit of the step form, so answers survive it.

On a step page the header's switch is a set of buttons that belong to the step
form (``form="step-form"``, ``name="lang"``; templates/_language_switch.html),
not links: a link would lose what the person ticked but has not sent yet. The
step's POST view hands such a submission here before it validates anything.
Each answer on the page that is valid on its own is sealed into the state, a
question left blank (or answered invalidly) is left unanswered, and no error is
shown: the person is sent (303) to the same step, which the new token opens in
the chosen language (``open_state`` sealed it) with those answers ticked.
Without JavaScript, like every other step submit.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import Response, current_app, redirect, request, url_for

from questionnaire import forms
from questionnaire.catalogue import Question
from questionnaire.service import FlowState, codec

#: The name of the switch's buttons; their value is the language chosen.
FIELD = "lang"


def requested() -> bool:
    """Whether this step POST came from a language button rather than "Continue"."""
    return request.form.get(FIELD) in current_app.config["LANGUAGES"]


def keep_answers_and_show_again(
    step_id: str, state: FlowState, questions: Sequence[Question]
) -> Response:
    """Seal what is validly on the page, and show the same step again (in the new language)."""
    form = forms.form_class(questions)(formdata=request.form)
    for question in questions:
        if form[question.id].validate(form):
            state.answers.update(forms.typed_answers(form, [question]))
        else:
            state.answers.pop(question.id, None)  # the page showed it unanswered: so does the next
    return redirect(url_for(".step", step_id=step_id, s=codec().dumps(state)), code=303)
