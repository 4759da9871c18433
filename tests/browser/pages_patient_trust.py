"""Browser-registry states of the privacy notice (issue 18), joined into pages.PAGES.

The notice is one page on the site (the embedded check opens it in a new tab, so the
embed has no page of its own); here in English and in Spanish, and reached the way a
person reaches it from the consent box.
"""

from __future__ import annotations

from tests.browser.pages import PageState, result, visit


def privacy_from_the_consent_box(page, server) -> None:
    """The result page's consent box link, followed (in this tab: its target is a new one)."""
    result("book_consultation")(page, server)
    href = page.locator(".consent-privacy a").get_attribute("href")
    page.goto(server.url + href)


PAGES: list[PageState] = [
    PageState("privacy", visit("/privacy")),
    PageState("es-privacy", visit("/privacy"), lang="es"),
    PageState("privacy-from-consent-box", privacy_from_the_consent_box),
]
