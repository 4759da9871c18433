"""The loopback production stack (deploy/stack.py), started once for the deploy tests.

nginx in front of two gunicorn instances (two sync workers each) on a fresh PostgreSQL
database and Redis, from the shipped configuration in deploy/. A service that cannot
be reached, or nginx missing, fails the run: these tests never skip.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from deploy.stack import StackError, running
from tests.deploy.deploy_support import API_LIMIT, ClinicSite

HERE = Path(__file__).parent
_running: list = []  # the started context manager, while the stack runs


def _stop() -> None:
    while _running:
        _running.pop().__exit__(None, None, None)


@pytest.fixture(scope="session")
def clinic_site(tmp_path_factory):
    """The clinic's own website (booking pages, the embedding origin), on loopback."""
    site = ClinicSite(tmp_path_factory.mktemp("clinic-site"))
    yield site
    site.stop()


@pytest.fixture(scope="session")
def stack(clinic_site):
    """One stack for every test here (starting one takes several seconds), with the
    clinic's own details, as a clinic deploys it (what deploy-check finds right)."""
    # No contact-form time floor: these tests send a contact request the moment they have
    # a finished questionnaire (tests/leads/test_contact_script.py is about the floor).
    environment = {
        "RATELIMIT_API": f"{API_LIMIT} per minute",
        "CONTACT_MIN_SECONDS": "0",
        **clinic_site.settings(),
    }
    started = running(environment=environment)
    try:
        stack = started.__enter__()
    except StackError as error:
        pytest.fail(f"the loopback stack did not start: {error}")
    _running.append(started)
    yield stack
    _stop()


def pytest_runtest_teardown(item, nextitem):
    """Stop the stack after the last test here, not at the end of the whole suite."""
    if nextitem is None or HERE not in Path(nextitem.path).parents:
        _stop()
