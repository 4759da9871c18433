"""The clinician's verdict form and the disagreement's cause form.

The fields' own checks say what is missing in the console's words; whatever
leads/verdicts.py's ``check_verdict`` finds besides (the same checks as the API
and the CSV import) is added to the field it names.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import AnyOf, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

import rules
from leads.verdict_models import CAUSES
from leads.verdicts import LONGEST_UNASKED, STRICTNESS, VerdictInput
from staff.console.labels import OUTCOME_LABELS
from web.language import LocalizedForm

#: What each outcome means for the clinician's verdict (same words as the issue's).
VERDICT_HINTS = {
    "book_consultation": _l("No medical concern for microneedling."),
    "clinician_review": _l("Suitable with medical precautions."),
    "see_dermatologist": _l("Needs a dermatologist first."),
    "not_suitable_now": _l("Not suitable now."),
}
CAUSE_LABELS = {
    "answer_wrong": _l("The person’s answer was wrong"),
    "no_question": _l("The check has no question for it"),
    "rule_wrong": _l("The rule is wrong"),
    "clinical_judgement": _l("Clinical judgement"),
}


class VerdictForm(LocalizedForm):
    """The verdict after examining the person: blind to the check until it is saved."""

    verdict = RadioField(
        _l("Your verdict: the next step you judge right"),
        choices=[SelectChoice(value, OUTCOME_LABELS[value]) for value in STRICTNESS],
        validate_choice=False,
        validators=[
            InputRequired(_l("Choose your verdict.")),
            AnyOf(STRICTNESS, message=_l("Choose your verdict.")),
        ],
    )
    concerns = SelectMultipleField(
        _l("Concerns you found (none, one or more)"),
        choices=[SelectChoice(key, key) for key in rules.REASON_SEVERITY],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=True,
    )
    unasked_concern = TextAreaField(
        _l("A concern no question of the check covers (optional)"),
        description=_l("Recorded as “not asked by the check”."),
        validators=[
            Optional(),
            Length(
                max=LONGEST_UNASKED,
                message=_l("Keep it under %(count)d characters.", count=LONGEST_UNASKED),
            ),
        ],
    )
    examined_on = DateField(
        _l("Examination date"),
        validators=[InputRequired(_l("Give the examination date."))],
        render_kw={"max": ""},
    )

    def given(self, *, saw_check_first: bool) -> VerdictInput:
        return VerdictInput(
            outcome=self.verdict.data or "",
            concerns=list(self.concerns.data or []),
            examined_on=self.examined_on.data,
            unasked_concern=self.unasked_concern.data or "",
            saw_check_first=saw_check_first,
        )


class CauseForm(LocalizedForm):
    """Why the check and the clinician differ, chosen once both are visible."""

    cause = RadioField(
        _l("Why do they differ?"),
        choices=[SelectChoice(value, CAUSE_LABELS[value]) for value in CAUSES],
        validate_choice=False,
        validators=[
            InputRequired(_l("Choose why the check and your verdict differ.")),
            AnyOf(CAUSES, message=_l("Choose why the check and your verdict differ.")),
        ],
    )
    cause_question = SelectField(_l("Which question’s answer was wrong"), validate_choice=False)
    cause_rule = SelectField(_l("Which rule is wrong"), validate_choice=False)
