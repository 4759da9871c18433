"""The rule book's forms: a clinician signs a version off, or withdraws a sign-off."""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from signoff.registration import RegistrationRefused, checked
from staff.console.forms import OneLine
from web.language import LocalizedForm


class RegistrationShape:
    """The registration has its register's shape (signoff/registration.py); the refusal
    names the shape expected."""

    def __call__(self, form: LocalizedForm, field: StringField) -> None:
        try:
            checked(field.data or "")
        except RegistrationRefused as refusal:
            raise ValidationError(str(refusal)) from None


class SignOffForm(LocalizedForm):
    """A clinician signs the deployed rule version off, confirming with their password.

    It asks for no name: the sign-off records the account's, which an admin sets."""

    sha256 = HiddenField()
    registration = StringField(
        _l("Professional registration"),
        validators=[
            InputRequired(_l("Enter your professional registration.")),
            Length(max=64),
            OneLine(),
            RegistrationShape(),
        ],
    )
    reviewed = BooleanField(
        _l(
            "I have reviewed this version's rule book, its changes and their effect on stored "
            "leads, and I sign it off for patients."
        ),
        validators=[InputRequired(_l("Confirm that you have reviewed this version."))],
    )
    password = PasswordField(
        _l("Your password, to confirm it is you"),
        validators=[InputRequired(_l("Enter your password."))],
    )


WITHDRAW_REASON_MAX = 500  # characters: a few sentences about the rules


def _paragraphs(value: str | None) -> str | None:
    """Typed text with the browser's CRLF line breaks as one character each, trimmed."""
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


class PlainText:
    """No control character but line breaks and tabs (a NUL would also be a database error)."""

    def __call__(self, form: LocalizedForm, field: TextAreaField) -> None:
        for char in field.data or "":
            if char not in "\n\t" and unicodedata.category(char).startswith("C"):
                raise ValidationError(_l("Write this without special characters."))


class WithdrawForm(LocalizedForm):
    """A clinician withdraws a sign-off, saying why, confirming with their password."""

    sha256 = HiddenField()
    reason = TextAreaField(
        _l("Why you are withdrawing it"),
        description=_l(
            "Up to %(max)d characters, about the rules only (name no patient): it is kept "
            "with the sign-off and in the audit log.",
            max=WITHDRAW_REASON_MAX,
        ),
        filters=[_paragraphs],
        validators=[
            DataRequired(_l("Say why you are withdrawing this sign-off.")),
            Length(
                max=WITHDRAW_REASON_MAX,
                message=_l(
                    "A reason must be %(max)d characters or fewer.", max=WITHDRAW_REASON_MAX
                ),
            ),
            PlainText(),
        ],
    )
    password = PasswordField(
        _l("Your password, to confirm it is you"),
        validators=[InputRequired(_l("Enter your password."))],
    )
