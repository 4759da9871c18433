"""Security headers on every response of every registered route, and the console cookie's flags.

The routes come from the app's own URL map, so a route added later is checked
without anyone adding it here. Each is requested anonymously and signed in as
an admin, with every method it accepts, over HTTPS and over plain HTTP.
"""

from __future__ import annotations

import re

import pytest

from app import create_app
from tests.console_support import CONTACT
from tests.factories import csrf_token, make_staff, sign_in
from tests.support import HEALTHY, sqlite_app

HOST = "https://www.clinic.example"
SAMPLE_VALUES = {"step_id": "skin", "filename": "app.css", "person_id": 999, "tool": "calcom"}
CONSOLE_COOKIE = "session"


def directives(policy: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in policy.split(";") if part.strip())
    return {name: values for name, *values in parts}


def assert_secure_headers(response, path: str, https: bool) -> None:
    headers = response.headers
    where = f"{response.request.method} {path} -> {response.status_code}"
    policy = directives(headers.get("Content-Security-Policy", ""))
    for kind in ("script-src", "style-src"):
        sources = policy.get(kind) or policy.get("default-src")
        assert sources, f"{where}: no {kind}"
        assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources, where
    assert policy.get("object-src") == ["'none'"], where
    framers = policy.get("frame-ancestors")
    if path.startswith("/embed/"):
        assert framers == [HOST], where
        assert "X-Frame-Options" not in headers, where
    else:
        assert framers == ["'none'"], where
        assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    # Public URLs carry the answers token: no referrer; the console: to itself only.
    expected = "same-origin" if path.startswith("/staff/") else "no-referrer"
    assert headers.get("Referrer-Policy") == expected, where
    assert "camera=()" in headers.get("Permissions-Policy", ""), where
    if https:
        assert headers.get("Strict-Transport-Security", "").startswith("max-age="), where
    else:
        assert "Strict-Transport-Security" not in headers, where
    assert response.status_code < 500, where


@pytest.fixture
def app(tmp_path):
    return sqlite_app(
        tmp_path,
        AUTO_MIGRATE=True,
        RATELIMIT_ENABLED=False,
        EMBED_ALLOWED_ORIGINS=HOST,
    )


def sample_requests(app):
    """(method, path, data) for every rule and method; POSTs last, sign-out at the very end."""
    codec = app.extensions["state_codec"]
    state = codec.new()
    state.answers = dict(HEALTHY)
    token = codec.dumps(state)
    public = app.test_client()
    public.post("/check/contact", data={**CONTACT, "s": token})
    gets, posts = [], []
    for rule in app.url_map.iter_rules():
        values = {name: SAMPLE_VALUES.get(name, 1) for name in rule.arguments}
        path = rule.build(values, append_unknown=False)[1]
        query = f"?s={token}" if path.startswith(("/check/", "/embed/check/")) else ""
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            (gets if method == "GET" else posts).append((method, path + query, rule.endpoint))
    posts.sort(key=lambda item: item[2] == "staff.sign_out")
    return [*gets, *posts], token


@pytest.mark.parametrize("https", [True, False], ids=["https", "http"])
def test_every_route_sends_the_security_headers(app, https):
    make_staff(app, "admin@clinic.test", role="admin")
    requests, token = sample_requests(app)
    assert len({endpoint for *_, endpoint in requests}) >= 30  # the walk found the app's routes
    base = "https://localhost" if https else "http://localhost"
    anonymous = app.test_client()
    admin = app.test_client()
    sign_in(admin, "admin@clinic.test")
    csrf = csrf_token(admin.get("/staff/intake", base_url=base).get_data(as_text=True))
    for client in (anonymous, admin):
        for method, path, _endpoint in requests:
            data = {"s": token, "csrf_token": csrf, **CONTACT} if method == "POST" else None
            response = client.open(path, method=method, data=data, base_url=base)
            assert_secure_headers(response, path, https)
    for path in ("/no/such/page", "/api/v1/nothing", "/static/../config.py"):
        assert_secure_headers(anonymous.get(path, base_url=base), path, https)
    response = anonymous.post("/check/scars", data={"s": "x" * 70_000}, base_url=base)
    assert response.status_code == 413
    assert_secure_headers(response, "/check/scars", https)


def set_cookie_flags(response, name: str) -> set[str]:
    header = next(
        value for value in response.headers.getlist("Set-Cookie") if value.startswith(name + "=")
    )
    return {part.strip().lower() for part in header.split(";")[1:]}


def test_the_console_cookie_is_httponly_and_samesite_in_development(app):
    make_staff(app, "admin@clinic.test")
    response = sign_in(app.test_client(), "admin@clinic.test")
    flags = set_cookie_flags(response, CONSOLE_COOKIE)
    assert "httponly" in flags and "samesite=lax" in flags
    assert "secure" not in flags  # development runs on http://127.0.0.1


@pytest.mark.parametrize("env", ["production", "staging"])
def test_the_console_cookie_is_secure_outside_development(monkeypatch, tmp_path, env):
    monkeypatch.setenv("APP_ENV", env)
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-" + "k" * 40)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://localhost")
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
            "AUTO_MIGRATE": True,
        },
        instance_path=str(tmp_path),
    )
    make_staff(app, "admin@clinic.test")
    client = app.test_client()
    page = client.get("/staff/sign-in", base_url="https://localhost")
    # What a browser sends under the page's policy (Flask-WTF needs it over HTTPS).
    assert page.headers["Referrer-Policy"] == "same-origin"
    response = client.post(
        "/staff/sign-in",
        headers={"Referer": "https://localhost/staff/sign-in"},
        data={
            "email": "admin@clinic.test",
            "password": "correct horse battery",
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
        base_url="https://localhost",
    )
    assert response.status_code == 302
    flags = set_cookie_flags(response, CONSOLE_COOKIE)
    assert {"secure", "httponly", "samesite=lax"} <= flags
    assert re.search(r"max-age=\d+|expires=", ";".join(flags))  # ends with the session length


def test_the_public_questionnaire_sets_no_cookie(client):
    for path in ("/", "/check/start", "/embed/", "/api/v1/questionnaire"):
        assert "Set-Cookie" not in client.get(path).headers
