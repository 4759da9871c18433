"""A clinic's page on another site, optionally under a strict Content-Security-Policy.

Like crosssite.HostSite (the host on http://localhost:A, the app on
http://127.0.0.1:B), but the page may carry either snippet and be served with a
CSP header, and it records every CSP violation it sees (``window.hostViolations``).
Its own script is a same-origin file, so a strict policy allows it.
"""

from __future__ import annotations

import json
import tempfile
from contextlib import contextmanager

from werkzeug.wrappers import Request, Response

from app import create_app
from embed import snippets
from tests.browser.chromium import LiveServer
from tests.browser.crosssite import EVENT_NAMES, HOST_SCRIPT

VIOLATIONS_SCRIPT = """
window.hostViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.hostViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def strict_policy(app_url: str) -> str:
    """What docs/embedding.md tells a clinic with a strict policy to allow: the app's origin."""
    return (
        f"default-src 'self'; script-src 'self' {app_url}; frame-src {app_url}; "
        "style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'"
    )


class StrictHost(LiveServer):
    def __init__(self):
        super().__init__(self.wsgi)
        self.origin = f"http://localhost:{self.server.server_port}"
        self.app_url = ""
        self.snippet = ""
        self.policy: str | None = None

    @Request.application
    def wsgi(self, request: Request) -> Response:
        if request.path == "/host.js":
            script = VIOLATIONS_SCRIPT + HOST_SCRIPT % (
                json.dumps(EVENT_NAMES),
                json.dumps(self.app_url),
            )
            return Response(script, mimetype="text/javascript")
        page = (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<title>Trilogy Medical Center: acne scars</title>"
            "<script src='/host.js'></script></head><body>"
            "<h1>Acne scar treatment</h1><p>Take our check:</p>"
            f"{self.snippet}<p><a href='/contact'>Our address</a></p></body></html>"
        )
        headers = {"Content-Security-Policy": self.policy} if self.policy else {}
        return Response(page, mimetype="text/html", headers=headers)


@contextmanager
def strict_host_and_app(*, plain_iframe: bool = False, strict: bool = True):
    """(host, app server): the host pastes the script snippet (or the plain iframe)."""
    with StrictHost() as host, tempfile.TemporaryDirectory() as instance:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "strict-host-key",
                "EMBED_ALLOWED_ORIGINS": host.origin,
                "RATELIMIT_ENABLED": False,
            },
            instance_path=instance,
        )
        with LiveServer(app) as server:
            host.app_url = server.url
            host.policy = strict_policy(server.url) if strict else None
            with app.test_request_context():
                script, iframe = snippets(server.url, host.origin, accent="#7a1f5c")
            host.snippet = iframe if plain_iframe else script
            yield host, server
