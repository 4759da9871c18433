"""Shared fixtures: the app in test configuration, its client, and a wizard walker."""

from __future__ import annotations

import pytest
from support import form_fields, hidden_token

from app import create_app
from questionnaire.catalogue import STEPS


@pytest.fixture
def app():
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret-key"})


@pytest.fixture
def client(app):
    return app.test_client()


class Walker:
    """Drives the wizard through the test client the way a browser posts it."""

    def __init__(self, client):
        self.client = client

    def start(self) -> str:
        response = self.client.get("/check/start")
        assert response.status_code == 303
        return response.headers["Location"]

    def complete(self, answers: dict) -> str:
        """Answer every step; returns the result page's URL."""
        location = self.start()
        for step in STEPS:
            assert f"/check/{step.id}" in location, location
            page = self.client.get(location)
            assert page.status_code == 200
            response = self.client.post(
                f"/check/{step.id}",
                data={
                    "s": hidden_token(page.get_data(as_text=True)),
                    **form_fields(answers, step.id),
                },
            )
            assert response.status_code == 303, response.get_data(as_text=True)[:2000]
            location = response.headers["Location"]
        assert "/check/result" in location
        return location


@pytest.fixture
def walker(client):
    return Walker(client)
