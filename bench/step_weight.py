"""Each step page's weight as docs/performance.md counts it: HTML plus the stylesheets and
icon it loads, uncompressed (a step page loads no script).

Usage: .venv/bin/python bench/step_weight.py

Pages are drawn by the app's test client with healthy answers to every earlier step (as
bench/step_heights.py reaches them); the static files are counted from disk, so the sizes
are the bytes a first visit fetches before compression.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from support import HEALTHY  # noqa: E402

from app import create_app  # noqa: E402
from questionnaire.catalogue import QUESTIONS, STEPS  # noqa: E402
from questionnaire.state import FlowState  # noqa: E402

LOADED = re.compile(r'<link rel="(?:stylesheet|icon)" href="/static/([^"?]+)')


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SECRET_KEY": "step-weight-bench"}, instance_path=folder)
        client, codec = app.test_client(), app.extensions["state_codec"]
        order = [step.id for step in STEPS]
        print(f"{'step':10} {'html':>7} {'static':>7} {'total':>7}  files")
        for step_id in order:
            earlier = set(order[: order.index(step_id)])
            answers = {q.id: HEALTHY[q.id] for q in QUESTIONS if q.step in earlier}
            html = client.get(f"/check/{step_id}?s={codec.dumps(FlowState('w', answers))}").text
            files = LOADED.findall(html)
            static = sum((ROOT / "static" / name).stat().st_size for name in files)
            size = len(html.encode())
            print(f"{step_id:10} {size:7} {static:7} {size + static:7}  {' '.join(files)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
