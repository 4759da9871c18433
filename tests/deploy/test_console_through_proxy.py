"""The staff console works behind nginx: over HTTPS its cookie is Secure, and Flask-WTF's
same-origin check (the Referer against the host nginx forwards) lets a sign-in through."""

from __future__ import annotations

import re
import subprocess
import sys
from urllib.parse import urlencode

from deploy.stack import ROOT
from tests.deploy.deploy_support import FORM, person

EMAIL, PASSWORD = "admin@clinic.example", "a long enough password"


def cookies_of(answer) -> str:
    return "; ".join(c.split(";", 1)[0] for c in answer.headers.get_all("Set-Cookie") or [])


def test_a_staff_member_signs_in_through_the_proxy(stack):
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "staff", "create", EMAIL, "--admin",
         "--name", "Proxy Admin"],
        input=f"{PASSWORD}\n{PASSWORD}\n", text=True, cwd=ROOT, env=stack.environment,
        check=True, capture_output=True,
    )  # fmt: skip
    me = person()
    page = stack.request("GET", "/staff/sign-in", source=me)
    assert page.status == 200
    (session,) = [c for c in page.headers.get_all("Set-Cookie") if c.startswith("session=")]
    assert "; Secure" in session, session
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page.body).group(1).decode()
    signed_in = stack.request(
        "POST",
        "/staff/sign-in",
        body=urlencode({"csrf_token": token, "email": EMAIL, "password": PASSWORD}),
        headers={**FORM, "Cookie": cookies_of(page), "Referer": f"{stack.url}staff/sign-in"},
        source=me,
    )
    assert signed_in.status == 302, signed_in.body[:500]
    leads = stack.request("GET", "/staff/", headers={"Cookie": cookies_of(signed_in)}, source=me)
    assert leads.status == 200, leads.body[:500]
