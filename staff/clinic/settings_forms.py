"""The clinic settings form: its switches and text settings, each checked before it is saved.

A setting missing from the posted form keeps its saved value (a form posted by
an older page or a script that knows only the switches changes only them); a
setting sent empty or wrong is an error naming what to enter.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Field, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from core.booking_tool import is_https_address, unknown_placeholders
from core.clinic_time import zone_names
from staff.console.labels import FLAG_LABELS
from web.language import LocalizedForm

#: Each text setting's words: its label here, and in the audit log's sentences.
TEXT_LABELS = {
    "time_zone": _l("Clinic time zone"),
    "untouched_hours": _l("New leads count as untouched after (hours)"),
    "reminder_hours": _l("Send appointment reminders before the appointment (hours)"),
    "booking_tool_url": _l("Booking tool address"),
    "audit_sample_clinician_review": _l("Audit sample of “Clinician review” leads (%)"),
    "audit_sample_see_dermatologist": _l("Audit sample of “See dermatologist” leads (%)"),
    "audit_sample_not_suitable_now": _l("Audit sample of “Not suitable now” leads (%)"),
    "clinical_lead_email": _l("Clinical lead’s email (told of every missed concern)"),
}

#: Offered as suggestions in the time zone field (any IANA zone may be typed).
COMMON_ZONES = (
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Madrid",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Rome",
    "Europe/Amsterdam",
    "Europe/Brussels",
    "Europe/Zurich",
    "Europe/Stockholm",
    "Europe/Warsaw",
    "Europe/Athens",
    "Europe/Istanbul",
    "Atlantic/Canary",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Toronto",
    "America/Vancouver",
    "America/Mexico_City",
    "America/Bogota",
    "America/Lima",
    "America/Santiago",
    "America/Argentina/Buenos_Aires",
    "America/Sao_Paulo",
    "Africa/Johannesburg",
    "Africa/Lagos",
    "Africa/Cairo",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Hong_Kong",
    "Asia/Tokyo",
    "Asia/Seoul",
    "Australia/Perth",
    "Australia/Brisbane",
    "Australia/Sydney",
    "Australia/Melbourne",
    "Pacific/Auckland",
    "UTC",
)

_ZONE_BY_LOWER_NAME: dict[str, str] = {}


def canonical_zone(typed: str) -> str | None:
    """The zone's exact name, however it was capitalised ("europe/london"), or None."""
    if not _ZONE_BY_LOWER_NAME:
        _ZONE_BY_LOWER_NAME.update({name.lower(): name for name in zone_names()})
    return _ZONE_BY_LOWER_NAME.get(typed.strip().replace(" ", "_").lower())


class ClinicZone:
    """An IANA time zone name; the field's data becomes its exact spelling."""

    def __call__(self, form: LocalizedForm, field: Field) -> None:
        zone = canonical_zone(field.data or "")
        if zone is None:
            raise ValidationError(
                _l(
                    "Enter a time zone by its IANA name, such as Europe/London, "
                    "America/New_York or Australia/Sydney."
                )
            )
        field.data = zone


_WHOLE_NUMBER = re.compile(r"[0-9]{1,6}", re.ASCII)


class WholeHours:
    """A whole number of hours from 1 to ``most``; the field's data becomes its digits."""

    def __init__(self, most: int) -> None:
        self.most = most

    def __call__(self, form: LocalizedForm, field: Field) -> None:
        typed = (field.data or "").strip()
        if not _WHOLE_NUMBER.fullmatch(typed) or not 1 <= int(typed) <= self.most:
            raise ValidationError(
                _l("Enter a whole number of hours from 1 to %(most)d.", most=self.most)
            )
        field.data = str(int(typed))


