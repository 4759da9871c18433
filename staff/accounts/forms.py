"""The forms of account editing and passwords: an admin's edit of a colleague, your own
password change, and the page a set-password link opens."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional, ValidationError

from staff.accounts.passwords import PROBLEMS, password_problem
from staff.console.forms import OneLine
from staff.console.labels import ROLE_LABELS
from staff.models import ROLES
from web.language import LANGUAGE_NAMES, LocalizedForm


class SignInForm(LocalizedForm):
    email = EmailField(_l("Email"), validators=[InputRequired(_l("Enter your email."))])
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password."))])


def staff_name_field() -> StringField:
    """A colleague's name, as an admin types it when adding or editing an account."""
    return StringField(
        _l("Name"),
        validators=[
            InputRequired(_l("Enter their name.")),
            Length(max=120, message=_l("A name must be 120 characters or fewer.")),
            OneLine(),
        ],
    )


class StaffAddForm(LocalizedForm):
    email = EmailField(
        _l("Email"),
        validators=[
            InputRequired(_l("Enter an email.")),
            Email(_l("Enter an email like name@example.com."), check_deliverability=False),
        ],
    )
    name = staff_name_field()
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice("staff", ROLE_LABELS["staff"]),
            SelectChoice("clinician", _l("Clinician (signs off the rules)")),
            SelectChoice("admin", ROLE_LABELS["admin"]),
        ],
    )
    password = PasswordField(
        _l("First password (at least 12 characters)"),
        description=_l(
            "They choose their own at their first sign-in. Leave it empty to send them a "
            "set-password link instead."
        ),
        # Only an empty field is "no password": twelve spaces are a (refused) password.
        validators=[Optional(strip_whitespace=False)],
    )

    def validate_password(self, field: PasswordField) -> None:
        problem = password_problem(field.data or "", (self.email.data, self.name.data))
        if problem:
            raise ValidationError(PROBLEMS[problem])


class StaffEditForm(LocalizedForm):
    """What an admin may change of an account: its name, role, state and permissions."""

    name = staff_name_field()
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(role, ROLE_LABELS[role]) for role in ROLES],
        validators=[InputRequired(_l("Choose a role."))],
    )
    active = BooleanField(_l("Active: may sign in"))
    can_export = BooleanField(_l("May export leads as CSV"))
    can_delete = BooleanField(_l("May delete a person’s data"))
    email_lang = SelectField(
        _l("Language of their emails"),
        description=_l(
            "Their set-password emails are written in it. It follows the console’s language "
            "each time they sign in."
        ),
        choices=[SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()],
        validators=[Optional()],  # not sent (an older page): left as it is
    )


class NewPasswordForm(LocalizedForm):
    """A new password, typed twice, checked for strength against the account's own words."""

    #: The account's email and name: a password made of them is among the first tried.
    personal: tuple[str, ...] = ()

    new_password = PasswordField(
        _l("New password (at least 12 characters)"),
        validators=[InputRequired(_l("Enter a new password."))],
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            InputRequired(_l("Enter the new password again.")),
            EqualTo("new_password", _l("The two new passwords are not the same.")),
        ],
    )

    def validate_new_password(self, field: PasswordField) -> None:
        problem = password_problem(field.data or "", self.personal)
        if problem:
            raise ValidationError(PROBLEMS[problem])


class PasswordChangeForm(NewPasswordForm):
    """Your own password: the current one first, so a browser left open changes nothing."""

    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(_l("Enter your current password."))],
    )
