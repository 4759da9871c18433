"""The data request's forms: who the request is about, and the erasure's confirmation.

The search form's two fields travel on, as hidden fields, to the export and the
erasure (POST bodies, never a URL: an address ends up in logs and histories).
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Field, HiddenField, StringField
from wtforms.validators import Length, Optional, Regexp, ValidationError

from leads.service import Person, phone_examples, search_phone
from staff.console.forms import LARGEST_ID
from web.language import LocalizedForm


def _stripped(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class SearchPhone:
    """A number the search can read, in any usual way of writing it."""

    def __call__(self, form: LocalizedForm, field: Field) -> None:
        try:
            search_phone(field.data or "")
        except ValueError:
            local, international = phone_examples()
            raise ValidationError(
                _(
                    "Enter a phone number, like %(local)s or %(international)s.",
                    local=local,
                    international=international,
                )
            ) from None


class DataRequestForm(LocalizedForm):
    email = StringField(
        _l("Email address"),
        validators=[
            Optional(),
            Length(max=254, message=_l("The email address must be 254 characters or fewer.")),
            # Not Email(): the search must find any address stored, however unusual.
            Regexp(
                r"^[^@\s]+@[^@\s]+$", message=_l("Enter an email address like name@example.com.")
            ),
        ],
        filters=[_stripped],
    )
    phone = StringField(_l("Phone number"), validators=[Optional(), SearchPhone()])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not self.email.data and not (self.phone.data or "").strip():
            self.email.errors = [
                _l("Enter the person’s email address or phone number, or both."),
            ]
            valid = False
        return valid

    def person(self) -> Person:
        """Who to look for (only after ``validate``)."""
        return Person.of(email=self.email.data or "", phone=self.phone.data or "")


class EraseForm(DataRequestForm):
    """The confirmation's button: the search again, and the lead numbers it showed."""

    leads = HiddenField()

    def validate_leads(self, field: HiddenField) -> None:
        try:
            ids = [int(part) for part in (field.data or "").split(",")]
        except ValueError:
            raise ValidationError("not lead numbers") from None
        if not ids or any(not 1 <= lead_id <= LARGEST_ID for lead_id in ids):
            raise ValidationError("not lead numbers")

    def lead_ids(self) -> set[int]:
        return {int(part) for part in self.leads.data.split(",")}
