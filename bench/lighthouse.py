"""Lighthouse (mobile setting) on the intro, one step and one result page; prints the scores.

Usage: .venv/bin/python bench/lighthouse.py   (after `npm ci`; uses Debian's chromium)
Exits non-zero when a score is under target: accessibility 100, best practices 100,
SEO 95, performance 95. The pytest suite runs the intro page only, to stay quick.
"""

from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

from werkzeug.serving import WSGIRequestHandler, make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "browser")]

from chromium import CHROMIUM  # noqa: E402
from support import BY_OUTCOME, HEALTHY  # noqa: E402
from tools import LIGHTHOUSE_TARGETS, lighthouse  # noqa: E402

from app import create_app  # noqa: E402
from questionnaire.state import FlowState  # noqa: E402


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args) -> None:
        """Keep the figures readable: no access log."""


def main() -> int:
    app = create_app({"SECRET_KEY": "lighthouse-bench"})
    codec = app.extensions["state_codec"]
    scars_answers = {"scar_types": HEALTHY["scar_types"], "scar_severity": "moderate"}
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    pages = {
        "intro": base + "/",
        "step (skin)": f"{base}/check/skin?s={codec.dumps(FlowState('b', scars_answers))}",
        "result (clinician_review)": (
            f"{base}/check/result?s={codec.dumps(FlowState('b', BY_OUTCOME['clinician_review']))}"
        ),
    }
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for name, url in pages.items():
            result = lighthouse(url, Path(tmp) / "report.json", CHROMIUM)
            low = {k: v for k, v in result.items() if v < LIGHTHOUSE_TARGETS[k]}
            failed |= bool(low)
            figures = "  ".join(f"{k} {v}" for k, v in result.items())
            print(f"{name:28} {figures}{'  BELOW TARGET' if low else ''}")
    server.shutdown()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
