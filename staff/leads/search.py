"""Which leads the list shows: its filters, views, counts and one search box, as SQL.

The views a coordinator starts the day from: assigned to me, unassigned, a
follow-up due today (the clinic's day) or overdue, and new leads nobody has
worked on for longer than the clinic's ``untouched_hours`` setting (no call, note
or status change yet). Duplicates merged into another lead are hidden unless the
status filter asks for them ("Merged into another lead") or the search is their
lead number. Everything is SQL, the same on SQLite and PostgreSQL; the list, its
export and the lead page's previous/next all read the same conditions from here.

The search box: a coordinator types what is in front of them: "#12" from an email subject,
the result reference a person reads out ("7KQ2-M9XD"), a name, an address in capitals, or
a phone number as the caller said it ("020 7946 0958", "(555) 010-0199",
"+44 20 7946 0958"). Phones are stored in E.164 ("+442079460958"), so a number is
read with ``phonenumbers`` in the clinic's own region (the country of its
``CLINIC_PHONE``) and matched both
exactly and by its national significant number's digits; when it does not read
as a number there, its digits are matched as they are and without a trunk "0",
which still finds a UK number typed nationally by a clinic elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import phonenumbers
from flask import current_app
from flask_login import current_user
from sqlalchemy import ColumnElement, Select, and_, false, or_, select

from core.clinic_time import clinic_now, end_of_day, start_of_day
from core.dbtypes import utcnow
from core.extensions import db
from leads.models import STATUSES, Lead
from questionnaire.reference import typed_reference
from staff.console.filters import on_days
from staff.console.forms import LARGEST_ID
from staff.console.labels import OUTCOME_LABELS
from staff.console.lead_filters import LeadFilterForm
from staff.leads import service as leads_service
from staff.leads.service import overdue, untouched, waiting_count
from staff.leads.text_search import containing

#: The list's order, newest first; previous/next walk it by these two columns (keyset).
ORDER = (Lead.created_at.desc(), Lead.id.desc())


def filtered_leads(form: LeadFilterForm) -> Select:
    """The leads matching the list's filters, newest first."""
    return select(Lead).where(*filter_conditions(form)).order_by(*ORDER)


def list_conditions(form: LeadFilterForm) -> tuple[list[ColumnElement[bool]], int | None]:
    """The list's conditions for a page and a lead's neighbours, and, for a search, how many
    leads it finds (counted to ``COUNT_LIMIT + 1``; None without a search).

    A search reads its indexes, but no planner knows how many leads a part of a name is
    in: guessing many, PostgreSQL walked the list's order to fill a page and read every
    lead when 119 matched (165 ms at 100,000 leads). So the search's leads are read
    first, at most ``COUNT_LIMIT + 1``: when that is all of them, the page is read from
    their ids, an estimate no planner gets wrong, and their number is the count; when
    the search finds more, any walk of the list's order soon fills a page."""
    conditions = filter_conditions(form)
    if not (form.q.data or "").strip():
        return conditions, None
    limit = leads_service.COUNT_LIMIT
    found = db.session.scalars(select(Lead.id).where(*conditions).limit(limit + 1)).all()
    if len(found) > limit:
        return filter_conditions(form, common=True), len(found)
    return [Lead.id.in_(found)], len(found)


def filter_conditions(form: LeadFilterForm, *, common: bool = False) -> list[ColumnElement[bool]]:
    """The list's filters (already validated by the form) as WHERE conditions; ``common``:
    the search is known to find more than ``COUNT_LIMIT`` leads (``text_search.containing``)."""
    now = utcnow()
    text = (form.q.data or "").strip()
    number = lead_number(text) if text else None
    status = form.status.data
    conditions: list[ColumnElement[bool]] = []
    if status == "merged":
        conditions.append(Lead.merged_into_id.is_not(None))
    elif number is not None:  # a merged lead is still found by its number
        conditions.append(or_(Lead.merged_into_id.is_(None), Lead.id == number))
    else:
        conditions.append(Lead.merged_into_id.is_(None))
    if status in STATUSES:
        conditions.append(Lead.status == status)
    elif status == "untouched":
        conditions.append(untouched(now))
    if form.outcome.data in OUTCOME_LABELS:
        conditions.append(Lead.outcome == form.outcome.data)
    assignee = assignee_condition(form.assigned.data)
    if assignee is not None:
        conditions.append(assignee)
    follow_up = follow_up_condition(form.follow_up.data, now)
    if follow_up is not None:
        conditions.append(follow_up)
    conditions.extend(on_days(Lead.created_at, form.date_from.data, form.date_to.data))
    if text:
        conditions.append(search_condition(text, common=common))
    return conditions


def assignee_condition(assigned: str | None) -> ColumnElement[bool] | None:
    """Assigned to me, to nobody, or to one member of staff (by id); None is anyone."""
    if assigned == "me":
        return Lead.assigned_to_id == current_user.id
    if assigned == "none":
        return Lead.assigned_to_id.is_(None)
    if assigned and assigned.isdigit():
        return Lead.assigned_to_id == int(assigned)
    return None


