"""A clinic's page on one site embedding the app served from another, for browser tests.

The host page is served from http://localhost:PORT_A and the app from
http://127.0.0.1:PORT_B: different sites, so the iframe is a third-party
context. Browsers come in two cookie settings, each proven by a probe.
"""

from __future__ import annotations

import json
import tempfile
from contextlib import contextmanager
from pathlib import Path

from werkzeug.wrappers import Request, Response

from app import create_app
from embed import snippets
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, LiveServer

EVENT_NAMES = ("started", "step_reached", "completed", "contact_requested")

HOST_SCRIPT = """
window.hostEvents = [];
window.hostMessages = [];
%s.forEach(function (name) {
  document.addEventListener("microneedling:" + name, function (event) {
    window.hostEvents.push({event: name, detail: event.detail});
  });
});
window.addEventListener("message", function (event) {
  if (event.origin === %s) { window.hostMessages.push(event.data); }
});
"""


class HostSite(LiveServer):
    """A plain clinic page that pastes the one-line snippet, and listens to the events.

    Served on 127.0.0.1 like the app, but addressed as localhost: another site.
    """

    def __init__(self):
        super().__init__(self.wsgi)
        self.origin = f"http://localhost:{self.server.server_port}"
        self.app_url = ""
        self.snippet = ""

    @Request.application
    def wsgi(self, request: Request) -> Response:
        if request.path == "/host.js":
            script = HOST_SCRIPT % (json.dumps(EVENT_NAMES), json.dumps(self.app_url))
            return Response(script, mimetype="text/javascript")
        page = (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<title>Trilogy Medical Center: acne scars</title>"
            "<script src='/host.js'></script></head><body>"
            "<h1>Acne scar treatment</h1><p>Take our two-minute check:</p>"
            f"{self.snippet}<p>Our address and opening hours.</p></body></html>"
        )
        return Response(page, mimetype="text/html")


@contextmanager
def host_and_app(accent: str = "#7a1f5c", font: str = "serif"):
    """(host site, app server), the app allowing exactly the host's origin.

    The app keeps its database (leads) in a fresh instance folder of its own;
    ``server.app`` reads it.
    """
    with HostSite() as host, tempfile.TemporaryDirectory() as instance:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "cross-site-key",
                "EMBED_ALLOWED_ORIGINS": host.origin,
            },
            instance_path=instance,
        )
        with LiveServer(app) as server:
            host.app_url = server.url
            with app.test_request_context():
                host.snippet, _ = snippets(server.url, host.origin, accent=accent, font=font)
            yield host, server


# Chromium's own settings: cookie_controls_mode 1 blocks third-party cookies, 0 allows them.
COOKIE_MODES = {
    "third-party-cookies-blocked": (
        {"profile": {"cookie_controls_mode": 1, "block_third_party_cookies": True}},
        ["--test-third-party-cookie-phaseout"],
    ),
    "cookies-allowed": (
        {
            "profile": {"cookie_controls_mode": 0, "block_third_party_cookies": False},
            "tracking_protection": {"block_all_3pc_toggle_enabled": False},
        },
        ["--disable-features=TrackingProtection3pcd,ThirdPartyCookieDeprecationTrial"],
    ),
}


@contextmanager
def chromium_with_cookies(playwright, mode: str):
    """A regular (not incognito) Chromium profile with third-party cookies blocked or allowed."""
    preferences, extra_args = COOKIE_MODES[mode]
    with tempfile.TemporaryDirectory() as profile:
        (Path(profile) / "Default").mkdir()
        (Path(profile) / "Default" / "Preferences").write_text(json.dumps(preferences))
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            args=[*CHROMIUM_ARGS, *extra_args],
            viewport={"width": 800, "height": 700},
        )
        try:
            yield context
        finally:
            context.close()


def third_party_cookie_kept(frame) -> bool:
    """Whether the embedded (third-party) frame may keep a cookie: proves the browser mode."""
    return "probe=1" in frame.evaluate(
        "document.cookie = 'probe=1; SameSite=None; Secure; Path=/'; document.cookie"
    )
