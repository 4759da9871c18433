"""The live rule version, and signing one off.

``live()`` answers "which rule version decides for patients now, and who signed
it". The deployed file and the drafts clinicians sign in the console
(staff.rulebook's drafts, stored here as sign-offs with their exact text) are one
history, ordered by when each was signed:

- The newest sign-off, not withdrawn, that passes the proof decides, among the
  deployed file's own sign-off and every signed draft's. A newer signed draft
  therefore replaces a signed deployed file without a release; a release signed
  after the draft replaces the draft.
- In production, while the deployed file awaits sign-off, every other signed
  version counts too (as before drafts: the newest signed version keeps deciding
  until the new release is signed). With none, nobody is decided (the check and
  the API answer 503).
- Outside production an unsigned deployed file decides when no signed draft is
  newer than it: a signed draft counts as newer (it was made and signed on top of a
  released file), so it decides; otherwise the unsigned file decides and patient
  pages say it is not for patients. Other released versions signed earlier do not
  displace an unsigned deployed file there (a developer sees what they deployed).
- A signed release that is deployed again (a rollback) decides over older signed
  releases, as before; it does not decide over a draft signed after it (withdraw the
  draft's sign-off to go back).

A withdrawn sign-off (``withdraw``) counts nowhere a version is chosen: its
version is unsigned from then on, and the same text cannot be signed again.

The choice is read from the database and kept in this process for at most
``LIVE_RULES_TTL`` seconds (``live_rules_ttl``; 10 by default, core.config's
``LIVE_RULES_TTL_DEFAULT``): a sign-off made on any instance reaches every instance
within that time, and this instance at once. When the
database cannot be read, the last choice stands (the check keeps working
through a short outage); with no earlier choice, production refuses to decide.
Either way the database is asked again after another ``LIVE_RULES_TTL``, not on
every request, which would each wait for the connection timeout.
A signed version loaded from the database is proved again, against today's
safety properties, before it decides; proved versions are kept by their hash,
which is derived data, not state. A draft that fails its proof is never signed
(``sign_text`` proves it first), and would not decide if it were.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy import Select, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import defer

import rules
from core.config import LIVE_RULES_TTL_DEFAULT
from core.dbtypes import utcnow
from core.extensions import db
from signoff.deployed import DeployedRules, RulesNotProved, deployed, prove
from signoff.draft_models import RuleDraft
from signoff.models import RuleSignOff
from web import errors, render_cache

__all__ = [
    "LiveRules",
    "RulesUnavailable",
    "SignOff",
    "SignRefused",
    "baseline",
    "choice_after_withdrawal",
    "forget_choice",
    "live",
    "live_rulebase",
    "production",
    "require_live",
    "sign",
    "sign_text",
    "signed_text",
    "signoff_of",
    "signoffs",
    "withdraw",
]

log = logging.getLogger(__name__)


class RulesUnavailable(Exception):
    """No signed rule version may decide (production, nothing signed): answer 503."""


class SignRefused(Exception):
    """``sign`` recorded nothing: the version is ``signed_already``, or its sign-off was
    ``withdrawn`` (final for that exact text: a new version must be published)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class SignOff:
    """Who signed which version, and when: what a result page and the console show."""

    sha256: str
    version: str
    signer_name: str
    signer_registration: str
    signed_at: datetime
    proof_summary: str
    withdrawn_at: datetime | None = None  # set: it decides nothing any more
    withdrawn_by_name: str | None = None
    withdrawn_reason: str | None = None

    @classmethod
    def of(cls, row: RuleSignOff) -> SignOff:
        return cls(
            row.sha256,
            row.version,
            row.signer_name,
            row.signer_registration,
            row.signed_at,
            row.proof_summary,
            row.withdrawn_at,
            row.withdrawn_by_name,
            row.withdrawn_reason,
        )

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


