"""Lighthouse on the intro page, on its default mobile setting (throttled phone).

Only one page here to keep the suite quick; bench/lighthouse.py covers the
intro, a step and a result page with the same thresholds.
"""

from __future__ import annotations

import pytest

from tests.browser.chromium import CHROMIUM
from tests.browser.tools import LIGHTHOUSE_TARGETS, lighthouse


@pytest.mark.browser
def test_intro_page_scores(live_server, artifacts):
    scores = lighthouse(live_server.url + "/", artifacts / "lighthouse-intro.json", CHROMIUM)
    below = {key: score for key, score in scores.items() if score < LIGHTHOUSE_TARGETS[key]}
    assert below == {}, f"Lighthouse scores below target: {scores}"
