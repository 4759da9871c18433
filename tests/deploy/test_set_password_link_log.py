"""A set-password link's secret is never in a logged URL: a colleague opens the link and
chooses a password through nginx, and neither nginx's access log nor the app's logs hold
the link's token (finding 1 of the adversarial review: the token was the path's last part,
and the shipped log format writes ``$uri``)."""

from __future__ import annotations

import re
import subprocess
import sys
from html import unescape
from urllib.parse import urlencode, urlsplit

from deploy.stack import ACCESS_LOG, MAIN_ACCESS_LOG, ROOT
from tests.deploy.deploy_support import FORM, log_lines, person, size_of

EMAIL, FIRST = "colleague@clinic.example", "a long enough first password"
CHOSEN = "kettle umbrella violin 42"


def _flask(stack, *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "staff", *args],
        input=stdin, text=True, cwd=ROOT, env=stack.environment, check=True,
        capture_output=True,
    )  # fmt: skip
    return done.stdout


class Browser:
    """One person's requests through nginx, keeping the cookies a browser would."""

    def __init__(self, stack):
        self.stack, self.source, self.cookies = stack, person(), {}

    def send(self, method: str, target: str, body: str | None = None):
        headers = {"Referer": f"{self.stack.url}staff/sign-in"}
        if body is not None:
            headers.update(FORM)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        answer = self.stack.request(method, target, body, headers, source=self.source)
        for cookie in answer.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name] = value
        return answer

    def follow(self, target: str):
        """GET ``target`` and follow this site's redirects; the last answer and its URL."""
        answer = self.send("GET", target)
        for _ in range(3):
            if answer.status not in (301, 302, 303):
                break
            location = urlsplit(answer.header("Location"))
            target = location.path + (f"?{location.query}" if location.query else "")
            answer = self.send("GET", target)
        return answer, target


def test_choosing_a_password_with_a_link_leaves_its_token_in_no_log(stack):
    _flask(stack, "create", EMAIL, "--name", "Colleague", stdin=f"{FIRST}\n{FIRST}\n")
    printed = _flask(stack, "set-password-link", EMAIL)
    link = re.search(r"https?://\S+/staff/set-password\S*", printed).group(0)
    parts = urlsplit(link)
    # The link's secret: the token itsdangerous signed (payload.timestamp.signature).
    token = re.search(r"[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{20,}", link).group(0)

    log, main_log = stack.prefix / ACCESS_LOG, stack.prefix / MAIN_ACCESS_LOG
    app_logs = [instance.log for instance in stack.instances]
    start, main_start = size_of(log), size_of(main_log)
    app_starts = [size_of(path) for path in app_logs]

    colleague = Browser(stack)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    page, at = colleague.follow(target)
    assert page.status == 200, page.body[:500]
    html = page.body.decode()
    assert EMAIL in html
    form = re.search(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", html, re.S)
    action = re.search(r'<form[^>]*action="([^"]+)"', form.group(0))
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form.group(1)):
        if 'type="hidden"' in tag:
            name = re.search(r'name="([^"]+)"', tag).group(1)
            fields[name] = unescape(re.search(r'value="([^"]*)"', tag).group(1))
    fields.update(new_password=CHOSEN, confirm=CHOSEN)
    chosen = colleague.send("POST", unescape(action.group(1)) if action else at, urlencode(fields))
    assert chosen.status == 303, chosen.body[:500]
    assert chosen.header("Location").endswith("/staff/sign-in")

    # The password is chosen: it signs in, and the link is spent.
    me = Browser(stack)
    sign_in_page = me.send("GET", "/staff/sign-in")
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', sign_in_page.body.decode()).group(1)
    fields = {"csrf_token": csrf, "email": EMAIL, "password": CHOSEN}
    signed_in = me.send("POST", "/staff/sign-in", urlencode(fields))
    assert signed_in.status == 302, signed_in.body[:500]
    again, _ = Browser(stack).follow(target)
    assert again.status == 410

    lines = log_lines(log, start)
    text = "\n".join(lines)
    mine = [line for line in lines if line.startswith(colleague.source + " ")]
    assert any('"POST /staff/set-password' in line and '" 303 ' in line for line in mine), text
    assert token not in text, text
    assert token[-20:] not in text  # not even the signature's end
    assert log_lines(main_log, main_start) == []
    app_text = "".join(
        path.read_bytes()[since:].decode(errors="replace")
        for path, since in zip(app_logs, app_starts, strict=True)
    )
    assert "/staff/set-password" in app_text  # the app logged the requests, by route
    assert token not in app_text and token[-20:] not in app_text