@dataclass(frozen=True)
class LiveRules:
    """The rule version deciding for patients now, and the deployed one beside it."""

    base: rules.RuleBase | None  # None: nobody may be decided (production, nothing signed)
    signoff: SignOff | None  # the sign-off of ``base``; None: unsigned (outside production)
    deployed: rules.RuleBase
    deployed_signoff: SignOff | None

    @property
    def awaiting_signoff(self) -> bool:
        """The deployed version has not been signed (it may or may not be deciding)."""
        return self.deployed_signoff is None

    def deciding(self) -> rules.RuleBase:
        """The version that decides now; RulesUnavailable when none may."""
        if self.base is None:
            raise RulesUnavailable
        return self.base

    @property
    def not_for_patients(self) -> bool:
        """An unsigned version decides: only ever outside production."""
        return self.base is not None and self.signoff is None


def production() -> bool:
    return current_app.config.get("APP_ENV") == "production"


def live_rules_ttl() -> float:
    """Seconds an instance keeps its live choice: LIVE_RULES_TTL (default in core.config)."""
    return float(current_app.config.get("LIVE_RULES_TTL", LIVE_RULES_TTL_DEFAULT))


def live() -> LiveRules:
    """The live choice, at most LIVE_RULES_TTL seconds old."""
    kept: _Kept = current_app.extensions["live_rules"]
    ttl = live_rules_ttl()
    now = time.monotonic()
    choice = kept.choice
    if choice is not None and now - kept.at < ttl:
        return choice
    if choice is None and now - kept.unreadable_at < ttl:
        return _without_a_choice()  # the database failed a moment ago: do not wait on it again
    with kept.lock:
        if kept.choice is not None and time.monotonic() - kept.at < ttl:
            return kept.choice
        try:
            fresh = _choose()
        except SQLAlchemyError as error:
            db.session.rollback()
            # Ask the database again after another LIVE_RULES_TTL, not on every request:
            # during an outage each try waits for its connection timeout.
            if kept.choice is not None:
                kept.at = time.monotonic()
                log.warning(
                    "rule sign-offs unreadable (%s): the last choice stands", type(error).__name__
                )
                return kept.choice
            kept.unreadable_at = time.monotonic()
            log.warning("rule sign-offs unreadable (%s)", type(error).__name__)
            return _without_a_choice()
        kept.choice, kept.at = fresh, time.monotonic()
        return fresh


def _without_a_choice() -> LiveRules:
    """The database could not be read and nothing was chosen before: production decides
    nobody; elsewhere the deployed version decides, unsigned."""
    if production():
        raise RulesUnavailable
    base = deployed().base
    return LiveRules(base, None, base, None)


def require_live() -> None:
    """Refuse (RulesUnavailable, answered 503) while no rule version may decide."""
    live_rulebase()


def live_rulebase() -> rules.RuleBase:
    """The version that decides now; RulesUnavailable when none may."""
    return live().deciding()


def _choose(*, without: str | None = None, in_production: bool | None = None) -> LiveRules:
    """The choice now; ``without``: as if that sign-off were withdrawn too.

    One history (see the module's docstring): the newest active sign-off that may
    decide and passes the proof.
    """
    shipped = deployed().base
    prod = production() if in_production is None else in_production
    deployed_row = db.session.scalar(_active().where(RuleSignOff.sha256 == shipped.sha256))
    if deployed_row is not None and deployed_row.sha256 == without:
        deployed_row = None
    deployed_signoff = SignOff.of(deployed_row) if deployed_row is not None else None
    drafts = _signed_drafts()
    if deployed_signoff is not None and not drafts:  # the common case: one read more at most
        return LiveRules(shipped, deployed_signoff, shipped, deployed_signoff)
    rows = [row for row in db.session.scalars(_newest_first(_active())) if row.sha256 != without]
    for row in rows:
        if row.sha256 == shipped.sha256:
            return LiveRules(shipped, deployed_signoff, shipped, deployed_signoff)
        if row.sha256 in drafts or (prod and deployed_row is None):
            base = _proved_signed(row)
            if base is not None:
                return LiveRules(base, SignOff.of(row), shipped, deployed_signoff)
    if not prod:
        return LiveRules(shipped, None, shipped, None)
    return LiveRules(None, None, shipped, None)


