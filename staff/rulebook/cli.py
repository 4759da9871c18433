"""`flask rules status`, `flask rules replay [FILE]` and `flask rules sign EMAIL`: the rule
book's sign-off and replay for a clinic's IT person and clinical lead at a terminal.

``sign`` asks for the clinician's password, exactly as the console's sign-off form
does, and records the same sign-off and audit event (staff.rulebook.signing).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click
from flask.cli import AppGroup

from leads.service import replay
from signoff.deployed import RulesNotProved, deployed, prove
from signoff.service import live
from staff.accounts.service import find_staff
from staff.rulebook.signing import Refused, sign_deployed

rules_cli = AppGroup("rules", help="Rule versions: which decides, replay, sign-off.")

REFUSALS = {
    "not_clinician": "Only an active clinician account can sign rule versions off.",
    "no_name": "The account has no name, and patients are shown the signer's name: "
    "an admin sets it (flask staff, or the console's Staff accounts).",
    "registration": "{message}",
    "changed": "The deployed rule version changed: run the command again.",
    "signed_already": "This version is signed off already.",
    "withdrawn": "Its sign-off was withdrawn: publish a new version to sign it again.",
    "wrong_password": "That is not the password of this account.",
    "wait": "Too many wrong passwords: wait {wait} seconds.",
}


@rules_cli.command("status")
def status() -> None:
    """Which rule version decides for patients, and who signed it."""
    choice = live()
    shipped = choice.deployed
    click.echo(f"deployed  version {shipped.version}  sha256 {shipped.sha256}")
    signed = choice.deployed_signoff
    click.echo(
        f"          signed off by {signed.signer_name} ({signed.signer_registration}) "
        f"on {signed.signed_at:%Y-%m-%d}"
        if signed
        else "          not signed off"
    )
    if choice.base is None:
        click.echo("deciding  nothing: no signed version (the check answers 503)")
    elif choice.base is not shipped:
        click.echo(f"deciding  version {choice.base.version}  sha256 {choice.base.sha256} (signed)")
    elif choice.not_for_patients:
        click.echo("deciding  the deployed version, unsigned: not for patients")
    else:
        click.echo("deciding  the deployed version")


@rules_cli.command("replay")
@click.argument("rules_file", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the replay as JSON.")
def replay_command(rules_file: str | None, as_json: bool) -> None:
    """Decide every stored lead again with RULES_FILE (default: the deployed one)."""
    try:
        candidate = prove(Path(rules_file)).base if rules_file else deployed().base
    except RulesNotProved as refused:
        raise click.ClickException(str(refused)) from None
    result = replay(candidate)
    if as_json:
        click.echo(json.dumps(asdict(result), indent=2))
        return
    click.echo(
        f"{result.leads} stored lead(s) decided again by version {result.version} "
        f"({result.sha256[:16]}): {len(result.changed)} would change, "
        f"{result.outcome_changes} in outcome."
    )
    for change in result.changed:
        gained = "".join(f" +{key}" for key in change.reasons_gained)
        lost = "".join(f" -{key}" for key in change.reasons_lost)
        click.echo(
            f"  #{change.lead_id}: {change.old_outcome} -> {change.new_outcome}{gained}{lost}"
        )
    for lead_id in result.not_decidable:
        click.echo(f"  #{lead_id}: its answers cannot be decided by this version")


@rules_cli.command("sign")
@click.argument("email")
@click.option(
    "--registration",
    required=True,
    help="Register and number, e.g. 'GMC 1234567' (checked against the register's shape).",
)
def sign_command(email: str, registration: str) -> None:
    """Sign the deployed rule version off as the clinician EMAIL (asks for their password),
    under the account's name."""
    user = find_staff(email)
    shipped = deployed().base
    click.echo(f"Signing off version {shipped.version}, sha256 {shipped.sha256}.")
    password = click.prompt("Password", hide_input=True)
    if user is None:
        raise click.ClickException(REFUSALS["not_clinician"])
    outcome = sign_deployed(user, password, registration=registration, sha256=shipped.sha256)
    if isinstance(outcome, Refused):
        raise click.ClickException(
            REFUSALS[outcome.reason].format(wait=outcome.wait, message=outcome.message)
        )
    click.echo(
        f"Signed off by {outcome.signer_name} ({outcome.signer_registration}): "
        f"version {outcome.version} now decides for patients."
    )
