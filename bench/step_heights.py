"""Page heights of the intro and every step, on a phone and a laptop, in English and Spanish.

Usage: .venv/bin/python bench/step_heights.py [--translations DIR] [--unsigned] [--no-js]
(uses Debian's chromium through Playwright; DIR: a compiled catalogue to use instead of
translations/, to measure Spanish texts written but not yet compiled)

For each page it prints the document height in CSS pixels, where the page's main
button ends as the page opens (the intro's start button, a step's Continue; a sticky
Continue ends at the screen's foot), whether that button is within the first screen,
and a reading-time estimate: the words a person reads in
<main> at READING_WPM words a minute, plus SECONDS_PER_ANSWER for each question to
decide and tap (docs/patient-pages.md, "Intro and steps", says why these figures).
The rules are signed off first by a throwaway clinician, so the pages are the ones
a patient sees (no "not signed off" test banner; --unsigned keeps it). Steps are
reached with healthy answers to every earlier step, as the browser registry does.
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
from signoff_support import sign_as_clinician  # noqa: E402
from support import HEALTHY  # noqa: E402

from app import create_app  # noqa: E402
from questionnaire.catalogue import QUESTIONS, STEPS  # noqa: E402
from questionnaire.state import FlowState  # noqa: E402

VIEWPORTS = {"phone": (390, 844), "laptop": (1280, 800)}
LANGUAGES = ("en", "es")
READING_WPM = 180  # careful reading of health questions on a phone (see the docs)
SECONDS_PER_ANSWER = 3.0  # decide, then tap one option

# The page's main action: the intro's start button, or the step form's visible submit button.
MEASURE = """() => {
  const button = document.querySelector('.button-start, main form button.button');
  const box = button.getBoundingClientRect();
  const words = document.querySelector('main').innerText.split(/\\s+/).filter(Boolean);
  return {height: document.documentElement.scrollHeight,
          button: Math.round(box.bottom + window.scrollY),
          words: words.length,
          questions: document.querySelectorAll('main .question').length};
}"""


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args) -> None:
        """Keep the figures readable: no access log."""


def answers_before(step_id: str) -> dict:
    order = [step.id for step in STEPS]
    earlier = set(order[: order.index(step_id)])
    return {q.id: HEALTHY[q.id] for q in QUESTIONS if q.step in earlier}


def pages(app, base: str) -> dict[str, str]:
    codec = app.extensions["state_codec"]
    found = {"intro": base + "/"}
    for step in STEPS:
        token = codec.dumps(FlowState("bench", answers_before(step.id)))
        found[f"step {step.id}"] = f"{base}/check/{step.id}?s={token}"
    return found


def main() -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--translations", help="a compiled catalogue folder to use")
    parser.add_argument(
        "--unsigned", action="store_true", help="leave the rules unsigned (the test banner shows)"
    )
    parser.add_argument("--no-js", action="store_true", help="with JavaScript switched off")
    arguments = parser.parse_args()
    settings = {"SECRET_KEY": "step-heights-bench", "RATELIMIT_ENABLED": False}
    if arguments.translations is not None:
        settings["BABEL_TRANSLATION_DIRECTORIES"] = str(Path(arguments.translations).resolve())
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(settings, instance_path=folder)
        logging.disable(logging.INFO)  # no access log between the figures
        if not arguments.unsigned:
            sign_as_clinician(app)
        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        print(f"{'page':16} {'device':7} lang  height  button  1st screen  words  q  est. s")
        totals: dict[tuple[str, str, bool], float] = {}
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for device, (width, height) in VIEWPORTS.items():
                for lang in LANGUAGES:
                    context = browser.new_context(
                        viewport={"width": width, "height": height},
                        locale=lang,
                        extra_http_headers={"Accept-Language": lang},
                        java_script_enabled=not arguments.no_js,
                    )
                    page = context.new_page()
                    for name, url in pages(app, base).items():
                        page.goto(url)
                        m = page.evaluate(MEASURE)
                        seconds = (
                            m["words"] * 60 / READING_WPM + m["questions"] * SECONDS_PER_ANSWER
                        )
                        key = (device, lang, name == "intro")
                        totals[key] = totals.get(key, 0) + seconds
                        within = "yes" if m["button"] <= height else "no"
                        print(
                            f"{name:16} {device:7} {lang:4} {m['height']:7} {m['button']:7}"
                            f"  {within:10} {m['words']:6} {m['questions']:2} {seconds:6.0f}"
                        )
                    context.close()
            browser.close()
        server.shutdown()
        for lang in LANGUAGES:
            steps, intro = totals[("phone", lang, False)], totals[("phone", lang, True)]
            print(
                f"estimated time, {lang}: every step {steps / 60:.1f} minutes"
                f" (with reading the intro {(steps + intro) / 60:.1f})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
