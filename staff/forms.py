"""The console's forms. Each one carries Flask-WTF's CSRF token (the console is never framed)."""

from __future__ import annotations

import unicodedata

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
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
    AnyOf,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from core.extensions import db
from leads.models import STATUSES
from staff.models import StaffUser
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

#: The list's status filter: the statuses, plus new leads nobody has worked on yet and
#: duplicates merged into another lead (hidden from every other view of the list).
LIST_STATUS_LABELS = {
    "new": STATUS_LABELS["new"],
    "untouched": _l("New and untouched"),
    **{status: label for status, label in STATUS_LABELS.items() if status != "new"},
    "merged": _l("Merged into another lead"),
}

#: The list's follow-up filter (clinic days).
FOLLOW_UP_LABELS = {
    "today": _l("Due today"),
    "overdue": _l("Overdue"),
    "none": _l("None set"),
}

#: The assignee filter's fixed choices (each active member of staff follows them).
ASSIGNED_LABELS = {
    "me": _l("Me"),
    "none": _l("Unassigned"),
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
    "staff_password_link": _l("Set-password link to a member of staff"),
    "appointment_confirmation": _l("Appointment confirmation to the person"),
    "appointment_reminder": _l("Appointment reminder to the person"),
    "appointment_cancellation": _l("Appointment cancellation to the person"),
}

#: What people see for each role ("staff" is the front desk).
ROLE_LABELS = {
    "staff": _l("Front desk"),
    "clinician": _l("Clinician"),
    "admin": _l("Admin"),
}

NOTIFICATION_STATE_LABELS = {
    "pending": _l("Waiting to be sent"),
    "dead": _l("Gave up"),
}

ACTION_LABELS = {
    "view": _l("Viewed a lead"),
    "update": _l("Changed a status"),
    "note": _l("Added a note"),
    "export": _l("Exported leads"),
    "delete": _l("Deleted a lead"),
    "purge": _l("Purged old leads"),
    "intake": _l("Phone intake"),
    "sign_in": _l("Signed in"),
    "sign_in_failed": _l("Failed sign-in"),
    "staff_change": _l("Changed staff"),
    "rules_sign_off": _l("Signed off rules"),
    "rules_sign_off_refused": _l("Rules sign-off refused"),
    "rules_sign_off_withdrawn": _l("Withdrew a rules sign-off"),
    "two_factor": _l("Two-factor sign-in"),
    "password_change": _l("Changed a password"),
    "password_link": _l("Issued a set-password link"),
    "settings_change": _l("Changed a clinic setting"),
    "api_token": _l("Changed an API token"),
    "api_read": _l("Read leads through the API"),
    "api_update": _l("Changed a status through the API"),
    "data_request": _l("Searched a person's data"),
    "data_export": _l("Exported a person's data"),
    "erase": _l("Erased a person's data"),
    "assign": _l("Assigned a lead"),
    "follow_up": _l("Set a follow-up"),
    "call": _l("Recorded a call"),
    "note_edit": _l("Corrected a note"),
    "contact_change": _l("Corrected contact details"),
    "merge": _l("Merged leads"),
    "appointment": _l("Changed an appointment"),
}


def _choices(any_label, labels: dict) -> list[SelectChoice]:
    return [SelectChoice("", any_label), *(SelectChoice(k, v) for k, v in labels.items())]


class SignInForm(LocalizedForm):
    email = EmailField(_l("Email"), validators=[InputRequired(_l("Enter your email."))])
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password."))])


NOTE_MAX = 4000  # characters: a note is a few lines about a call, never a document


def status_field(label: str | LazyString) -> SelectField:
    """One of the lead statuses, in the pipeline's order, named in words."""
    choose = _l("Choose a status from the list.")
    return SelectField(
        label,
        choices=[SelectChoice(value, STATUS_LABELS[value]) for value in STATUSES],
        validate_choice=False,  # AnyOf says it in the console's words, once
        validators=[InputRequired(choose), AnyOf(STATUSES, message=choose)],
    )


def note_text_field(
    label: str | LazyString, *, required: bool = True, id: str | None = None
) -> TextAreaField:
    """A note's words: a new note, a call's note (optional) or a correction.

    ``id``: the element's id, when two forms on one page both have a note.
    """
    first = InputRequired(_l("Write the note first.")) if required else Optional()
    too_long = _l("A note must be %(max)d characters or fewer.", max=NOTE_MAX)
    return TextAreaField(label, validators=[first, Length(max=NOTE_MAX, message=too_long)], id=id)


class StatusForm(LocalizedForm):
    status = status_field(_l("Change status to"))


class NoteForm(LocalizedForm):
    text = note_text_field(_l("Add a note"), id="note-text")


class LeadFilterForm(LocalizedForm):
    """The list's filters, read from the query string (GET, so no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Lead number, name, email or phone"), validators=[Optional(), Length(max=100)]
    )
    status = SelectField(
        _l("Status"),
        choices=_choices(_l("Any status"), LIST_STATUS_LABELS),
        validators=[Optional()],
    )
    assigned = SelectField(_l("Assigned to"), validators=[Optional()])
    follow_up = SelectField(
        _l("Follow-up"),
        choices=_choices(_l("Any time or none"), FOLLOW_UP_LABELS),
        validators=[Optional()],
    )
    outcome = SelectField(
        _l("Outcome"),
        choices=_choices(_l("Any outcome"), OUTCOME_LABELS),
        validators=[Optional()],
    )
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Me, nobody, or any active member of staff (an unknown or disabled one is dropped).
        self.assigned.choices = [
            SelectChoice("", _l("Anyone")),
            *(SelectChoice(value, label) for value, label in ASSIGNED_LABELS.items()),
            *(SelectChoice(str(user_id), name) for user_id, name in _active_staff()),
        ]


def _active_staff() -> list[tuple[int, str]]:
    """Every active member of staff, by name, as (id, the name colleagues know them by)."""
    rows = db.session.execute(
        select(StaffUser.id, StaffUser.name, StaffUser.email)
        .where(StaffUser.active.is_(True))
        .order_by(func.lower(StaffUser.name), StaffUser.id)
    )
    return [(user_id, name or email) for user_id, name, email in rows]


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


class OneLine:
    """No line break or control character: a sign-off's name and registration are one line."""

    def __call__(self, form: LocalizedForm, field: StringField) -> None:
        if any(unicodedata.category(char).startswith("C") for char in field.data or ""):
            raise ValidationError(_l("Write this on one line, without special characters."))


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


class ConfirmForm(LocalizedForm):
    """A button that changes something: carries only the CSRF token."""


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
