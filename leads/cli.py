"""`flask leads purge` and `flask outbox deliver`, both safe to run from cron."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from extensions import db
from leads import outbox, purge

leads_cli = AppGroup("leads", help="Personal data of people who asked to be contacted.")
outbox_cli = AppGroup("outbox", help="Notifications of new leads (email and webhook).")


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
    from staff.audit import record

    days = current_app.config["RETENTION_DAYS"] if days is None else days
    deleted = purge.purge_older_than(days)
    record("purge", detail=f"{deleted} leads older than {days} days", actor=None)
    db.session.commit()
    click.echo(f"Deleted {deleted} lead(s) older than {days} days.")


@outbox_cli.command("deliver")
@click.option("--limit", type=click.IntRange(min=1), default=500, show_default=True)
def deliver_command(limit: int) -> None:
    """Send every due notification; failures are retried later with backoff."""
    report = outbox.deliver_due(limit=limit)
    sent, retrying, dead = len(report.sent), len(report.retrying), len(report.dead)
    click.echo(f"Sent {sent}, will retry {retrying}, gave up on {dead}.")
    if report.skipped:
        click.echo(f"Left {len(report.skipped)} for the next run: their server failed just now.")
