"""The audit log, as the console writes and reads it (core/audit.py holds the table and writer).

Writing: ``record`` for every action, and ``record_view`` for opening a lead,
which skips the view that is only the page coming back after the same
person's own action on it (the redirect after a form), so one action is one row.

Reading: ``sentence(event)`` says what a row records in the console's language
("Changed the status from New to Contacted"), from its ``data`` (ids, codes,
field names: see core/audit.py) in the clinic's time. Older rows have only the
English ``detail``; the common ones are read back into the same sentences, and
any other is shown cleaned (a sentence's capital, no Python dict), never raw.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from babel.lists import format_list
from flask import g
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import DateField, SelectField

from core.audit import ACTIONS, AuditEvent, record
from core.dbtypes import utcnow
from core.extensions import db
from leads.appointments import KIND_LABELS
from leads.service import bookings
from staff.console.labels import (
    CALL_OUTCOME_LABELS,
    FLAG_AUDIT_WORDS,
    FLAG_LABELS,
    OUTCOME_LABELS,
    STATUS_LABELS,
)
from staff.console.lead_filters import LeadFilterForm
from web.formatting import local_date, local_datetime

__all__ = ["ACTIONS", "AuditEvent", "record", "record_view", "sentence"]

#: A view this soon after the same person's own action on the lead (a status, a note, a
#: call...) is that form's redirect back to the lead, not a visit of its own: the action's
#: row already says they had the lead open. A browser follows a redirect in milliseconds;
#: a genuine visit (a colleague, a reload minutes later, the next morning) is recorded.
FOLLOWS_OWN_ACTION = timedelta(seconds=10)


def record_view(lead_id: int) -> None:
    """Audit that the signed-in member of staff opened a lead (unless it follows their action)."""
    if not _follows_own_action(lead_id):
        record("view", lead_id=lead_id)


def _follows_own_action(lead_id: int) -> bool:
    if not getattr(current_user, "is_authenticated", False):
        return False
    last = db.session.execute(
        select(AuditEvent.action, AuditEvent.at)
        .where(AuditEvent.lead_id == lead_id, AuditEvent.staff_id == current_user.id)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    return last is not None and last.action != "view" and utcnow() - last.at < FOLLOWS_OWN_ACTION


# --- Reading a row as a sentence ------------------------------------------------------

Writer = Callable[[AuditEvent, Mapping[str, Any]], str | None]


def sentence(event: AuditEvent) -> str:
    """What the row records, as one plain sentence in the console's language."""
    data = event.data if isinstance(event.data, Mapping) else None
    writer = _WRITERS.get(event.action)
    if data and writer is not None:
        try:
            said = writer(event, data)
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError):
            said = None  # data of another shape (an older or newer writer): the detail then
        if said:
            return said
    return _from_detail(event)


def _status(code: object) -> str:
    return str(STATUS_LABELS.get(str(code), code))