def _signed_drafts() -> set[str]:
    """The hashes of the versions signed from a console draft."""
    return set(
        db.session.scalars(
            select(RuleDraft.signed_sha256).where(RuleDraft.signed_sha256.is_not(None))
        )
    )


def choice_after_withdrawal(sha256: str, *, in_production: bool) -> LiveRules:
    """What would decide (in production or not) once this sign-off is withdrawn: what the
    console tells a clinician before they withdraw it."""
    return _choose(without=sha256, in_production=in_production)


def _without_text() -> Select[tuple[RuleSignOff]]:
    """Sign-offs without their rule text, read only for a version not proved here yet."""
    return select(RuleSignOff).options(defer(RuleSignOff.rules_text))


def _active() -> Select[tuple[RuleSignOff]]:
    """Sign-offs that still count: not withdrawn."""
    return _without_text().where(RuleSignOff.withdrawn_at.is_(None))


def _newest_first(query: Select[tuple[RuleSignOff]]) -> Select[tuple[RuleSignOff]]:
    return query.order_by(RuleSignOff.signed_at.desc(), RuleSignOff.id.desc())


def _proved_signed(row: RuleSignOff) -> rules.RuleBase | None:
    """A stored signed version, once its text matches its hash and it passes the proof."""
    proved: dict[str, rules.RuleBase | None] = current_app.extensions["signed_rulebases"]
    if row.sha256 not in proved:
        data = row.rules_text.encode("utf-8")
        base = None
        if hashlib.sha256(data).hexdigest() != row.sha256:
            log.error("signed rule version %s: its stored text does not match its hash", row.sha256)
        else:
            try:
                base = prove(Path(f"signed:{row.sha256[:12]}"), data).base
            except RulesNotProved as refused:
                log.error(
                    "signed rule version %s no longer passes the proof:\n%s", row.sha256, refused
                )
        proved[row.sha256] = base
    return proved[row.sha256]


def baseline(*, without: str | None = None) -> tuple[SignOff, rules.RuleBase] | None:
    """The newest signed version, not withdrawn, other than the deployed one (and than
    ``without``), that still passes the proof: what a version awaiting sign-off is compared
    with, and what decides in production meanwhile."""
    skipped = [deployed().base.sha256, *([without] if without else [])]
    for row in db.session.scalars(
        _newest_first(_active().where(RuleSignOff.sha256.not_in(skipped)))
    ):
        base = _proved_signed(row)
        if base is not None:
            return SignOff.of(row), base
    return None


def signoff_of(sha256: str) -> SignOff | None:
    """The sign-off of the version with this hash (a stored lead's), if it was signed;
    withdrawn or not (it says which)."""
    row = db.session.scalar(_without_text().where(RuleSignOff.sha256 == sha256))
    return SignOff.of(row) if row else None


def signoffs() -> list[SignOff]:
    """Every sign-off, withdrawn ones too, newest first."""
    return [SignOff.of(row) for row in db.session.scalars(_newest_first(_without_text()))]


def sign(*, signer_id: int, name: str, registration: str, email: str) -> SignOff:
    """Record a sign-off of the deployed version in the caller's transaction.

    The caller checks who may sign and their password, writes the audit event and
    commits, then calls ``forget_choice()`` so this instance uses it at once. A version
    signed already, or whose sign-off was withdrawn, is refused (``SignRefused``). The row
    is written at the commit: one signed by someone else at this very moment fails there,
    as an IntegrityError the caller answers as ``signed_already``.
    """
    return _record(
        deployed(), signer_id=signer_id, name=name, registration=registration, email=email
    )


