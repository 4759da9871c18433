"""The audit log's filters, read from the query string."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional

from staff.console.filters import without_controls
from staff.console.forms import LARGEST_ID, _choices
from staff.console.labels import ACTION_LABELS
from web.language import LocalizedForm


class AuditFilterForm(LocalizedForm):
    """The audit log's filters, read from the query string (GET, so no CSRF)."""

    class Meta:
        csrf = False

    who = StringField(
        _l("Staff email"), validators=[Optional(), Length(max=254)], filters=[without_controls]
    )
    action = SelectField(
        _l("Action"), choices=_choices(_l("Any action"), ACTION_LABELS), validators=[Optional()]
    )
    lead = IntegerField(
        _l("Lead number"), validators=[Optional(), NumberRange(min=1, max=LARGEST_ID)]
    )
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
