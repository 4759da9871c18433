"""Fields and forms every console area uses. Each form carries Flask-WTF's CSRF token
(the console is never framed)."""

from __future__ import annotations

import unicodedata

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length, Optional, ValidationError

from leads.models import STATUSES
from staff.console.labels import STATUS_LABELS
from web.language import LocalizedForm

LARGEST_ID = 2**31 - 1  # the id columns' INTEGER: a larger number would be a database error


def _choices(any_label, labels: dict) -> list[SelectChoice]:
    return [SelectChoice("", any_label), *(SelectChoice(k, v) for k, v in labels.items())]


NOTE_MAX = 4000  # characters: a note is a few lines about a call, never a document


def status_field(label: str | LazyString) -> SelectField:
    """One of the lead statuses, in the pipeline's order, named in words."""
    choose = _l("Choose a status from the list.")
    return SelectField(
        label,
        choices=[SelectChoice(value, STATUS_LABELS[value]) for value in STATUSES],
        validate_choice=False,  # AnyOf says it in the console's words, once
        validators=[InputRequired(choose), AnyOf(STATUSES, message=choose)],
    )


def note_text_field(
    label: str | LazyString, *, required: bool = True, id: str | None = None
) -> TextAreaField:
    """A note's words: a new note, a call's note (optional) or a correction.

    ``id``: the element's id, when two forms on one page both have a note.
    """
    first = InputRequired(_l("Write the note first.")) if required else Optional()
    too_long = _l("A note must be %(max)d characters or fewer.", max=NOTE_MAX)
    return TextAreaField(label, validators=[first, Length(max=NOTE_MAX, message=too_long)], id=id)


class ConfirmForm(LocalizedForm):
    """A button that changes something: carries only the CSRF token."""


class OneLine:
    """No line break or control character: a sign-off's name and registration are one line."""

    def __call__(self, form: LocalizedForm, field: StringField) -> None:
        if any(unicodedata.category(char).startswith("C") for char in field.data or ""):
            raise ValidationError(_l("Write this on one line, without special characters."))
