"""Fixtures of the console's leads tests."""

from __future__ import annotations

import pytest

from tests.factories import staff_client
from tests.staff.leads.leads_support import COORDINATOR


@pytest.fixture
def coordinator(db_app):
    """Cora Coordinator (front desk), signed in; ``coordinator.staff_id`` is hers."""
    return staff_client(db_app, COORDINATOR, name="Cora Coordinator")