def sign_text(
    data: bytes,
    *,
    label: str,
    signer_id: int,
    name: str,
    registration: str,
    email: str,
) -> tuple[SignOff, rules.RuleBase]:
    """Record a sign-off of these exact rule-file bytes (a console draft), in the caller's
    transaction, once they pass the whole proof (``RulesNotProved`` otherwise).

    As ``sign``: the caller checks who may sign, audits, commits, then ``forget_choice()``.
    Text signed already, or whose sign-off was withdrawn, is refused (``SignRefused``).
    """
    proved = prove(Path(label), data)
    signed = _record(proved, signer_id=signer_id, name=name, registration=registration, email=email)
    return signed, proved.base


def _record(
    proved: DeployedRules, *, signer_id: int, name: str, registration: str, email: str
) -> SignOff:
    """Add the sign-off row of a proved version (its exact text) to the caller's session;
    ``SignRefused`` when that text was signed already or its sign-off withdrawn."""
    earlier = signoff_of(proved.base.sha256)
    if earlier is not None:
        raise SignRefused("withdrawn" if earlier.withdrawn else "signed_already")
    row = RuleSignOff(
        sha256=proved.base.sha256,
        version=proved.base.version,
        rules_text=proved.data.decode("utf-8"),
        proof_summary=proved.proof[:500],
        signer_id=signer_id,
        signer_name=name,
        signer_registration=registration,
        signer_email=email,
        signed_at=utcnow(),
    )
    db.session.add(row)
    return SignOff.of(row)


def signed_text(sha256: str) -> str | None:
    """The exact text of the signed version with this hash (withdrawn or not); None if none."""
    return db.session.scalar(select(RuleSignOff.rules_text).where(RuleSignOff.sha256 == sha256))


def withdraw(sha256: str, *, name: str, reason: str) -> SignOff | None:
    """Withdraw the sign-off of the version with this hash, in the caller's transaction;
    None when it has none, or it is withdrawn already (by someone else a moment ago).

    The caller checks who may withdraw and their password, writes the audit event and
    commits, then calls ``forget_choice()`` so this instance stops using it at once;
    every other instance stops within LIVE_RULES_TTL seconds.
    """
    done = db.session.execute(
        update(RuleSignOff)
        .where(RuleSignOff.sha256 == sha256, RuleSignOff.withdrawn_at.is_(None))
        .values(withdrawn_at=utcnow(), withdrawn_by_name=name, withdrawn_reason=reason)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        return None
    row = db.session.scalar(
        _without_text()
        .where(RuleSignOff.sha256 == sha256)
        .execution_options(populate_existing=True)
    )
    return SignOff.of(row)


def forget_choice() -> None:
    """Choose afresh at the next request (after a sign-off or a withdrawal here)."""
    kept: _Kept = current_app.extensions["live_rules"]
    with kept.lock:
        kept.choice = None
        kept.unreadable_at = float("-inf")


class _Kept:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.choice: LiveRules | None = None
        self.at = 0.0
        self.unreadable_at = float("-inf")  # when the database last failed with no choice


def _page_variant() -> bool:
    """Pages are drawn with or without the not-for-patients notice."""
    try:
        return live().not_for_patients
    except RulesUnavailable:
        return False


def init_app(app: Flask) -> None:
    app.extensions["live_rules"] = _Kept()
    app.extensions["signed_rulebases"] = {}
    render_cache.vary_pages_on(app, _page_variant)

    @app.errorhandler(RulesUnavailable)
    def no_signed_rules(_error):
        """Production with no signed rule version: a kind 503, never a decision."""
        log.error("no signed rule version may decide: a clinician must sign one off")
        body, code = errors.page(
            503,
            _("The check is not available right now"),
            _(
                "The check is waiting for the clinic's clinical review, so it cannot give "
                "results at the moment. Please try again later, or call the clinic: "
                "they will gladly talk it through with you."
            ),
        )
        return body, code, {"Retry-After": "3600"}

    @app.context_processor
    def rules_status():
        return {"rules_not_for_patients": _page_variant}
