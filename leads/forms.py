"""The "ask the clinic to contact me" form, shared by the result page and phone intake.

Request-forgery protection rides on the sealed questionnaire token (the form
must work in a cross-site iframe where cookies are blocked), so Flask-WTF's
cookie-bound CSRF is off here.
"""

from __future__ import annotations

import unicodedata

import phonenumbers
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from leads.models import CONTACT_TIME_LABELS, CONTACT_TIMES, Contact
from web.language import LocalizedForm

# The order in which errors are listed, and the id each one links to.
FIELD_ANCHORS = {
    "name": "contact-name",
    "email": "contact-email",
    "phone": "contact-phone",
    "contact_time": "contact-time-0",
    "message": "contact-message",
    "consent": "contact-consent",
}
#: Where the error summary sends a person for an error of the whole form: its button.
SEND_ANCHOR = "contact-send"


def normalise_phone(text: str, region: str) -> str:
    """The number in E.164 (+15550100199), or ValueError when it is not a real number."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(str(exc)) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def example_numbers(region: str) -> tuple[str, str]:
    """A sample number of the clinic's region, written locally and internationally.

    The error message's example must be one the form accepts: a number without +
    is read in this region, so a UK example was refused on a US clinic's form.
    """
    number = phonenumbers.example_number(region) or phonenumbers.example_number("US")
    return (
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL),
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
    )


#: Characters that reorder the text around them: a name could show as something else.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Controls, surrogates, private-use and unassigned characters, and line/paragraph breaks.
NOT_PLAIN_CATEGORIES = frozenset({"Cc", "Cs", "Co", "Cn", "Zl", "Zp"})


def _not_plain(char: str) -> bool:
    """Joiners (U+200C, U+200D) stay allowed: names in Persian or Hindi need them."""
    return unicodedata.category(char) in NOT_PLAIN_CATEGORIES or char in BIDI_CONTROLS


class PlainLine:
    """One line of ordinary text: no line break, tab or other control character.

    A name goes into the console, the CSV export and the audit trail; a line break
    in it could start what looks like another field or header there.
    """

    def __call__(self, form: FlaskForm, field: Field) -> None:
        text = field.data or ""
        if any(_not_plain(char) for char in text):
            raise ValidationError(_("Your name can only be one line, without special characters."))


class PhoneNumber:
    """A real phone number of at most ``MAX_LENGTH`` characters, local or international."""

    MAX_LENGTH = 40

    def __call__(self, form: FlaskForm, field: Field) -> None:
        text = (field.data or "").strip()
        if not text:
            return
        region = current_app.config["PHONE_DEFAULT_REGION"]
        try:
            if len(text) > self.MAX_LENGTH:
                raise ValueError("too long")
            normalise_phone(text, region)
        except ValueError:
            local, international = example_numbers(region.upper())
            raise ValidationError(
                _(
                    "Enter a phone number, like %(local)s or %(international)s.",
                    local=local,
                    international=international,
                )
            ) from None


class ContactForm(LocalizedForm):
    class Meta:
        csrf = False

    name = StringField(
        _l("Your name"),
        validators=[
            InputRequired(_l("Enter your name.")),
            Length(max=120, message=_l("Your name must be 120 characters or fewer.")),
            PlainLine(),
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )
    email = StringField(
        _l("Email address"),
        validators=[
            Optional(),
            Length(max=254, message=_l("The email address must be 254 characters or fewer.")),
            Email(
                message=_l("Enter an email address like name@example.com."),
                check_deliverability=False,
            ),
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )
    phone = StringField(
        _l("Phone number"),
        validators=[
            Optional(),
            PhoneNumber(),
        ],
    )
    contact_time = RadioField(
        _l("If we call you, when suits you best?"),
        choices=[SelectChoice(value, CONTACT_TIME_LABELS[value]) for value in CONTACT_TIMES],
        default="any",
        validators=[InputRequired(_l("Choose when a call suits you best."))],
    )
    message = TextAreaField(
        _l("Anything you'd like to tell us (optional)"),
        validators=[
            Optional(),
            Length(max=1000, message=_l("Your message must be 1000 characters or fewer.")),
        ],
    )
    consent = BooleanField(
        validators=[InputRequired(_l("Tick the box to agree, or we can't keep your request."))]
    )
    #: The spam trap (leads/spam.py): hidden from people, filled in by form-filling robots.
    website = StringField(_l("Leave this field empty"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        no_errors = not self.email.errors and not self.phone.errors
        if (
            no_errors
            and not (self.email.data or "").strip()
            and not (self.phone.data or "").strip()
        ):
            self.email.errors = [
                *self.email.errors,
                _l("Enter an email address or a phone number, so we can reach you."),
            ]
            valid = False
        return valid

    def phone_e164(self) -> str:
        text = (self.phone.data or "").strip()
        if not text:
            return ""
        return normalise_phone(text, current_app.config["PHONE_DEFAULT_REGION"])

    def contact(self) -> Contact:
        """The validated contact details, as the capture service stores them."""
        return Contact(
            name=self.name.data,
            email=self.email.data or "",
            phone=self.phone_e164(),
            contact_time=self.contact_time.data,
            message=(self.message.data or "").strip(),
        )

    def too_quick(self) -> None:
        """Sent sooner after the questionnaire began than a person can (leads/spam.py)."""
        self.form_errors.append(
            _l(
                "You were quicker than we expected, so your request has not been sent yet. "
                "Please check your details and send it again."
            )
        )

    def error_summary(self) -> list[tuple[str, str]]:
        return [
            (anchor, str(message))
            for name, anchor in FIELD_ANCHORS.items()
            for message in self[name].errors
        ] + [(SEND_ANCHOR, str(message)) for message in self.form_errors]
