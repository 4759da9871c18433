"""`flask verdicts import FILE.csv` and `flask verdicts scorecard [--version SHA256] --json`:
for a clinic moving verdicts from its own records, and for its surveillance report."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from core.extensions import db
from signoff.deployed import RulesNotProved, deployed, prove
from staff.verdicts import csv_import
from staff.verdicts.figures import replay_on_verdicts, scorecards

verdicts_cli = AppGroup("verdicts", help="Clinicians' verdicts against the check's outcomes.")

#: The figures the plain (not --json) scorecard prints, in order.
PLAIN = ("leads", "verified", "tp", "fn", "fp", "tn", "sensitivity", "npv", "kappa",
         "exact_agreement", "corrected_sensitivity", "under_triage", "over_triage")  # fmt: skip


@verdicts_cli.command("import")
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
def import_command(csv_file) -> None:
    """Record the verdicts in CSV_FILE (header lead,verdict,concerns,clinician_email,
    examined_on); nothing is stored if any row is wrong."""
    with force_locale("en"):  # the terminal's messages: no request chooses a language
        rows, problems = csv_import.read(csv_file.read())
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(
            f"{len(problems)} problem(s) found: no verdict was stored. Fix them and run it again."
        )
    stored = csv_import.store(rows)
    db.session.commit()
    click.echo(f"{stored} verdict(s) recorded.")


@verdicts_cli.command("scorecard")
@click.option("--version", "sha256", default=None, help="Only the rule version with this sha256.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per rule version.")
def scorecard_command(sha256: str | None, as_json: bool) -> None:
    """The check's outcomes against clinicians' verdicts, per rule version."""
    cards = scorecards(sha256)
    if sha256 and not cards:
        raise click.ClickException(f"no stored lead was decided by a version with sha256 {sha256}")
    if as_json:
        click.echo(json.dumps(cards, indent=2))
        return
    for card in cards:
        click.echo(f"version {card['version']}  sha256 {card['sha256']}")
        for name in PLAIN:
            click.echo(f"  {name:<22} {'-' if card[name] is None else card[name]}")


@verdicts_cli.command("replay")
@click.argument("rules_file", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the replay as JSON.")
def replay_command(rules_file: str | None, as_json: bool) -> None:
    """Before signing RULES_FILE (default: the deployed version): the recorded disagreements it
    would fix and the agreements it would break, on every lead with a verdict."""
    try:
        candidate = prove(Path(rules_file)).base if rules_file else deployed().base
    except RulesNotProved as refused:
        raise click.ClickException(str(refused)) from None
    result = replay_on_verdicts(candidate)
    if as_json:
        click.echo(json.dumps(asdict(result), indent=2))
        return
    click.echo(
        f"{result.verified} lead(s) with a verdict decided again by version {result.version}: "
        f"{len(result.fixed)} disagreement(s) fixed, {len(result.broken)} agreement(s) broken."
    )
    for label, ids in (("fixed", result.fixed), ("broken", result.broken)):
        if ids:
            click.echo(f"  {label}: " + ", ".join(f"#{lead_id}" for lead_id in ids))
