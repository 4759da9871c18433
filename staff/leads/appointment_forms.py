"""The lead page's appointment forms: book one (time, length, kind), or move one (time, length).

The time is the clinic's wall clock (``datetime-local``), read and checked as the
follow-up's is (staff/leads/work_forms.py). Lengths and kinds are codes chosen
from a list; anything else is named as an error, never stored. The field names
are the lead page's own (``appointment_at``…); each Move form has a prefix
("move-<id>-"), so every field on the page has an id of its own.

``BookingCallForm`` is the call form with the booking in it (``call_appointment_*``):
the outcome "Booked" (or the status "Booked") books the appointment with the call,
so "booked" never stands without one; its time is then required, and a time typed
for any other outcome is named as an error rather than dropped.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from wtforms import DateTimeLocalField, SelectChoice, SelectField
from wtforms.validators import AnyOf, InputRequired, Optional

from core.clinic_time import from_clinic_clock
from leads.appointments import DEFAULT_DURATION, DURATIONS, KIND_LABELS
from staff.leads.work_forms import CallForm, ComingClinicTime, WorkForm

LENGTH_LABELS = {
    str(minutes): lazy_ngettext("%(num)d minute", "%(num)d minutes", minutes)
    for minutes in DURATIONS
}


NEEDS_TIME = _l("Enter the date and time of the appointment.")


def _time_field(required: bool = True) -> DateTimeLocalField:
    return DateTimeLocalField(
        _l("Date and time"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        invalid_value_message=_l("Enter the date and time, like 2025-03-14 09:00."),
        validators=[InputRequired(NEEDS_TIME) if required else Optional(), ComingClinicTime()],
    )


def _length_field(required: bool = True) -> SelectField:
    """Required on the appointment forms; on the call form, left out means the default."""
    choose = _l("Choose a length from the list.")
    return SelectField(
        _l("Length"),
        choices=[SelectChoice(value, label) for value, label in LENGTH_LABELS.items()],
        default=str(DEFAULT_DURATION),
        validate_choice=False,  # AnyOf says it in the console's words, once
        validators=[
            InputRequired(choose) if required else Optional(),
            AnyOf(list(LENGTH_LABELS), message=choose),
        ],
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


def _kind_field(required: bool = True) -> SelectField:
    return SelectField(
        _l("Kind"),
        choices=[SelectChoice(value, label) for value, label in KIND_LABELS.items()],
        default="consultation",
        validate_choice=False,
        validators=[
            InputRequired(_l("Choose the kind of appointment.")) if required else Optional(),
            AnyOf(list(KIND_LABELS), message=_l("Choose the kind of appointment from the list.")),
        ],
    )


class AppointmentForm(MoveForm):
    """A new appointment: when, how long, and what kind of visit."""

    appointment_kind = _kind_field()


BOOKED = "booked"


class BookingCallForm(CallForm):
    """The call form with the booking in it: "Booked" books the appointment with the call."""

    call_appointment_kind = _kind_field(required=False)
    call_appointment_at = _time_field(required=False)
    call_appointment_length = _length_field(required=False)

    def books(self) -> bool:
        """Whether this call books an appointment: the outcome or the status "Booked"."""
        return BOOKED in (self.call_outcome.data, self.call_status.data)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        typed = self.call_appointment_at.data is not None
        if self.books() and not typed and not self.call_appointment_at.errors:
            self.call_appointment_at.errors = [NEEDS_TIME]
            return False
        if valid and typed and not self.books():
            self.call_appointment_at.errors = [
                _l("You typed an appointment time: choose “Booked” to book it, or clear the time.")
            ]
            return False
        return valid and not self.call_appointment_at.errors

    def starts_at(self) -> datetime:
        """The UTC moment the validated appointment time means."""
        return from_clinic_clock(self.call_appointment_at.data)

    def minutes(self) -> int:
        return int(self.call_appointment_length.data)
