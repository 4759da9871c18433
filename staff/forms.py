"""The console's forms. Each one carries Flask-WTF's CSRF token (the console is never framed)."""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from leads.models import STATUSES
from staff.passwords import PROBLEMS, password_problem
from web.language import LocalizedForm

STATUS_LABELS = {
    "new": _l("New"),
    "contacted": _l("Contacted"),
    "booked": _l("Booked"),
    "not_a_fit": _l("Not a fit"),
    "closed": _l("Closed"),
}

OUTCOME_LABELS = {
    "book_consultation": _l("Book consultation"),
    "clinician_review": _l("Clinician review"),
    "see_dermatologist": _l("See dermatologist"),
    "not_suitable_now": _l("Not suitable now"),
}

SOURCE_LABELS = {
    "site": _l("Website"),
    "embed": _l("Embedded on a site"),
    "staff_intake": _l("Phone intake"),
}


LARGEST_ID = 2**31 - 1  # the id columns' INTEGER: a larger number would be a database error

NOTIFICATION_KIND_LABELS = {
    "clinic_email": _l("Email to the clinic"),
    "confirmation_email": _l("Confirmation email to the person"),
    "webhook": _l("Webhook"),
}

NOTIFICATION_STATE_LABELS = {
    "pending": _l("Waiting to be sent"),
    "dead": _l("Gave up"),
}

ACTION_LABELS = {
    "view": _l("Viewed a lead"),
    "update": _l("Changed a status"),
    "note": _l("Added a note"),
    "export": _l("Exported CSV"),
    "delete": _l("Deleted a lead"),
    "purge": _l("Purged old leads"),
    "intake": _l("Phone intake"),
    "sign_in": _l("Signed in"),
    "sign_in_failed": _l("Failed sign-in"),
    "staff_change": _l("Changed staff"),
    "rules_sign_off": _l("Signed off rules"),
    "rules_sign_off_refused": _l("Rules sign-off refused"),
}


def _choices(any_label, labels: dict) -> list[SelectChoice]:
    return [SelectChoice("", any_label), *(SelectChoice(k, v) for k, v in labels.items())]


class SignInForm(LocalizedForm):
    email = EmailField(_l("Email"), validators=[InputRequired(_l("Enter your email."))])
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password."))])


class StatusForm(LocalizedForm):
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(value, STATUS_LABELS[value]) for value in STATUSES],
        validators=[InputRequired()],
    )


class NoteForm(LocalizedForm):
    text = TextAreaField(
        _l("Add a note"),
        validators=[
            InputRequired(_l("Write the note first.")),
            Length(max=4000, message=_l("A note must be 4000 characters or fewer.")),
        ],
    )


class LeadFilterForm(LocalizedForm):
    """The list's filters, read from the query string (GET, so no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("Name, email or phone"), validators=[Optional(), Length(max=100)])
    outcome = SelectField(
        _l("Outcome"),
        choices=_choices(_l("Any outcome"), OUTCOME_LABELS),
        validators=[Optional()],
    )
    status = SelectField(
        _l("Status"),
        choices=_choices(_l("Any status"), STATUS_LABELS),
        validators=[Optional()],
    )
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])


class AuditFilterForm(LocalizedForm):
    """The audit log's filters, read from the query string (GET, so no CSRF)."""

    class Meta:
        csrf = False

    who = StringField(_l("Staff email"), validators=[Optional(), Length(max=254)])
    action = SelectField(
        _l("Action"), choices=_choices(_l("Any action"), ACTION_LABELS), validators=[Optional()]
    )
    lead = IntegerField(
        _l("Lead number"), validators=[Optional(), NumberRange(min=1, max=LARGEST_ID)]
    )
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])


class StaffAddForm(LocalizedForm):
    email = EmailField(
        _l("Email"),
        validators=[
            InputRequired(_l("Enter an email.")),
            Email(_l("Enter an email like name@example.com."), check_deliverability=False),
        ],
    )
    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice("staff", _l("Staff")),
            SelectChoice("clinician", _l("Clinician (signs off the rules)")),
            SelectChoice("admin", _l("Admin")),
        ],
    )
    password = PasswordField(
        _l("First password (at least 12 characters)"),
        validators=[InputRequired(_l("Enter a first password."))],
    )

    def validate_password(self, field: PasswordField) -> None:
        problem = password_problem(field.data or "", (self.email.data, self.name.data))
        if problem:
            raise ValidationError(PROBLEMS[problem])


class ConfirmForm(LocalizedForm):
    """A button that changes something: carries only the CSRF token."""


class OneLine:
    """No line break or control character: a sign-off's name and registration are one line."""

    def __call__(self, form: LocalizedForm, field: StringField) -> None:
        if any(unicodedata.category(char).startswith("C") for char in field.data or ""):
            raise ValidationError(_l("Write this on one line, without special characters."))


class SignOffForm(LocalizedForm):
    """A clinician signs the deployed rule version off, confirming with their password."""

    sha256 = HiddenField()
    name = StringField(
        _l("Your name, as your registration shows it"),
        validators=[InputRequired(_l("Enter your name.")), Length(max=120), OneLine()],
    )
    registration = StringField(
        _l("Professional registration"),
        description=_l("The register and your number, for example GMC 1234567 or NMC 12A3456B."),
        validators=[
            InputRequired(_l("Enter your professional registration.")),
            Length(max=64),
            OneLine(),
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
