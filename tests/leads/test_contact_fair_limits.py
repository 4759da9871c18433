"""The contact form's limits count accepted requests, never a person's corrections.

On Redis, with two app instances (this process and another), as in production:
a person who gets the form wrong ten times still sends it; several people
behind one address share no budget of mistakes; and the limits on accepted
requests (per questionnaire, and new leads per address) still hold, counted
across both instances.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select

from core.extensions import db
from leads.models import Lead
from tests.console_support import CONTACT
from tests.services import REDIS_URL
from tests.support import completed_token

SECOND_INSTANCE = Path(__file__).with_name("contact_second_instance.py")
# The name is missing and the consent box not ticked: a 422, the form shown again.
MISTAKES = {**CONTACT, "name": "", "consent": ""}


@pytest.fixture
def address():
    """A client address of this test's own, so its counts in Redis are its own; wiped after
    (with its ``neighbour`` addresses, which differ in the last group only)."""
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.fail(f"Redis is not reachable at {REDIS_URL}: {exc}")
    chosen = f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}"
    yield chosen
    for key in connection.scan_iter(match="LIMITS*"):
        if neighbour(chosen, "").encode() in key:
            connection.delete(key)


def neighbour(address: str, last: str = "1") -> str:
    """Another address next to ``address`` (the same network, another device)."""
    return address.rsplit(":", 1)[0] + ":" + last


def limited_app(app_factory, **limits):
    settings = {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_CONTACT_PER_CHECK": "2 per hour",
        "RATELIMIT_CONTACT": "3 per hour",
        **limits,
    }
    app = app_factory(**settings)
    app.extensions["fair_limit_settings"] = settings
    return app


def post_here(app, token: str, address: str, fields: dict) -> int:
    response = app.test_client().post(
        "/check/contact", data={"s": token, **fields}, environ_base={"REMOTE_ADDR": address}
    )
    return response.status_code


def post_there(app, posts: list[tuple[str, str, dict]]) -> list[int]:
    """The posts sent by a second instance of the app, in a process of its own."""
    settings = {
        "TESTING": True,
        "SECRET_KEY": app.config["SECRET_KEY"],
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "AUTO_MIGRATE": False,
        **app.extensions["fair_limit_settings"],
    }
    job = {
        "settings": settings,
        "instance": app.instance_path,
        "posts": [{"data": {"s": t, **f}, "address": a} for t, a, f in posts],
    }
    done = subprocess.run(
        [sys.executable, str(SECOND_INSTANCE)],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=Path(__file__).parents[2],
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def lead_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Lead))


def test_ten_corrections_on_both_instances_then_the_request_is_stored(app_factory, address):
    app = limited_app(app_factory)
    token = completed_token(app)
    here = [post_here(app, token, address, MISTAKES) for _ in range(5)]
    there = post_there(app, [(token, address, MISTAKES)] * 5)
    assert here == there == [422] * 5
    assert post_here(app, token, address, CONTACT) == 303
    assert lead_count(app) == 1


def test_people_behind_one_address_never_use_up_each_others_mistakes(app_factory, address):
    """A clinic's Wi-Fi: each person gets a few things wrong, and every one of them sends."""
    app = limited_app(app_factory, RATELIMIT_CONTACT="100 per hour")
    tokens = [completed_token(app) for _ in range(6)]
    wrong = [post_here(app, token, address, MISTAKES) for token in tokens for _ in range(3)]
    assert set(wrong) == {422}
    sent = [post_here(app, token, address, CONTACT) for token in tokens[:3]]
    sent += post_there(app, [(token, address, CONTACT) for token in tokens[3:]])
    assert sent == [303] * 6
    assert lead_count(app) == 6


def test_valid_requests_of_one_questionnaire_are_limited_across_instances(app_factory, address):
    app = limited_app(app_factory)
    token = completed_token(app)
    assert post_here(app, token, address, CONTACT) == 303  # stored
    assert post_there(app, [(token, address, CONTACT)]) == [303]  # found stored: counted too
    assert post_here(app, token, address, CONTACT) == 429  # the third, on the first instance
    assert post_there(app, [(token, address, CONTACT)]) == [429]
    # Another questionnaire from the same address is not held back by this one.
    assert post_here(app, completed_token(app), address, CONTACT) == 303
    assert lead_count(app) == 2


def test_new_leads_per_address_are_limited_across_instances(app_factory, address):
    app = limited_app(app_factory)
    first, second, third, fourth = (completed_token(app) for _ in range(4))
    assert post_here(app, first, address, CONTACT) == 303
    assert post_there(app, [(second, address, CONTACT), (third, address, CONTACT)]) == [303, 303]
    # The fourth new lead from this address is refused, on either instance.
    assert post_here(app, fourth, address, CONTACT) == 429
    assert post_there(app, [(fourth, address, CONTACT)]) == [429]
    assert lead_count(app) == 3
    # Another address is not affected.
    assert post_here(app, fourth, neighbour(address), CONTACT) == 303
