"""The leads list's filters as a form: read by the list, its navigation, its export and the
audit log's sentences about an export."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from core.extensions import db
from staff.console.filters import without_controls
from staff.console.forms import _choices
from staff.console.labels import (
    ASSIGNED_LABELS,
    FOLLOW_UP_LABELS,
    LIST_STATUS_LABELS,
    OUTCOME_LABELS,
)
from staff.models import StaffUser
from web.language import LocalizedForm


class LeadFilterForm(LocalizedForm):
    """The list's filters, read from the query string (GET, so no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Lead number, result reference, name, email or phone"),
        validators=[Optional(), Length(max=100)],
        filters=[without_controls],
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
