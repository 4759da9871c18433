"""The list's export: the leads it shows (its filters), as a CSV or an Excel workbook.

Both need the permission to export (``export_allowed``, the list's own). Each
download is one ``export`` audit row with what was exported as data: how many
rows, which file format, which filters; never a search's words (a name or email
typed in the box is a person's detail, and the audit log holds none).
"""

from __future__ import annotations

from flask import Response
from sqlalchemy.orm import joinedload, selectinload

from core.extensions import db
from leads.models import Lead, LeadNote
from staff.console.audit import record
from staff.console.blueprint import bp
from staff.console.filters import filter_args, filters_from_query
from staff.console.lead_filters import LeadFilterForm
from staff.leads import export, search
from staff.leads.list_views import export_allowed

#: What the audit log keeps of a search in place of its words.
SEARCH_NOT_KEPT = "…"


@bp.get("/leads.csv")
@export_allowed
def export_csv() -> Response:
    return _export("csv")


@bp.get("/leads.xlsx")
@export_allowed
def export_xlsx() -> Response:
    return _export("xlsx")


def _export(file_format: str) -> Response:
    form = filters_from_query(LeadFilterForm)
    query = search.filtered_leads(form).options(
        joinedload(Lead.entered_by),
        joinedload(Lead.assigned_to),
        selectinload(Lead.notes).joinedload(LeadNote.author),
        selectinload(Lead.appointments),
    )
    leads = db.session.scalars(query).unique().all()
    filters = filter_args(form)
    # Written before the audit row is committed: a file that fails is not logged as sent.
    response = export.download(
        export.lead_table(leads), file_format, export.file_name(filters, file_format)
    )
    audited = {name: SEARCH_NOT_KEPT if name == "q" else value for name, value in filters.items()}
    record(
        "export",
        detail=f"{len(leads)} leads as {file_format}; filters {audited}",
        data={"rows": len(leads), "format": file_format, "filters": audited},
    )
    db.session.commit()
    return response
