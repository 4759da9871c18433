"""Every page and state a person can see, and how a browser reaches each one.

The accessibility (axe), HTML validity (Nu checker), screenshot, no-horizontal-
scrolling and touch-target tests are all parametrized over ``PAGES``. Adding a
page to every one of those checks is one line here, for example::

    PageState("staff-sign-in", visit("/staff/sign-in")),

A ``reach`` function gets the Playwright page and the live server (whose
``.app`` is the Flask app under test, e.g. to seal a state token) and leaves
the browser showing that state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from support import BY_OUTCOME, HEALTHY

from questionnaire.catalogue import QUESTIONS, STEPS
from questionnaire.state import FlowState

Reach = Callable[[object, object], None]


@dataclass(frozen=True)
class PageState:
    """One thing a person can see: a page, or a page in a particular state."""

    name: str  # also the screenshot's file name
    reach: Reach
    lang: str = "en"  # the browser's Accept-Language


def visit(path: str) -> Reach:
    def reach(page, server) -> None:
        page.goto(server.url + path)

    return reach


def sealed(server, answers: dict, lang: str | None = None) -> str:
    """A state token holding ``answers``, made by the app under test."""
    codec = server.app.extensions["state_codec"]
    return codec.dumps(FlowState(flow_id="browser-test", answers=dict(answers), lang=lang))


def answers_before(step_id: str) -> dict:
    """HEALTHY answers for every step before ``step_id``, so that step can be shown."""
    order = [step.id for step in STEPS]
    earlier = set(order[: order.index(step_id)])
    return {q.id: HEALTHY[q.id] for q in QUESTIONS if q.step in earlier}


def step(step_id: str) -> Reach:
    def reach(page, server) -> None:
        token = sealed(server, answers_before(step_id))
        page.goto(f"{server.url}/check/{step_id}?s={token}")

    return reach


def step_with_errors(step_id: str) -> Reach:
    """The step sent with nothing answered: every question shows its error."""

    def reach(page, server) -> None:
        step(step_id)(page, server)
        page.locator("form button[type=submit]").click()
        page.wait_for_selector("#error-summary")

    return reach


def result(outcome: str) -> Reach:
    def reach(page, server) -> None:
        page.goto(f"{server.url}/check/result?s={sealed(server, BY_OUTCOME[outcome])}")

    return reach


PAGES: list[PageState] = [
    PageState("intro", visit("/")),
    PageState("intro-expired-notice", visit("/?notice=expired")),
    PageState("intro-unreadable-answers", visit("/check/result?s=not-a-token")),
    *(PageState(f"step-{s.id}", step(s.id)) for s in STEPS),
    *(PageState(f"step-{s.id}-errors", step_with_errors(s.id)) for s in STEPS),
    *(PageState(f"result-{outcome}", result(outcome)) for outcome in BY_OUTCOME),
    PageState("not-found", visit("/no-such-page")),
    PageState("es-intro", visit("/"), lang="es"),
    PageState("es-step-health-errors", step_with_errors("health"), lang="es"),
    PageState("es-result-clinician_review", result("clinician_review"), lang="es"),
    # After issue #3 and #4 merge: contact form + confirmation, /staff sign-in, list,
    # detail, dashboard, and /embed pages belong here too.
]
