"""Building waiting workbooks outside their request (see export_jobs): by
``flask --app app exports build`` (export_cli.py), and right after the asking request's
answer when ``EXPORT_BUILD_AFTER_RESPONSE`` is on (export_views.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from flask import current_app, g

from staff.console.filters import filters_from_query
from staff.console.lead_filters import LeadFilterForm
from staff.leads import export_jobs, export_workbook, search
from staff.leads.export_jobs import ExportJob

#: export_views.lead_batches: the leads matching some conditions, a batch at a time.
Batches = Callable[[list], Iterator[list]]


def build_file(lead_batches: Batches, job: ExportJob, path: Path) -> int:
    """Write the job's workbook to ``path``, exactly as the request would have written it
    (the same filters, read by the same form, in the person's language); its rows."""
    with current_app.test_request_context("/staff/leads.xlsx", query_string=job.filters):
        g.flow_lang = job.lang  # the console's language the person asked in
        form = filters_from_query(LeadFilterForm)
        conditions = search.filter_conditions(form)
        sheet = export_workbook.sheet_columns()
        rows = (sheet.row(lead) for batch in lead_batches(conditions) for lead in batch)
        file, count = export_workbook.xlsx_file(sheet, rows)
        with file:
            export_jobs.copy_into(file, path)
    return count


def build_all(lead_batches: Batches) -> tuple[list[int], int]:
    """Every waiting workbook built, then the expired ones deleted: the ids built, and how
    many expired jobs were deleted."""
    built = export_jobs.build_waiting(partial(build_file, lead_batches))
    return built, export_jobs.delete_expired()
