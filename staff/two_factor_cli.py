"""`flask staff reset-two-factor EMAIL`: for the admin who lost their phone and their
recovery codes when no other admin can reset it in the console."""

from __future__ import annotations

import click

from core.extensions import db
from staff import sessions, two_factor
from staff.audit import record
from staff.auth import find_staff
from staff.cli import staff_cli


@staff_cli.command("reset-two-factor")
@click.argument("email")
def reset_two_factor(email: str) -> None:
    """Clear EMAIL's two-factor sign-in and recovery codes; end its sessions."""
    user = find_staff(email)
    if user is None:
        raise click.ClickException(f"No staff account has the email {email}.")
    two_factor.turn_off(user)
    sessions.end_all(user)
    record(
        "two_factor",
        actor=None,
        detail=f"reset two-factor sign-in of {user.email} on the command line",
    )
    db.session.commit()
    click.echo(f"Two-factor sign-in is reset for {user.email}; they sign in with the password.")
