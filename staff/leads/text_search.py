"""A part of a name, an address or a phone number, found through an index on either database.

The search box matches inside a text ("maria" in "Ana María López", "7946" in
"+442079460958"); a b-tree cannot serve that. PostgreSQL reads its ``pg_trgm``
indexes for ``ILIKE '%…%'`` (migration 0019_search_indexes). SQLite reads its FTS5
trigram index, ``leads_search`` (migration 0022_sqlite_search), with a phrase query per
column: a phrase of trigrams in a row is the text inside a value, in any case. A text
shorter than a trigram has no index on either database and is matched with LIKE.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, bindparam, column, or_, select, table
from sqlalchemy import text as sql_text

from core.extensions import db
from leads.models import Lead
from staff.console.filters import escape_like

#: FTS5's trigram tokenizer finds texts of at least three characters.
TRIGRAM = 3
_INDEX = table("leads_search", column("rowid"))
_MATCHES = sql_text("leads_search MATCH :typed")


def containing(
    typed: str, phone_parts: Sequence[str], *, common: bool = False
) -> ColumnElement[bool]:
    """Leads whose name or email contains ``typed`` (any case), or whose phone contains one
    of ``phone_parts`` (digits, each at least three).

    ``common``: the text is known to be in more than a thousand leads. SQLite would read
    every match from its index, then sort them all for one page (260 ms when all 100,000
    match); matched row by row, its walk of the list's order stops at the page's end.
    PostgreSQL walks or reads its index as its estimates say, from the same SQL."""
    indexed = not common and len(typed) >= TRIGRAM
    if indexed and db.session.get_bind().dialect.name == "sqlite":
        query = " OR ".join(
            [f"{{name email}} : {_phrase(typed)}"]
            + [f"phone : {_phrase(part)}" for part in phone_parts]
        )
        found = select(_INDEX.c.rowid).where(
            _MATCHES.bindparams(bindparam("typed", query, unique=True))
        )
        return Lead.id.in_(found)
    like = f"%{escape_like(typed)}%"
    return or_(
        Lead.name.ilike(like, escape="\\"),
        Lead.email.ilike(like, escape="\\"),
        *(Lead.phone.like(f"%{part}%") for part in phone_parts),  # digits: nothing to escape
    )


def _phrase(typed: str) -> str:
    """The text as one FTS5 phrase: quoted, its own quotes doubled, nothing else special."""
    return '"' + typed.replace('"', '""') + '"'
