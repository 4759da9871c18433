"""CSV export of leads: opens cleanly in Excel and cannot smuggle in a formula.

UTF-8 with a byte-order mark, so Excel reads accents and non-Latin names right.
Any cell that starts with =, +, -, @, a tab or a carriage return is prefixed with
an apostrophe, so a spreadsheet shows it as text instead of running it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask import Response

from core.dbtypes import utcnow
from leads.models import Lead

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = (
    "id",
    "created_at_utc",
    "status",
    "outcome",
    "reason_keys",
    "rule_ids",
    "name",
    "email",
    "phone",
    "contact_time",
    "message",
    "language",
    "source",
    "embed_origin",
    "rulebase_version",
    "rulebase_sha256",
    "consent_version",
    "consented_at_utc",
)


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def row_of(lead: Lead) -> list[str]:
    values = (
        lead.id,
        lead.created_at.strftime("%Y-%m-%d %H:%M:%S"),
        lead.status,
        lead.outcome,
        " ".join(r["key"] for r in lead.reasons),
        " ".join(r["rule"] for r in lead.reasons),
        lead.name,
        lead.email,
        lead.phone,
        lead.contact_time,
        lead.message,
        lead.lang,
        lead.source,
        lead.embed_origin,
        lead.rulebase_version,
        lead.rulebase_sha256,
        lead.consent_version,
        lead.consented_at.strftime("%Y-%m-%d %H:%M:%S"),
    )
    return [safe_cell(value) for value in values]


def csv_text(leads: Iterable[Lead]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for lead in leads:
        writer.writerow(row_of(lead))
    return "\ufeff" + buffer.getvalue()


def csv_response(leads: Iterable[Lead]) -> Response:
    filename = f"leads-{utcnow():%Y%m%d-%H%M}.csv"
    return Response(
        csv_text(leads).encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
