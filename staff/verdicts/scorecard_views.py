"""The scorecard in the rule book: per signed rule version, the check against clinicians'
verdicts, raw and corrected for verification side by side; a printable page and a CSV
export for the clinic's surveillance report, every denominator given."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Response, render_template
from flask_babel import lazy_gettext as _l

from core.audit import record
from core.extensions import db
from signoff.deployed import deployed
from staff.console.blueprint import allowed_if, bp
from staff.console.labels import OUTCOME_LABELS
from staff.verdicts.figures import replay_on_verdicts, scorecards
from staff.verdicts.forms import CAUSE_LABELS
from staff.verdicts.scorecard import ORDER

may_read_rules = allowed_if(
    "may_read_rules", refusal=_l("Only clinicians and clinic admins read the rule book.")
)

#: The CSV's figures, one column each (``carried_`` ones from earlier versions beside).
CSV_FIGURES = (
    "leads", "verified", "tp", "fn", "fp", "tn", "sensitivity", "sensitivity_denominator",
    "npv", "npv_denominator", "kappa", "exact_agreement", "missed_upper_bound",
    "corrected_sensitivity", "under_triage", "over_triage", "disagreements",
)  # fmt: skip


@bp.get("/rules/scorecard")
@may_read_rules
def scorecard():
    return render_template(
        "staff/verdicts/scorecard.html",
        cards=scorecards(),
        replay=replay_on_verdicts(deployed().base),
        order=ORDER,
        outcome_labels=OUTCOME_LABELS,
        cause_labels=CAUSE_LABELS,
    )


def _interval(value: list[float] | None) -> str:
    return "" if value is None else f"{value[0]}-{value[1]}"


def _row(card: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    row = {f"{prefix}{name}": "" if card[name] is None else card[name] for name in CSV_FIGURES}
    row[f"{prefix}sensitivity_ci"] = _interval(card["sensitivity_ci"])
    row[f"{prefix}npv_ci"] = _interval(card["npv_ci"])
    for outcome in ORDER:
        stratum = card["by_outcome"][outcome]
        row[f"{prefix}{outcome}_leads"] = stratum["leads"]
        row[f"{prefix}{outcome}_verified"] = stratum["verified"]
        row[f"{prefix}{outcome}_concerns"] = stratum["concerns"]
    return row


@bp.get("/rules/scorecard.csv")
@may_read_rules
def scorecard_csv():
    """One row per rule version: this version's figures, then those carried from earlier."""
    rows = []
    for card in scorecards():
        row = {"sha256": card["sha256"], "version": card["version"], **_row(card)}
        if card["carried"] is not None:
            row |= _row(card["carried"], "carried_")
        rows.append(row)
    columns = list(dict.fromkeys(key for row in rows for key in row)) or ["sha256", "version"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, restval="")
    writer.writeheader()
    writer.writerows(rows)
    record("export", detail=f"verdict scorecard of {len(rows)} rule versions as csv")
    db.session.commit()
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=verdict-scorecard.csv"},
    )
