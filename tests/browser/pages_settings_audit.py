"""Browser-registry states of the clinic settings (time zone, hours, booking tool) and of the
audit log's sentences.

No state saves a setting (the registry's server is shared by every area's
states): the errors state sends every new field wrong, which saves nothing.
The audit rows of several actions are made once, directly in the database.
"""

from __future__ import annotations

from datetime import UTC, datetime

from core.extensions import db
from staff.models import AuditEvent
from tests.browser.pages import PageState, once, staff

SETTINGS = "/staff/admin/settings"


def settings_page(page, server) -> None:
    staff(SETTINGS, with_lead=False)(page, server)
    page.wait_for_selector("#time_zone")


def settings_errors(page, server) -> None:
    """Every new field wrong: each named in the summary, nothing saved."""
    settings_page(page, server)
    page.locator("#time_zone").fill("Mars/Olympus_Mons")
    page.locator("#untouched_hours").fill("0")
    page.locator("#reminder_hours").fill("1000")
    page.locator("#booking_tool_url").fill("http://calendly.com/our-clinic?day={date}")
    page.locator("#settings-form button[type=submit]").click()  # any language
    page.wait_for_selector(".error-summary")


def _sentence_rows(server) -> None:
    def make() -> None:
        with server.app.app_context():
            at = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
            rows = [
                ("update", 1, {"from": "new", "to": "contacted"}, "status new -> contacted"),
                (
                    "call",
                    1,
                    {
                        "outcome": "no_answer",
                        "status_to": None,
                        "follow_up": "2026-12-04T10:00:00+00:00",
                    },
                    "",
                ),
                ("assign", 1, {"to": 1, "to_name": "Ana Ruiz"}, ""),
                ("export", None, {"rows": 12, "format": "csv", "filters": {"status": "new"}}, ""),
                ("contact_change", 1, {"fields": ["email", "phone"]}, ""),
                ("merge", 1, {"from": 12, "into": 1}, ""),
                ("export", None, None, "3 leads; filters {'outcome': 'clinician_review'}"),
            ]
            for minute, (action, lead_id, data, detail) in enumerate(rows):
                db.session.add(
                    AuditEvent(
                        action=action,
                        lead_id=lead_id,
                        data=data,
                        detail=detail,
                        staff_email="ana.ruiz@clinic.test",
                        at=at.replace(minute=minute),
                    )
                )
            db.session.commit()

    once(server, "audit-sentence-rows", make)


def audit_sentences(page, server) -> None:
    _sentence_rows(server)
    staff("/staff/admin/audit?who=ana.ruiz", with_lead=False)(page, server)
    page.wait_for_selector("td.audit-sentence")


PAGES: list[PageState] = [
    PageState("staff-clinic-settings", settings_page),
    PageState("staff-clinic-settings-errors", settings_errors),
    PageState("staff-audit-sentences", audit_sentences),
    PageState("es-staff-clinic-settings-errors", settings_errors, lang="es"),
    PageState("es-staff-audit-sentences", audit_sentences, lang="es"),
]
