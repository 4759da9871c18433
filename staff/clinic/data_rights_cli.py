"""`flask leads data-request EMAIL|PHONE [--export FILE] [--erase]`: a person's data request
from a terminal, audited like the console's (by email or by phone, never the value);
`flask leads purge`: personal data past retention, deleted and audited."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from core.extensions import db
from leads.service import (
    HeldDataChanged,
    Match,
    Person,
    erase_person,
    export_document,
    find_person,
    purge_older_than,
)
from staff.console.audit import record

leads_cli = AppGroup("leads", help="Personal data of people who asked to be contacted.")


@leads_cli.command("data-request")
@click.argument("who")
@click.option(
    "--export",
    "export_to",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write everything found to this JSON file (the console's export).",
)
@click.option("--erase", is_flag=True, help="Erase everything found (asks first).")
@click.option("--yes", is_flag=True, help="Erase without asking.")
def data_request(who: str, export_to: Path | None, erase: bool, yes: bool) -> None:
    """Find everything held about a person by email or phone; export it, erase it."""
    try:
        person = Person.of(email=who) if "@" in who else Person.of(phone=who)
    except ValueError:
        raise click.ClickException(
            f"{who!r} is neither an email address nor a phone number."
        ) from None
    held = find_person(person)
    counts = held.counts
    record("data_request", detail=f"by {person.searched_by}: {counts.in_words()} found", actor=None)
    db.session.commit()
    numbers = ", ".join(f"#{lead_id}" for lead_id in held.lead_ids) or "none"
    click.echo(
        f"Found {counts.in_words()} and {len(held.audit_mentions)} audit log entries "
        f"(leads: {numbers})."
    )
    for lead_id in held.lead_ids:
        click.echo(f"  #{lead_id}: " + "; ".join(_why(m) for m in held.matches_of(lead_id)))
    if export_to is not None:
        document = export_document(held, exported_by="the command line")
        export_to.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", "utf-8")
        record("data_export", detail=f"by {person.searched_by}: {counts.in_words()}", actor=None)
        db.session.commit()
        click.echo(f"Wrote {export_to}.")
    if erase and held.leads:
        if not yes:
            click.confirm(f"Erase {counts.in_words()} for good?", abort=True)
        try:
            erased = erase_person(person, held.lead_ids, actor=None)
        except HeldDataChanged:
            db.session.rollback()
            raise click.ClickException(
                "What is held changed meanwhile: nothing was erased."
            ) from None
        click.echo(
            f"Erased {erased.in_words()}. Copies already delivered to the clinic's inbox "
            "or a webhook receiver must be erased there."
        )


def _why(match: Match) -> str:
    """Why a lead was found, in words: "its email" or "its phone before a correction on …"."""
    if match.current:
        return f"its {match.field}"
    return f"its {match.field} before a correction on {match.corrected_at:%Y-%m-%d %H:%M} UTC"


@leads_cli.command("purge")
@click.option(
    "--older-than",
    "days",
    type=click.IntRange(min=0),
    default=None,
    help="Delete leads older than this many days (default: RETENTION_DAYS, 365).",
)
def purge_command(days: int | None) -> None:
    """Delete personal data past retention; anonymous counts are kept."""
    days = current_app.config["RETENTION_DAYS"] if days is None else days
    deleted = purge_older_than(days)
    record("purge", detail=f"{deleted} leads older than {days} days", actor=None)
    db.session.commit()
    click.echo(f"Deleted {deleted} lead(s) older than {days} days.")
