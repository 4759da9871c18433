"""Browser-registry states of rule drafts: the list (also sent without a name), a draft that
passes its proof (with its sign-off form), one that fails it (findings linked to their
rules), and a rule's form (also sent with entries that cannot make a rule).

Each state stores its draft while its page is drawn, then removes it: nothing is signed,
so the registry's deployed version stays unsigned for every other area's states.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import delete

from core.dbtypes import utcnow
from core.extensions import db
from rules.engine import RULES_PATH
from signoff.draft_models import RuleDraft, RuleDraftChange
from staff.rulebook.draft_toml import dumps, loads
from tests.browser.pages import PageState, staff

AUTHOR = "Ada Clinician"


def _text(*, failing: bool) -> str:
    doc = loads(RULES_PATH.read_text(encoding="utf-8"))
    doc["version"] = "2026.11.0-draft1"
    if failing:  # the keloid rule softened below its minimum: a person it would reassure
        keloid = next(r for r in doc["rule"] if r["id"] == "R-keloid")
        keloid["outcome"] = "clinician_review"
    return dumps(doc)


@contextmanager
def _draft(server, *, failing: bool = False) -> Iterator[int]:
    app = server.app
    with app.app_context():
        now = utcnow().replace(microsecond=0)
        draft = RuleDraft(
            name="Keloids reviewed by a clinician" if failing else "Over-65s reviewed first",
            based_on_sha256="0" * 64,
            rules_text=_text(failing=failing),
            revision=2,
            state="open",
            created_by_name=AUTHOR,
            created_at=now,
            updated_by_name=AUTHOR,
            updated_at=now,
        )
        db.session.add(draft)
        db.session.flush()
        db.session.add(
            RuleDraftChange(
                draft_id=draft.id,
                revision=2,
                staff_name=AUTHOR,
                changed_at=now,
                what="Changed R-keloid" if failing else "Started from version 2026.11.0",
            )
        )
        db.session.commit()
        draft_id = draft.id
    try:
        yield draft_id
    finally:
        with app.app_context():
            db.session.execute(delete(RuleDraftChange).where(RuleDraftChange.draft_id == draft_id))
            db.session.execute(delete(RuleDraft).where(RuleDraft.id == draft_id))
            db.session.commit()


def drafts_list(page, server) -> None:
    with _draft(server):
        staff("/staff/rules/drafts", with_lead=False, role="clinician")(page, server)
        page.wait_for_selector(".draft-list")


def drafts_list_errors(page, server) -> None:
    """Starting a draft without a name: the name is asked for, nothing is started."""
    staff("/staff/rules/drafts", with_lead=False, role="clinician")(page, server)
    page.get_by_role("button", name="Start the draft").click()
    page.wait_for_selector("#error-summary")


def draft_passing(page, server) -> None:
    with _draft(server) as draft_id:
        staff(f"/staff/rules/drafts/{draft_id}", with_lead=False, role="clinician")(page, server)
        page.wait_for_selector(".draft-proof-ok")


def draft_failing(page, server) -> None:
    with _draft(server, failing=True) as draft_id:
        staff(f"/staff/rules/drafts/{draft_id}", with_lead=False, role="clinician")(page, server)
        page.wait_for_selector(".draft-findings")


def draft_rule(page, server) -> None:
    with _draft(server) as draft_id:
        ids = [r["id"] for r in loads(_text(failing=False))["rule"]]
        index = ids.index("R-hypertrophic-mixed")  # two conditions on one multi question
        staff(f"/staff/rules/drafts/{draft_id}/rules/{index}", with_lead=False, role="clinician")(
            page, server
        )
        page.wait_for_selector("#rule_id")


def draft_rule_errors(page, server) -> None:
    """A new rule sent with nothing chosen: every problem named, every entry kept."""
    with _draft(server) as draft_id:
        staff(f"/staff/rules/drafts/{draft_id}/rules/new", with_lead=False, role="clinician")(
            page, server
        )
        page.locator("#new_field").select_option("scar_types")
        page.get_by_role("button", name="Add this condition").click()
        page.wait_for_selector("#c-0")
        page.get_by_role("button", name="Save the rule and run the proof").click()
        page.wait_for_selector("#error-summary")


PAGES: list[PageState] = [
    PageState("staff-rule-drafts", drafts_list),
    PageState("staff-rule-drafts-errors", drafts_list_errors),
    PageState("staff-rule-draft", draft_passing),
    PageState("staff-rule-draft-failing", draft_failing),
    PageState("staff-rule-draft-rule", draft_rule),
    PageState("staff-rule-draft-rule-errors", draft_rule_errors),
    PageState("es-staff-rule-drafts", drafts_list, lang="es"),
    PageState("es-staff-rule-draft-failing", draft_failing, lang="es"),
    PageState("es-staff-rule-draft-rule", draft_rule, lang="es"),
]
