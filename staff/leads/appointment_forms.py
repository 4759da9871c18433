"""The lead page's appointment forms: book one (time, length, kind), or move one (time, length).

The time is the clinic's wall clock (``datetime-local``), read and checked as the
follow-up's is (staff/leads/work_forms.py). Lengths and kinds are codes chosen
from a list; anything else is named as an error, never stored. The field names
are the lead page's own (``appointment_at``…); each Move form has a prefix
("move-<id>-"), so every field on the page has an id of its own.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from wtforms import DateTimeLocalField, SelectChoice, SelectField
from wtforms.validators import AnyOf, InputRequired

from core.clinic_time import from_clinic_clock
from leads.appointments import DEFAULT_DURATION, DURATIONS, KIND_LABELS
from staff.leads.work_forms import ComingClinicTime, WorkForm

LENGTH_LABELS = {
    str(minutes): lazy_ngettext("%(num)d minute", "%(num)d minutes", minutes)
    for minutes in DURATIONS
}


def _time_field() -> DateTimeLocalField:
    return DateTimeLocalField(
        _l("Date and time"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        invalid_value_message=_l("Enter the date and time, like 2025-03-14 09:00."),
        validators=[
            InputRequired(_l("Enter the date and time of the appointment.")),
            ComingClinicTime(),
        ],
    )


def _length_field() -> SelectField:
    choose = _l("Choose a length from the list.")
    return SelectField(
        _l("Length"),
        choices=[SelectChoice(value, label) for value, label in LENGTH_LABELS.items()],
        default=str(DEFAULT_DURATION),
        validate_choice=False,  # AnyOf says it in the console's words, once
        validators=[InputRequired(choose), AnyOf(list(LENGTH_LABELS), message=choose)],
    )


class MoveForm(WorkForm):
    """A new time (and length) for an upcoming appointment."""

    appointment_at = _time_field()
    appointment_length = _length_field()

    def starts_at(self) -> datetime:
        """The UTC moment the validated time means."""
        return from_clinic_clock(self.appointment_at.data)

    def minutes(self) -> int:
        return int(self.appointment_length.data)


class AppointmentForm(MoveForm):
    """A new appointment: when, how long, and what kind of visit."""

    appointment_kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(value, label) for value, label in KIND_LABELS.items()],
        default="consultation",
        validate_choice=False,
        validators=[
            InputRequired(_l("Choose the kind of appointment.")),
            AnyOf(list(KIND_LABELS), message=_l("Choose the kind of appointment from the list.")),
        ],
    )
