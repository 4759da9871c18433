"""The merge page's form: for each contact detail the two leads hold differently, which one
the kept lead keeps. Only the differing details are asked (``ask``); an answer missing or
not one of the two is an error naming the detail, and the page shows again with every
choice made kept."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice
from wtforms.validators import Optional

from leads.merge import CHOSEN_FIELDS, DUPLICATE, KEPT
from web.language import LocalizedForm

_SIDES = [SelectChoice(KEPT, KEPT), SelectChoice(DUPLICATE, DUPLICATE)]

CHOOSE = {
    "name": _l("Choose which name to keep."),
    "email": _l("Choose which email to keep."),
    "phone": _l("Choose which phone number to keep."),
    "contact_time": _l("Choose which best time to keep."),
    "lang": _l("Choose which language to keep."),
}


def _side() -> RadioField:
    # Judged by MergeForm.check (only for the details asked), not by WTForms' choice check.
    return RadioField(choices=_SIDES, validators=[Optional()], validate_choice=False)


class MergeForm(LocalizedForm):
    """One radio group per contact detail, named as the detail (``name``, ``email``...)."""

    name = _side()
    email = _side()
    phone = _side()
    contact_time = _side()
    lang = _side()

    def check(self, ask: tuple[str, ...]) -> bool:
        """Validate (the CSRF token) and that every detail asked has one of the two sides."""
        valid = self.validate()
        for field_name in ask:
            field = self[field_name]
            if field.data not in (KEPT, DUPLICATE):
                field.errors = [*field.errors, CHOOSE[field_name]]
                valid = False
        return valid

    def choices(self, ask: tuple[str, ...]) -> dict[str, str]:
        return {field_name: self[field_name].data for field_name in ask}

    def error_summary(self, ask: tuple[str, ...]) -> list[tuple[str, str]]:
        """(the id to link to, message) for each detail asked and not answered, in page order."""
        return [
            (f"choose-{field_name}-{KEPT}", str(message))
            for field_name in CHOSEN_FIELDS
            if field_name in ask
            for message in self[field_name].errors
        ]
