"""``flask --app app exports build``: the workbooks waiting (export_jobs), built; run every
minute by screening-exports.timer (deploy/systemd), safe on several machines at once."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from staff.leads.export_build import build_all
from staff.leads.export_views import lead_batches

exports_cli = AppGroup("exports", help="Lead workbooks too big to build within a request.")


@exports_cli.command("build")
def build_command() -> None:
    """Build the workbooks waiting, then delete the expired ones."""
    built, deleted = build_all(lead_batches)
    click.echo(f"Built {len(built)} workbook(s); deleted {deleted} expired.")