def follow_up_condition(when: str | None, now: datetime) -> ColumnElement[bool] | None:
    """Due today (the clinic's day, from its midnight to the next), overdue, or none set."""
    if when == "today":
        today = clinic_now().date()
        return and_(Lead.follow_up_at >= start_of_day(today), Lead.follow_up_at < end_of_day(today))
    if when == "overdue":
        return overdue(now)
    if when == "none":
        return Lead.follow_up_at.is_(None)
    return None


@dataclass(frozen=True)
class ViewCounts:
    """The day's counts at the top of the list (merged duplicates not counted)."""

    mine: int
    due_today: int
    overdue: int
    untouched: int
    unassigned: int


def view_counts() -> ViewCounts:
    """Each count by its own query, each served by one of the partial indexes on unmerged
    leads (``leads.models``), and like the list's count (``bounded_count``) counted no
    further than ``COUNT_LIMIT + 1``: past it the view says "1,000+", and the page costs
    the same whether 2,000 or 60,000 leads are unassigned."""
    now = utcnow()
    return ViewCounts(
        mine=waiting_count(assignee_condition("me")),
        due_today=waiting_count(follow_up_condition("today", now)),
        overdue=waiting_count(overdue(now)),
        untouched=waiting_count(untouched(now)),
        unassigned=waiting_count(Lead.assigned_to_id.is_(None)),
    )


def untouched_for_hours(leads: list[Lead]) -> dict[int, int]:
    """Which of these leads (one page of the list) are new and untouched, and for how long."""
    if not leads:
        return {}
    now = utcnow()
    ids = set(
        db.session.scalars(
            select(Lead.id).where(Lead.id.in_([lead.id for lead in leads]), untouched(now))
        )
    )
    return {
        lead.id: int((now - lead.created_at).total_seconds() // 3600)
        for lead in leads
        if lead.id in ids
    }


_LEAD_NUMBER = re.compile(r"#?\s*(\d{1,10})")
#: Fewer digits than this find too many phones to be a phone search ("12" is a lead number).
MIN_PHONE_DIGITS = 3


def lead_number(text: str) -> int | None:
    """The lead number a search means ("12", "#12", "# 12"), if it is one that can exist."""
    match = _LEAD_NUMBER.fullmatch(text.strip())
    if match is None:
        return None
    number = int(match.group(1))
    return number if 1 <= number <= LARGEST_ID else None


def search_condition(text: str, *, common: bool = False) -> ColumnElement[bool]:
    """Leads the search text finds: by number, name, email (any case, partial), phone, or the
    result reference the person quotes ("7KQ2-M9XD", typed in any case, with or without
    the dash). Every branch of the OR reads an index (``text_search`` for the partial ones)."""
    text = text.strip()
    reference = typed_reference(text)
    exact_phone, phone_parts = None, []
    if reference is None or not re.search(r"[A-Za-z]", text):  # "7KQ2-M9XD" is no phone
        exact_phone, phone_parts = _phone_terms(text)
    conditions: list[ColumnElement[bool]] = [containing(text, phone_parts, common=common)]
    number = lead_number(text)
    if number is not None:
        conditions.append(Lead.id == number)
    if reference is not None:
        conditions.append(Lead.result_reference == reference)
    if exact_phone is not None:
        conditions.append(Lead.phone == exact_phone)
    return or_(false(), *conditions)


def _phone_terms(text: str) -> tuple[str | None, list[str]]:
    """The phone as typed, read as E.164, and the digits to find inside stored phones: as
    they are, without a trunk "0", and the national significant number."""
    digits = re.sub(r"\D", "", text)
    if len(digits) < MIN_PHONE_DIGITS:
        return None, []
    patterns = {digits, digits.lstrip("0")}
    exact = None
    parsed = _as_phone_number(text)
    if parsed is not None:
        exact = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        patterns.add(phonenumbers.national_significant_number(parsed))
    return exact, sorted(pattern for pattern in patterns if len(pattern) >= MIN_PHONE_DIGITS)


def _as_phone_number(text: str) -> phonenumbers.PhoneNumber | None:
    """The text as a possible phone number, read in the clinic's region unless it says "+"."""
    try:
        number = phonenumbers.parse(text, clinic_region(current_app.config.get("CLINIC_PHONE")))
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None


@lru_cache(maxsize=8)
def clinic_region(clinic_phone: str | None) -> str | None:
    """The region ("GB", "US") of the clinic's own phone number, for numbers typed nationally.

    A fictitious number (the demo's 555 one) has no region of its own, so its
    country code's main region is used.
    """
    try:
        number = phonenumbers.parse(clinic_phone or "", None)
    except phonenumbers.NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(number) or (
        phonenumbers.region_code_for_country_code(number.country_code)
    )
    return None if region in (None, phonenumbers.UNKNOWN_REGION) else region
