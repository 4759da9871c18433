"""What withdrawing a sign-off will do, in words, for the page that asks a clinician to confirm.

Worked out from the same choice the live rules make (``signoff.service``), as if the
sign-off were gone: which version then decides, or that patients are told the check is
not available. Outside production it also says what production would do, since a
withdrawal there is the one that matters.
"""

from __future__ import annotations

from flask_babel import gettext as _

from signoff.service import SignOff, choice_after_withdrawal, live, live_rules_ttl, production
from web.formatting import local_date, local_number


def _signer(signed: SignOff) -> str:
    return _(
        "signed off by %(name)s on %(date)s",
        name=signed.signer_name,
        date=local_date(signed.signed_at),
    )


def consequences(target: SignOff) -> list[str]:
    """What happens to patients once ``target`` is withdrawn, a sentence each."""
    seconds = local_number(live_rules_ttl())
    deciding = live().signoff
    after = choice_after_withdrawal(target.sha256, in_production=production())
    said: list[str] = []
    if (
        after.signoff is not None
        and deciding is not None
        and after.signoff.sha256 == deciding.sha256
    ):
        said.append(
            _(
                "Patients notice nothing: version %(version)s, which decides now, goes on "
                "deciding.",
                version=after.signoff.version,
            )
        )
    elif after.signoff is not None:
        said.append(
            _(
                "From then on version %(version)s (%(signer)s) decides for patients, on every "
                "instance within %(seconds)s seconds.",
                version=after.signoff.version,
                signer=_signer(after.signoff),
                seconds=seconds,
            )
        )
    elif after.base is None:
        said.append(
            _(
                "No other signed version is left: from then on the check and the API tell "
                "patients that they are not available (503), on every instance within "
                "%(seconds)s seconds, until a clinician signs a new version off.",
                seconds=seconds,
            )
        )
    else:
        said.append(
            _(
                "Outside production, as here, the deployed version %(version)s then decides, "
                "unsigned, and every patient page says the rules are not for patients.",
                version=after.base.version,
            )
        )
        said.append(_in_production(target))
    said.append(
        _("Withdrawal is final for this exact text: publish a new version to sign it again.")
    )
    said.append(
        _(
            "Leads it decided keep their result; the console and the API will say that its "
            "sign-off was withdrawn."
        )
    )
    return said


def _in_production(target: SignOff) -> str:
    after = choice_after_withdrawal(target.sha256, in_production=True)
    if after.signoff is None:
        return _(
            "In production, no other signed version would be left: the check and the API "
            "would tell patients that they are not available (503)."
        )
    return _(
        "In production, version %(version)s (%(signer)s) would decide.",
        version=after.signoff.version,
        signer=_signer(after.signoff),
    )
