"""`flask outbox deliver`, safe to run from cron (`flask leads purge` is in
staff/clinic/data_rights_cli.py: it writes the audit log, which is the console's)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from leads import outbox

outbox_cli = AppGroup("outbox", help="Notifications of new leads (email and webhook).")


@outbox_cli.command("deliver")
@click.option("--limit", type=click.IntRange(min=1), default=500, show_default=True)
def deliver_command(limit: int) -> None:
    """Send every due notification; failures are retried later with backoff."""
    report = outbox.deliver_due(limit=limit)
    sent, retrying, dead = len(report.sent), len(report.retrying), len(report.dead)
    click.echo(f"Sent {sent}, will retry {retrying}, gave up on {dead}.")
    if report.skipped:
        click.echo(f"Left {len(report.skipped)} for the next run: their server failed just now.")
    if report.not_wanted:
        click.echo(
            f"Dropped {len(report.not_wanted)} no longer wanted "
            "(their appointment was moved or cancelled)."
        )