def _moment(value: object) -> str:
    """A stored ISO time (UTC) on the clinic's clock, as the console writes times."""
    moment = datetime.fromisoformat(str(value))
    return local_datetime(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def _update(event: AuditEvent, data: Mapping[str, Any]) -> str:
    return _status_change(data["from"], data["to"])


def _status_change(before: object, after: object) -> str:
    return _(
        "Changed the status from %(before)s to %(after)s",
        before=_status(before),
        after=_status(after),
    )


def _assign(event: AuditEvent, data: Mapping[str, Any]) -> str:
    if data.get("to") is None:
        return _("Unassigned the lead")
    name = data.get("to_name") or _("member of staff #%(id)s", id=data["to"])
    return _("Assigned to %(name)s", name=name)


def _follow_up(event: AuditEvent, data: Mapping[str, Any]) -> str:
    if not data.get("at"):
        return _("Cleared the next follow-up")
    return _("Set the next follow-up for %(when)s", when=_moment(data["at"]))


def _call(event: AuditEvent, data: Mapping[str, Any]) -> str:
    outcome = data["outcome"]
    parts = [_("Recorded a call: %(outcome)s", outcome=_lower(CALL_OUTCOME_LABELS, outcome))]
    if data.get("status_to"):
        parts.append(_("status now %(status)s", status=_status(data["status_to"])))
    if data.get("follow_up"):
        parts.append(_("next follow-up %(when)s", when=_moment(data["follow_up"])))
    return "; ".join(parts)


def _lower(labels: Mapping[str, Any], code: object) -> str:
    """A label inside a sentence ("no answer"): its first letter small."""
    word = str(labels.get(str(code), str(code).replace("_", " ")))
    return word[:1].lower() + word[1:]


def _note(event: AuditEvent, data: Mapping[str, Any]) -> str:
    return _("Added a note")


def _note_edit(event: AuditEvent, data: Mapping[str, Any]) -> str:
    return _("Corrected a note (the earlier words are kept on the lead)")


def _contact_change(event: AuditEvent, data: Mapping[str, Any]) -> str | None:
    fields = [str(field) for field in data["fields"]]
    if not fields:
        return None
    words = {
        "name": _("name"),
        "email": _("email"),
        "phone": _("phone"),
        "contact_time": _("best time to call"),
        "message": _("message"),
    }
    named = [words.get(field, field.replace("_", " ")) for field in fields]
    return _("Corrected the %(fields)s", fields=format_list(named, locale=str(get_locale())))


def _merge(event: AuditEvent, data: Mapping[str, Any]) -> str:
    duplicate, kept = int(data["from"]), int(data["into"])
    if event.lead_id == kept:
        return _("Merged lead #%(id)d into this lead", id=duplicate)
    if event.lead_id == duplicate:
        return _("Merged this lead into lead #%(id)d", id=kept)
    return _("Merged lead #%(duplicate)d into lead #%(kept)d", duplicate=duplicate, kept=kept)


def _appointment(event: AuditEvent, data: Mapping[str, Any]) -> str | None:
    kind = str(KIND_LABELS.get(str(data.get("kind")), data.get("kind") or _("appointment")))
    when = _moment(data["at"])
    change = data["change"]
    if change == "booked":
        said = _("Booked an appointment (%(kind)s) for %(when)s", kind=kind, when=when)
    elif change == "moved":
        said = _("Moved the appointment (%(kind)s) to %(when)s", kind=kind, when=when)
    elif change == "cancelled":
        said = _("Cancelled the appointment (%(kind)s) on %(when)s", kind=kind, when=when)
    else:
        return None
    tool = data.get("through")
    if tool:  # it came back from the clinic's booking tool (leads/bookings.py)
        name = bookings.TOOL_NAMES.get(str(tool), str(tool))
        said += " " + _("(through %(tool)s)", tool=name)
    return said


_FORMATS = {"csv": "CSV", "xlsx": "Excel"}


def _export(event: AuditEvent, data: Mapping[str, Any]) -> str:
    return _exported(int(data["rows"]), str(data.get("format") or "csv"), data.get("filters"))


def _exported(rows: int, file_format: str, filters: object) -> str:
    said = ngettext(
        "Exported %(num)d lead as %(format)s",
        "Exported %(num)d leads as %(format)s",
        rows,
        format=_FORMATS.get(file_format, file_format.upper()),
    )
    return said + _filters_in_brackets(filters)


def _intake(event: AuditEvent, data: Mapping[str, Any]) -> str:
    outcome = data.get("outcome")
    if not outcome:
        return _("Took a request by phone")
    result = _label(OUTCOME_LABELS, outcome)
    return _("Took a request by phone (result: %(outcome)s)", outcome=result)


def _label(labels: Mapping[str, Any], code: object) -> str:
    return str(labels.get(str(code), code))


def _settings_change(event: AuditEvent, data: Mapping[str, Any]) -> str | None:
    key, before, after = data["setting"], data.get("from"), data.get("to")
    if key in FLAG_LABELS:
        return _flag_sentence(key, bool(after))
    if key == "time_zone":
        return _("Changed the clinic time zone from %(before)s to %(after)s",
                 before=before or _("the deployment’s default"), after=after)  # fmt: skip
    if key == "untouched_hours":
        return _("New leads now count as untouched after %(after)s hours (it was %(before)s)",
                 after=after, before=before)  # fmt: skip
    if key == "reminder_hours":
        return _("Appointment reminders now go %(after)s hours before (it was %(before)s)",
                 after=after, before=before)  # fmt: skip
    if key.startswith("audit_sample_"):
        outcome = _label(OUTCOME_LABELS, key.removeprefix("audit_sample_"))
        return _("The audit sample of “%(outcome)s” leads is now %(after)s%% (it was %(before)s%%)",
                 outcome=outcome, after=after, before=before)  # fmt: skip
    if key == "clinical_lead_email":
        return _("Missed concerns now go to %(email)s", email=after or _("every clinician"))
    if key == "booking_tool_url":
        if not after:
            return _("Removed the booking tool address")
        return _("Set the booking tool address to %(address)s", address=after)
    return None


def _flag_sentence(key: str, on: bool) -> str:
    label = FLAG_LABELS[key]
    return (
        _("Turned on: %(setting)s", setting=label)
        if on
        else _("Turned off: %(setting)s", setting=label)
    )


def _withdrawal(event: AuditEvent, data: Mapping[str, Any]) -> str:
    """The clinician's reason is about the rules, not a person: it is kept whole here."""
    return _(
        "Withdrew the sign-off of rule version %(version)s (sha256 %(sha)s): %(reason)s",
        version=data["version"],
        sha=str(data["sha256"])[:12],
        reason=data["reason"],
    )


def _verdict(event: AuditEvent, data: Mapping[str, Any]) -> str | None:
    change = data.get("change")
    if change == "cause":
        return _("Gave the cause of a disagreement with the check: %(cause)s",
                 cause=str(data.get("cause", "")).replace("_", " "))  # fmt: skip
    outcome = _label(OUTCOME_LABELS, data.get("outcome"))
    said = (
        _("Corrected the clinician’s verdict: %(outcome)s", outcome=outcome)
        if change == "corrected"
        else _("Recorded the clinician’s verdict: %(outcome)s", outcome=outcome)
    )
    if data.get("incident"):
        said += " " + _(
            "(a missed concern: incident %(number)s, hazard H1)", number=data["incident"]
        )
    return said


_WRITERS: dict[str, Writer] = {
    "update": _update,
    "api_update": _update,
    "assign": _assign,
    "follow_up": _follow_up,
    "call": _call,
    "note": _note,
    "note_edit": _note_edit,
    "contact_change": _contact_change,
    "merge": _merge,
    "appointment": _appointment,
    "export": _export,
    "intake": _intake,
    "settings_change": _settings_change,
    "rules_sign_off_withdrawn": _withdrawal,
    "verdict": _verdict,
}


# --- Filters, as the list names them ---------------------------------------------------


def _filters_in_brackets(filters: object) -> str:
    words = _filter_words(filters) if isinstance(filters, Mapping) else []
    return f" ({'; '.join(words)})" if words else ""


def _filter_words(filters: Mapping[str, Any]) -> list[str]:
    """Each filter as the list shows it ("Status: New"); a search's words are never repeated."""
    form = _lead_filter_form()
    words = []
    for name, value in filters.items():
        if name == "page" or value in ("", None):
            continue
        field = form._fields.get(name)
        if field is None:
            words.append(f"{str(name).replace('_', ' ')}: {value}")
        elif isinstance(field, SelectField):
            words.append(f"{field.label.text}: {_choice_label(field, value)}")
        elif isinstance(field, DateField):
            words.append(f"{field.label.text}: {_day(value)}")
        else:  # a search: the person's name or email must not reach the audit log's page
            words.append(_("a search"))
    return words


def _lead_filter_form() -> LeadFilterForm:
    """The list's filter form (its labels and choices), made once per page of the log."""
    if "audit_lead_filters" not in g:
        g.audit_lead_filters = LeadFilterForm(formdata=None)
    return g.audit_lead_filters


def _choice_label(field: SelectField, value: object) -> str:
    for choice in field.choices or ():
        code, label = (choice.value, choice.label) if hasattr(choice, "value") else choice[:2]
        if str(code) == str(value):
            return str(label)
    return str(value)


def _day(value: object) -> str:
    try:
        return local_date(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


# --- Older rows: their English detail -------------------------------------------------

_STATUS_DETAIL = re.compile(r"status (\w+) -> (\w+)")
_EXPORT_DETAIL = re.compile(r"(\d+) leads(?: as (csv|xlsx))?; filters (\{.*\})", re.S)
_API_LIST_DETAIL = re.compile(r"list of (\d+) leads; (\{.*\})", re.S)
_FLAG_DETAIL = re.compile(r"(on|off): (.+)")
_PURGE_DETAIL = re.compile(r"(\d+) leads older than (\d+) days")
_DICT = re.compile(r"\{[^{}]*\}")

_FIXED_DETAILS: dict[tuple[str, str], Callable[[], str]] = {
    ("view", ""): lambda: _("Opened the lead"),
    ("note", ""): lambda: _("Added a note"),
    ("intake", ""): lambda: _("Took a request by phone"),
    ("sign_in", ""): lambda: _("Signed in"),
    ("sign_in_failed", ""): lambda: _("Could not sign in: wrong password"),
    ("sign_in_failed", "no account has this email"): lambda: _(
        "Could not sign in: no account has this email"
    ),
    ("sign_in_failed", "wrong password to change their own password"): lambda: _(
        "Typed a wrong password to change their own password"
    ),
    ("delete", "on request"): lambda: _("Deleted the lead and its personal data, on request"),
    ("delete", ""): lambda: _("Deleted the lead and its personal data"),
    ("api_read", ""): lambda: _("Read the lead through the API"),
    ("api_update", "status unchanged"): lambda: _(
        "Sent the status the lead already had through the API (nothing changed)"
    ),
    ("two_factor", "turned two-factor sign-in on"): lambda: _("Turned two-factor sign-in on"),
    ("two_factor", "turned two-factor sign-in off"): lambda: _("Turned two-factor sign-in off"),
    ("two_factor", "made new recovery codes"): lambda: _("Made new recovery codes"),
    ("two_factor", "used a recovery code"): lambda: _("Used a recovery code"),
    ("two_factor", "wrong code at sign-in"): lambda: _("Typed a wrong code at sign-in"),
    ("two_factor", "wrong password to change two-factor sign-in"): lambda: _(
        "Typed a wrong password to change two-factor sign-in"
    ),
    ("two_factor", "wrong code to change two-factor sign-in"): lambda: _(
        "Typed a wrong code to change two-factor sign-in"
    ),
}


def _from_detail(event: AuditEvent) -> str:
    detail = (event.detail or "").strip()
    fixed = _FIXED_DETAILS.get((event.action, detail))
    if fixed is not None:
        return fixed()
    said = _known_detail(event.action, detail)
    return said if said is not None else _cleaned(detail)


def _known_detail(action: str, detail: str) -> str | None:
    if action in ("update", "api_update") and (found := _STATUS_DETAIL.fullmatch(detail)):
        return _status_change(found.group(1), found.group(2))
    if action == "export" and (found := _EXPORT_DETAIL.fullmatch(detail)):
        rows, file_format, filters = found.groups()
        return _exported(int(rows), file_format or "csv", _literal(filters))
    if action == "export" and (found := re.match(r"(\d+) leads", detail)):
        return _exported(int(found.group(1)), "csv", None)  # its filters cut off at 255
    if action == "api_read" and (found := _API_LIST_DETAIL.fullmatch(detail)):
        rows = int(found.group(1))
        said = ngettext(
            "Read a list of %(num)d lead through the API",
            "Read a list of %(num)d leads through the API",
            rows,
        )
        return said + _filters_in_brackets(_literal(found.group(2)))
    if action == "settings_change" and (found := _FLAG_DETAIL.fullmatch(detail)):
        keys = [key for key, words in FLAG_AUDIT_WORDS.items() if words == found.group(2)]
        if keys:
            return _flag_sentence(keys[0], found.group(1) == "on")
    if action == "purge" and (found := _PURGE_DETAIL.fullmatch(detail)):
        return ngettext(
            "Purged %(num)d lead older than %(days)s days",
            "Purged %(num)d leads older than %(days)s days",
            int(found.group(1)),
            days=found.group(2),
        )
    return None


def _literal(text: str) -> dict[str, Any] | None:
    """A dict the old code wrote with Python's repr (only literals are read, nothing runs)."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _cleaned(detail: str) -> str:
    """Any other detail as a sentence: "->" as an arrow, a dict as "key: value", a capital."""
    text = detail.replace("->", "→")
    text = _DICT.sub(lambda found: _dict_words(found.group(0)), text)
    text = " ".join(text.split())
    return text[:1].upper() + text[1:]


def _dict_words(text: str) -> str:
    """A dict of filters in words (as an export's), a search's words left out."""
    value = _literal(text)
    if value is None:
        return text
    return "; ".join(_filter_words(value)) or "-"
