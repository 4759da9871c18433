"""Reading a console list's filters from the query string, and the conditions they make."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import TypeVar

from flask import request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement
from sqlalchemy.orm import InstrumentedAttribute
from wtforms import Form

from core.clinic_time import end_of_day, start_of_day

FilterForm = TypeVar("FilterForm", bound=Form)


def filters_from_query(form_class: type[FilterForm]) -> FilterForm:
    """A list's filter form read from the query string.

    A value that does not read (a date like 2026-13-45, an unknown choice) is
    dropped rather than answered with an error page: the list shows unfiltered
    by it, and the form shows it empty.
    """
    form = form_class(formdata=request.args)
    form.validate()
    for field in form:
        if field.errors:
            field.data = None
    return form


def without_controls(text: str | None) -> str | None:
    """A filter's typed text without control characters (a WTForms filter): nobody types
    them, and a NUL is an error to PostgreSQL and ends SQLite's full-text query."""
    if not text:
        return text
    return "".join(char for char in text if unicodedata.category(char) != "Cc")


def filter_args(form: Form) -> dict[str, str]:
    """The filters in use, as query arguments for links to other pages of the same list."""
    return {field.name: str(field.data) for field in form if field.data}


def on_days(
    column: InstrumentedAttribute, first: date | None, last: date | None
) -> list[ColumnElement[bool]]:
    """Conditions for a timestamp on or after the first day and on or before the last.

    The days are the clinic's (its time zone's midnight to midnight, 23 or 25
    hours on a day the clocks change), as every time in the console is shown:
    a lead sent at 23:30 UTC is on the next day's list in Auckland.
    """
    conditions = []
    if first:
        conditions.append(column >= start_of_day(first))
    if last:
        conditions.append(column < end_of_day(last))
    return conditions


def escape_like(text: str) -> str:
    """The text with LIKE's wildcards taken literally (use with escape="\\")."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


#: The highest page number a link may ask for; a larger one is read as this (then
#: sent to the last page), never handed to the database as an offset it cannot hold.
MAX_PAGE = 100_000


def page_number() -> int:
    """The ?page= asked for, from 1 to MAX_PAGE (anything else reads as 1 or MAX_PAGE)."""
    asked = request.args.get("page", 1, type=int)
    return min(max(asked, 1), MAX_PAGE)


def past_the_last_page(page: Pagination) -> int | None:
    """The last page's number when a link asks for a page beyond it (the list shrank)."""
    if page.page > 1 and page.page > page.pages:
        return page.pages or 1
    return None
