"""How long the result pages and the confirmation are on a phone and a laptop, in screens.

Usage: .venv/bin/python bench/page_heights.py [--no-js] [--unsigned] [--translations DIR]

Serves the app on loopback (SQLite in a temporary folder) with its rules signed off
by a throwaway clinician, so the pages are the ones a patient sees (--unsigned keeps
the "not for patients" test banner; --translations uses a compiled catalogue folder
instead of translations/, to measure Spanish not yet compiled), opens each result
outcome and the confirmation after a real contact request in Debian's Chromium,
at 390x844 (phone) and 1280x800 (laptop), in English and Spanish, and prints each
page's height in px and in screens, and on the phone where the bottom of the
next-step action (the booking link, or the way to ask for a call) and of the first
reason shown are: within the first screen when at most 844. The figures go in docs/patient-pages.md.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import threading
from pathlib import Path

from werkzeug.serving import WSGIRequestHandler, make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "browser")]

from chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from console_support import CONTACT  # noqa: E402
from signoff_support import sign_as_clinician  # noqa: E402
from support import BY_OUTCOME, HEALTHY  # noqa: E402

from app import create_app  # noqa: E402
from questionnaire.state import FlowState  # noqa: E402

VIEWPORTS = {"phone": (390, 844), "laptop": (1280, 800)}
LANGUAGES = ("en", "es")

# The book_consultation answers whose headline must not promise too much (see result_words).
CASES = {
    **BY_OUTCOME,
    "book_consultation (ice pick only)": {**HEALTHY, "scar_types": ["ice_pick"]},
    "book_consultation (not sure)": {**HEALTHY, "scar_types": ["unsure"]},
    "book_consultation (severe)": {**HEALTHY, "scar_severity": "severe"},
}

# The next-step action: marked on today's page; before, the booking button or the contact form.
ACTION = "[data-next-action], .next-step a.button, #contact form button[type=submit]"
# The first reason shown: marked since issue 30; before, the first item of the "Why" lists.
FIRST_REASON = "[data-reason-key], .why li"


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args) -> None:
        """Keep the figures readable: no access log."""


def confirmation_token(app, codec) -> str:
    """A token whose flow has a stored contact request (sent like the form sends it)."""
    token = codec.dumps(FlowState("bench-confirmation", dict(BY_OUTCOME["clinician_review"])))
    response = app.test_client().post("/check/contact", data={"s": token, **CONTACT})
    if response.status_code != 303:
        raise SystemExit(f"the contact request was not accepted ({response.status_code})")
    return token


def bottom_of(page, selector: str) -> int | None:
    """Where the first match of ``selector`` ends, in CSS px from the top; None if absent."""
    element = page.locator(selector).first
    box = element.bounding_box() if element.count() else None
    return round(box["y"] + box["height"]) if box else None


def measure(page, url: str) -> tuple[int, int | None, int | None]:
    """(page height, bottom of the next-step action, bottom of the first reason) in CSS px."""
    page.goto(url)
    height = page.evaluate("document.documentElement.scrollHeight")
    return height, bottom_of(page, ACTION), bottom_of(page, FIRST_REASON)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-js", action="store_true", help="with JavaScript switched off")
    parser.add_argument("--unsigned", action="store_true", help="keep the test banner")
    parser.add_argument("--translations", help="a compiled catalogue folder to use")
    options = parser.parse_args()
    from playwright.sync_api import sync_playwright

    settings = {"SECRET_KEY": "page-heights-bench", "RATELIMIT_ENABLED": False,
                "CONTACT_MIN_SECONDS": 0}  # fmt: skip
    if options.translations is not None:
        settings["BABEL_TRANSLATION_DIRECTORIES"] = str(Path(options.translations).resolve())
    logging.disable(logging.INFO)  # only the figures
    app = create_app(settings, instance_path=tempfile.mkdtemp())
    if not options.unsigned:
        sign_as_clinician(app)
    codec = app.extensions["state_codec"]
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    urls = {
        f"result {name}": f"{base}/check/result?s={codec.dumps(FlowState('bench', answers))}"
        for name, answers in CASES.items()
    }
    urls["confirmation"] = f"{base}/check/contact/done?s={confirmation_token(app, codec)}"

    rules = "unsigned (test banner)" if options.unsigned else "signed off"
    print(
        f"JavaScript {'off' if options.no_js else 'on'}, rules {rules}; screens = height / viewport"
    )
    header = "".join(f"{f'{v} {lang}':>22}" for v in VIEWPORTS for lang in LANGUAGES)
    print(f"{'page':42}{header}{'action y (phone en/es)':>26}{'1st reason y':>16}")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        contexts = {
            (view, lang): browser.new_context(
                viewport={"width": w, "height": h},
                locale=lang,
                extra_http_headers={"Accept-Language": lang},
                java_script_enabled=not options.no_js,
            )
            for view, (w, h) in VIEWPORTS.items()
            for lang in LANGUAGES
        }
        pages = {key: context.new_page() for key, context in contexts.items()}
        for name, url in urls.items():
            cells, actions, reasons = [], [], []
            for (view, _lang), page in pages.items():
                height, action, reason = measure(page, url)
                cells.append(f"{height:>7} px {height / VIEWPORTS[view][1]:4.1f} scr")
                if view == "phone":
                    actions.append("-" if action is None else str(action))
                    reasons.append("-" if reason is None else str(reason))
            print(
                f"{name:42}"
                + "".join(f"{c:>22}" for c in cells)
                + f"{'/'.join(actions):>26}{'/'.join(reasons):>16}"
            )
        browser.close()
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