class BookingToolAddress:
    """Empty, or an https:// address whose only {…} are the person's details."""

    def __call__(self, form: LocalizedForm, field: Field) -> None:
        address = (field.data or "").strip()
        field.data = address
        if not address:
            return
        if not is_https_address(address):
            raise ValidationError(
                _l(
                    "Enter the booking page's full address, starting with https:// "
                    "(or leave it empty)."
                )
            )
        unknown = unknown_placeholders(address)
        if unknown:
            raise ValidationError(
                _l(
                    "The address can only fill in {name}, {email} and {phone}; remove %(unknown)s.",
                    unknown=" ".join(unknown),
                )
            )


class WholePercent:
    """A whole percentage from 0 to 100; the field's data becomes its digits."""

    def __call__(self, form: LocalizedForm, field: Field) -> None:
        typed = (field.data or "").strip()
        if not _WHOLE_NUMBER.fullmatch(typed) or int(typed) > 100:
            raise ValidationError(_l("Enter a whole percentage from 0 to 100."))
        field.data = str(int(typed))


def percent_field(key: str) -> StringField:
    """The share of an outcome's leads drawn into the audit sample (leads/audit_sample.py)."""
    return StringField(
        TEXT_LABELS[key],
        description=_l(
            "Drawn at random when the lead is stored; the front desk offers these people a "
            "free clinician review, so the scorecard can correct for who was examined. 0: none."
        ),
        validators=[InputRequired(_l("Enter a whole percentage from 0 to 100.")), WholePercent()],
    )


def hours_field(key: str, most: int, description: str) -> StringField:
    """A whole number of hours, required (an empty box is not \"the default\")."""
    return StringField(
        TEXT_LABELS[key],
        description=description,
        validators=[
            InputRequired(_l("Enter a whole number of hours from 1 to %(most)d.", most=most)),
            WholeHours(most),
        ],
    )


class SettingsForm(LocalizedForm):
    require_two_factor = BooleanField(
        FLAG_LABELS["require_two_factor"],
        description=_l(
            "Everyone without it is asked to set it up before they can use the console."
        ),
    )
    webhook_contact_details = BooleanField(
        FLAG_LABELS["webhook_contact_details"],
        description=_l(
            "Name, email and phone go to the webhook's address with each lead. Only turn "
            "this on if that system may hold health-related personal data."
        ),
    )
    time_zone = StringField(
        TEXT_LABELS["time_zone"],
        description=_l(
            "Every time in the console, its exports and its emails is shown in this zone. "
            "Type the city's zone, such as Europe/London or America/New_York."
        ),
        validators=[
            InputRequired(
                _l("Enter the clinic's time zone, such as Europe/London or America/New_York.")
            ),
            Length(max=64, message=_l("A time zone name is 64 characters or fewer.")),
            ClinicZone(),
        ],
    )
    untouched_hours = hours_field(
        "untouched_hours",
        720,
        _l(
            "A new lead nobody has contacted for longer than this stands out in the list. "
            "A whole number from 1 to 720 (30 days)."
        ),
    )
    reminder_hours = hours_field(
        "reminder_hours",
        168,
        _l(
            "How long before an appointment the person is emailed a reminder. "
            "A whole number from 1 to 168 (a week)."
        ),
    )
    booking_tool_url = StringField(
        TEXT_LABELS["booking_tool_url"],
        description=_l(
            "For clinics that book in another tool: the lead's page links to it with the "
            "person's details filled in. Leave it empty if you book in this console."
        ),
        validators=[
            Length(max=255, message=_l("The address must be 255 characters or fewer.")),
            BookingToolAddress(),
        ],
    )
    audit_sample_clinician_review = percent_field("audit_sample_clinician_review")
    audit_sample_see_dermatologist = percent_field("audit_sample_see_dermatologist")
    audit_sample_not_suitable_now = percent_field("audit_sample_not_suitable_now")
    clinical_lead_email = StringField(
        TEXT_LABELS["clinical_lead_email"],
        description=_l("A clinician account’s email. Left empty, every active clinician is told."),
        validators=[Length(max=254, message=_l("An email is 254 characters or fewer."))],
        filters=[lambda value: (value or "").strip().lower()],
    )
