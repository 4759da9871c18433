"""Fixtures of the console's clinic tests (admins' pages)."""

from __future__ import annotations

import pytest

from tests.factories import staff_client


@pytest.fixture
def admin(db_app):
    """Ada Admin, signed in."""
    return staff_client(db_app, "admin@clinic.test", role="admin", name="Ada Admin")
