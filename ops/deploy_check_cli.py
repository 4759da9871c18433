"""`flask --app app deploy-check URL`: deploy/deploy_check.py, from the app's command line.

The check itself needs only Python's standard library (a machine without the app runs
``python3 deploy/deploy_check.py URL``); this command runs the very same code.
"""

from __future__ import annotations

import click

from deploy.deploy_check import findings_for


@click.command("deploy-check")
@click.argument("url")
@click.option("--http-url", help="Its plain-HTTP address (default: http://HOST/, port 80).")
@click.option("--cafile", help="Trust this CA file (a test certificate) as well.")
@click.option("--source-address", help="The local address to connect from.")
@click.option("--timeout", type=float, default=10, show_default=True, help="Seconds per request.")
def deploy_check(
    url: str, http_url: str | None, cafile: str | None, source_address: str | None, timeout: float
) -> None:
    """Check a running deployment from outside; exit status 1 on any finding."""
    findings = findings_for(url, http_url, cafile, source_address, timeout, out=click.echo)
    if findings:
        raise SystemExit(1)
