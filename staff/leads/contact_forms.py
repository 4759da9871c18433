"""A person's contact details as staff type them: during a phone call, or to correct them.

Both forms are the patient's contact form (leads' ``ContactForm``) with its
validation unchanged (the same name rules, email check and phone number read
into E.164), but labelled and worded for the member of staff: "Ask for the
caller's name", not "Enter your name". The words are chosen by what is wrong (a
field left empty, or a value refused), not by matching the patient's sentences,
so a reworded patient message never leaks into the console.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from leads.service import ContactForm


@dataclass(frozen=True)
class Wording:
    """A staff contact form's labels and messages."""

    no_way_to_reach: LazyString  # neither a phone number nor an email
    labels: Mapping[str, LazyString] = field(default_factory=dict)
    missing: Mapping[str, LazyString] = field(default_factory=dict)  # a required field empty
    refused: Mapping[str, LazyString] = field(default_factory=dict)  # instead of the patient's


def _empty(data: object) -> bool:
    return not data or (isinstance(data, str) and not data.strip())


class _StaffContactForm(ContactForm):
    """The contact form with staff's labels and messages (see the subclasses)."""

    website = None  # the spam trap is for robots on the public form, not for staff

    #: The fields in the order the page shows them (and the error summary lists them).
    ORDER: tuple[str, ...] = ("name", "phone", "email", "contact_time", "message", "consent")
    WORDING: Wording

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, text in self.WORDING.labels.items():
            self[name].label.text = str(text)

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        for name in self.ORDER:
            field = self._fields.get(name)
            if field is None or not field.errors:
                continue
            if _empty(field.data) and name in self.WORDING.missing:
                field.errors = [self.WORDING.missing[name]]
            elif name in self.WORDING.refused:
                field.errors = [self.WORDING.refused[name]]
        if _empty(self.email.data) and _empty(self.phone.data):
            self.email.errors = []
            self.phone.errors = [self.WORDING.no_way_to_reach]
        return not any(field.errors for field in self)

    def error_summary(self) -> list[tuple[str, str]]:
        """(the id to link to, message) for every error, in the page's order."""
        summary = []
        for name in self.ORDER:
            field = self._fields.get(name)
            if field is None:
                continue
            anchor = f"{field.id}-0" if name == "contact_time" else field.id
            summary += [(anchor, str(message)) for message in field.errors]
        return summary


_NAME_REFUSED = _l("Write the name on one line, in 120 characters or fewer.")
_CONSENT_MISSING = _l("Confirm the caller agreed to the clinic keeping their details.")


class IntakeContactForm(_StaffContactForm):
    """The caller's details, taken first on a phone intake, with consent given on the phone."""

    WORDING = Wording(
        no_way_to_reach=_l("Ask for the caller’s phone number or email."),
        labels={
            "name": _l("Caller’s name"),
            "phone": _l("Phone number"),
            "email": _l("Email address"),
            "contact_time": _l("When does a call suit them best?"),
            "message": _l("Anything they want the clinic to know (optional)"),
            "consent": _l("The caller agreed, after I read this out to them"),
        },
        missing={
            "name": _l("Ask for the caller’s name."),
            "contact_time": _l("Ask when a call suits the caller best."),
            "consent": _CONSENT_MISSING,
        },
        refused={
            "name": _NAME_REFUSED,
            "message": _l("The message must be 1000 characters or fewer."),
            "consent": _CONSENT_MISSING,
        },
    )


class ContactCorrectionForm(_StaffContactForm):
    """A lead's name, email, phone and best time, as staff correct them."""

    message = None  # what the person wrote is theirs: not corrected here
    consent = None  # given once, with the lead

    WORDING = Wording(
        no_way_to_reach=_l("Give an email address or a phone number: the clinic needs one."),
        labels={
            "name": _l("Name"),
            "phone": _l("Phone number"),
            "email": _l("Email address"),
            "contact_time": _l("Best time to call"),
        },
        missing={
            "name": _l("Enter the person’s name."),
            "contact_time": _l("Choose when a call suits them best."),
        },
        refused={"name": _NAME_REFUSED},
    )

    def corrected(self) -> dict[str, str]:
        """The validated values, as a lead stores them (the phone in E.164)."""
        return {
            "name": self.name.data,
            "email": self.email.data or "",
            "phone": self.phone_e164(),
            "contact_time": self.contact_time.data,
        }
