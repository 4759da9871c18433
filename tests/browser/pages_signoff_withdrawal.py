"""Browser-registry states of withdrawing a rule version's sign-off: the confirmation page
(also sent without a reason), and the rule book with a withdrawn sign-off in its history.

The registry's server is shared by every area's states, and its deployed version must stay
unsigned for theirs (the sign-off form, the 503 page): each state here stores sign-offs of
other versions (the shipped rules widened, under version numbers of their own) for as long
as its page takes to draw, then removes them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import delete

from core.extensions import db
from rules.engine import RULES_PATH
from signoff.models import RuleSignOff
from signoff.service import forget_choice
from tests.browser.pages import PageState, staff
from tests.signoff_support import MINOR, SHIPPED_VERSION, SIGNER

ACTIVE_VERSION = "2026.10.0"
WITHDRAWN_VERSION = "2026.9.0"
REASON = "The under-21 rule was widened in error: minors are under 18 in this clinic."


def _other_version(version: str, age: int) -> tuple[str, str]:
    """The shipped rules with the minor rule widened to ``age``: (sha256, text)."""
    text = RULES_PATH.read_text(encoding="utf-8")
    text = text.replace(MINOR, MINOR.replace("18", str(age))).replace(
        SHIPPED_VERSION, f'version = "{version}"'
    )
    return hashlib.sha256(text.encode()).hexdigest(), text


def _row(version: str, age: int, signed_at: datetime, **withdrawn) -> RuleSignOff:
    sha256, text = _other_version(version, age)
    return RuleSignOff(
        sha256=sha256,
        version=version,
        rules_text=text,
        proof_summary="(stored by the browser registry)",
        signer_name=SIGNER["name"],
        signer_registration=SIGNER["registration"],
        signer_email="lead@clinic.test",
        signed_at=signed_at,
        **withdrawn,
    )


@contextmanager
def _signoffs(server, *, with_withdrawn: bool) -> Iterator[str]:
    """An older version signed off (and one withdrawn) while the page is drawn: the signed
    one's sha256."""
    app = server.app
    with app.app_context():
        rows = [_row(ACTIVE_VERSION, 19, datetime(2026, 11, 2, 9, 0, tzinfo=UTC))]
        if with_withdrawn:
            rows.append(
                _row(
                    WITHDRAWN_VERSION,
                    20,
                    datetime(2026, 10, 1, 9, 0, tzinfo=UTC),
                    withdrawn_at=datetime(2026, 11, 1, 16, 30, tzinfo=UTC),
                    withdrawn_by_name=SIGNER["name"],
                    withdrawn_reason=REASON,
                )
            )
        db.session.add_all(rows)
        db.session.commit()
        stored = [row.sha256 for row in rows]
        forget_choice()
    try:
        yield stored[0]
    finally:
        with app.app_context():
            db.session.execute(delete(RuleSignOff).where(RuleSignOff.sha256.in_(stored)))
            db.session.commit()
            forget_choice()


def withdraw_question(page, server) -> None:
    with _signoffs(server, with_withdrawn=False) as sha256:
        staff(f"/staff/rules/withdraw?sha256={sha256}", with_lead=False, role="clinician")(
            page, server
        )
        page.wait_for_selector("#reason")


def withdraw_errors(page, server) -> None:
    """The confirmation sent without a reason or password: both named, nothing withdrawn."""
    with _signoffs(server, with_withdrawn=False) as sha256:
        staff(f"/staff/rules/withdraw?sha256={sha256}", with_lead=False, role="clinician")(
            page, server
        )
        page.locator("main form button[type=submit]").click()
        page.wait_for_selector("#error-summary")


def rule_book_with_a_withdrawal(page, server) -> None:
    with _signoffs(server, with_withdrawn=True):
        staff("/staff/rules", with_lead=False, role="clinician")(page, server)
        page.wait_for_selector(".withdrawn-reason")


PAGES: list[PageState] = [
    PageState("staff-rule-book-withdraw-question", withdraw_question),
    PageState("staff-rule-book-withdraw-errors", withdraw_errors),
    PageState("staff-rule-book-withdrawn", rule_book_with_a_withdrawal),
    PageState("es-staff-rule-book-withdraw-question", withdraw_question, lang="es"),
    PageState("es-staff-rule-book-withdrawn", rule_book_with_a_withdrawal, lang="es"),
]
