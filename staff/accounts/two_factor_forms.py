"""The forms of two-factor sign-in: the code at sign-in, the first code and the password
that turning it on asks for, and the password and code that turning it off or making new
recovery codes asks for."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length

from web.language import LocalizedForm

_CODE_HINT = _l("The 6-digit code your authenticator app shows now, or one of your recovery codes.")


def _code_field(label, hint=_CODE_HINT) -> StringField:
    return StringField(
        label,
        description=hint,
        validators=[InputRequired(_l("Enter the code.")), Length(max=32)],
    )


class SignInCodeForm(LocalizedForm):
    code = _code_field(_l("Code"))


def _password_field() -> PasswordField:
    return PasswordField(
        _l("Your password"), validators=[InputRequired(_l("Enter your password."))]
    )


class EnrolForm(LocalizedForm):
    """Turning it on: the first code, and the password (a session alone is not enough)."""

    code = _code_field(
        _l("The code your app shows"),
        _l("6 digits. A new one appears every 30 seconds: any current one will do."),
    )
    password = _password_field()


class ConfirmItsYouForm(LocalizedForm):
    """Before two-factor is turned off or new recovery codes are made: password and a code."""

    password = _password_field()
    code = _code_field(_l("Code"))
