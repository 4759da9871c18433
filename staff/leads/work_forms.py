"""The forms a coordinator works a lead with: record a call, assign it, set its follow-up,
correct a note.

Each field has a name of its own (``call_status``, ``follow_up_at``…), because the
lead page shows every one of these forms at once and an id may appear only once.
A follow-up is typed as the clinic's wall-clock time (``datetime-local``) and
read with ``core.clinic_time``; quick choices ("tomorrow at 9:00") are submit
buttons' values, so they work without JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import DateTimeLocalField, Field, RadioField, SelectChoice, StringField
from wtforms.validators import AnyOf, InputRequired, Optional, ValidationError

from core.clinic_time import clinic_now, from_clinic_clock
from core.dbtypes import utcnow
from core.extensions import db
from leads.models import CALL_OUTCOMES
from staff.console.forms import LARGEST_ID, note_text_field, status_field
from staff.console.labels import CALL_OUTCOME_LABELS
from staff.models import StaffUser
from web.language import LocalizedForm

#: The quick follow-up: the clinic's next day at this time.
TOMORROW_AT = time(9, 0)
#: How far ahead a follow-up may be set: a typo like 2205 is refused, not stored.
FURTHEST_AHEAD = timedelta(days=2 * 366)
#: Grace for "now": a datetime-local has whole minutes, so this minute is not the past.
THIS_MINUTE = timedelta(minutes=1)


def tomorrow_morning() -> datetime:
    """The quick follow-up's moment (UTC): 9:00 on the clinic's next day."""
    return morning_in(1)


def morning_in(days: int) -> datetime:
    """9:00 on the clinic's day this many days from today, as the UTC moment it is."""
    return from_clinic_clock(
        datetime.combine(clinic_now().date() + timedelta(days=days), TOMORROW_AT)
    )


def in_two_hours() -> datetime:
    """Two hours from now, to the next whole minute (a follow-up has minutes, no seconds)."""
    later = utcnow() + timedelta(hours=2)
    return later.replace(second=0, microsecond=0) + timedelta(minutes=1)


#: The call form's quick follow-ups, each computed in the clinic's time zone when sent.
SHORTCUTS: dict[str, Callable[[], datetime]] = {
    "2h": in_two_hours,
    "tomorrow": tomorrow_morning,
    "3d": lambda: morning_in(3),
    "week": lambda: morning_in(7),
}
SHORTCUT_LABELS = {
    "2h": _l("In 2 hours"),
    "tomorrow": _l("Tomorrow morning"),
    "3d": _l("In 3 days"),
    "week": _l("Next week"),
}


class ComingClinicTime:
    """A typed wall-clock time from now on in the clinic, and not years away."""

    def __call__(self, form: LocalizedForm, field: Field) -> None:
        if field.data is None:
            return
        now = clinic_now().replace(tzinfo=None)
        if field.data < now - THIS_MINUTE:
            raise ValidationError(_l("Choose a time from now on: that one has passed."))
        if field.data > now + FURTHEST_AHEAD:
            raise ValidationError(_l("Choose a time within the next two years."))


def follow_up_field(label: str | LazyString) -> DateTimeLocalField:
    return DateTimeLocalField(
        label,
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        invalid_value_message=_l("Enter the date and time, like 2025-03-14 09:00."),
        validators=[Optional(), ComingClinicTime()],
    )


def follow_up_moment(field: DateTimeLocalField) -> datetime | None:
    """The UTC moment a validated follow-up field means, or None when it was left empty."""
    return from_clinic_clock(field.data) if field.data else None


class WorkForm(LocalizedForm):
    """A form of the lead page: the blueprint checks the one CSRF token every POST carries."""

    class Meta:
        csrf = False


class CallForm(WorkForm):
    """One call, recorded at once: how it went, a note, the new status and the next try."""

    call_outcome = RadioField(
        _l("How did the call go?"),
        choices=[SelectChoice(value, label) for value, label in CALL_OUTCOME_LABELS.items()],
        validate_choice=False,  # AnyOf says it in the console's words, once
        validators=[
            InputRequired(_l("Choose how the call went.")),
            AnyOf(CALL_OUTCOMES, message=_l("Choose how the call went.")),
        ],
    )
    call_note = note_text_field(_l("Note (optional)"), required=False)
    call_status = status_field(_l("Status after the call"))
    call_follow_up = follow_up_field(_l("At this time (clinic time)"))
    # The next follow-up: a shortcut ("2h", "tomorrow", "3d", "week"), or "" for the
    # time typed in call_follow_up (none when it is empty).
    call_then = StringField(
        validators=[Optional(), AnyOf(tuple(SHORTCUTS), message=_l("Choose a follow-up time."))]
    )

    # "Save and next call" (a lead opened from the call list): open the next call after.
    call_next = StringField(validators=[Optional(), AnyOf(("1",), message=_l("Choose a button."))])

    #: The lead's coming follow-up the page offered in call_follow_up (set by the view).
    offered: datetime | None = None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        typed = follow_up_moment(self.call_follow_up) if valid else None
        if valid and self.call_then.data and typed is not None and typed != self.offered:
            # Without JavaScript a typed time does not choose its option: ask, never guess.
            self.call_then.errors.append(
                _l("You typed a time and chose a quick follow-up: choose one of the two.")
            )
            return False
        return valid

    def follow_up(self) -> datetime | None:
        if self.call_then.data in SHORTCUTS:
            return SHORTCUTS[self.call_then.data]()
        return follow_up_moment(self.call_follow_up)


class FollowUpForm(WorkForm):
    """Set (typed, or tomorrow morning) or clear the lead's next follow-up on its own."""

    follow_up_at = follow_up_field(_l("Next follow-up"))
    # Which button: "" (save the typed time), "tomorrow" or "clear".
    follow_up_then = StringField(
        validators=[
            Optional(),
            AnyOf(("tomorrow", "clear"), message=_l("Choose a follow-up time.")),
        ]
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not self.follow_up_then.data and self.follow_up_at.data is None:
            # Saved empty: neither a time nor "clear" was meant, so nothing is guessed.
            self.follow_up_at.errors.append(
                _l("Enter when to follow up, or choose “Clear the follow-up”.")
            )
            return False
        return valid

    def follow_up(self) -> datetime | None:
        if self.follow_up_then.data == "clear":
            return None
        if self.follow_up_then.data == "tomorrow":
            return tomorrow_morning()
        return follow_up_moment(self.follow_up_at)


def active_staff() -> list[StaffUser]:
    """Who a lead can be given to: every active account, by name."""
    query = select(StaffUser).where(StaffUser.active.is_(True))
    return sorted(db.session.scalars(query), key=lambda user: user.display_name.casefold())


#: The assignee select's value for "nobody".
UNASSIGNED = "none"


class AssignForm(WorkForm):
    """Give the lead to an active member of staff (their id), or to nobody (UNASSIGNED)."""

    assignee = StringField(_l("Assigned to"))
    assignee_user: StaffUser | None = None  # who, once validated

    def validate_assignee(self, field: StringField) -> None:
        value = (field.data or "").strip()
        if value == UNASSIGNED:
            self.assignee_user = None
            return
        user = None
        if value.isdigit() and int(value) <= LARGEST_ID:
            user = db.session.get(StaffUser, int(value))
        if user is None or not user.active:
            raise ValidationError(_l("Choose a member of staff from the list, or “Unassigned”."))
        self.assignee_user = user


class NoteEditForm(WorkForm):
    """A note's author corrects its words; the earlier words stay on the lead."""

    text = note_text_field(_l("Correct the note"), id="edit-note-text")
