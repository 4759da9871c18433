"""The leads API against its own OpenAPI document (schemathesis), with a real token.

Every leads operation is called with generated requests, valid ones and invalid
ones, with a token that holds every scope, on SQLite and PostgreSQL with stored
leads: no response may be a server error, and every one must match the document
(status, content type, headers, body schema), and invalid ones must be refused.
(schemathesis' lazy fixture loader does not run under this pytest, so each
operation's strategy is driven by Hypothesis here.)
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from tests.api_token_support import bearer, make_token
from tests.factories import make_lead, make_staff

# Each operation; those of one lead also with the number of a stored lead, so that the
# generated bodies and parameters reach past the 404 of a drawn number.
OPERATIONS = [
    ("listLeads", None),
    ("getLead", None),
    ("getLead", 1),
    ("setLeadStatus", None),
    ("setLeadStatus", 1),
    ("putLeadVerdict", None),
    ("putLeadVerdict", 1),
]


@pytest.fixture
def leads_api(app_factory):
    app = app_factory(RATELIMIT_API="100000 per minute")
    for outcome in ("book_consultation", "clinician_review", "see_dermatologist"):
        make_lead(app, outcome=outcome)
    make_staff(app, "doctor@clinic.test", role="clinician")
    secret = make_token(app, "leads:read", "leads:write", "verdicts:write")
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app), secret


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(("operation_id", "lead_id"), OPERATIONS)
def test_leads_api_conforms_to_its_openapi_document(leads_api, operation_id, lead_id, mode):
    schema, secret = leads_api
    operation = schema.find_operation_by_id(operation_id)
    pinned = {"path_parameters": {"lead_id": lead_id}} if lead_id else {}
    # A verdict names a clinician account by email: the document cannot say which emails
    # are accounts, so a schema-valid body may rightly be refused (422, each field named).
    # Likewise "booked" is a status only a lead with an appointment may have: the document
    # cannot say which leads have one, so a schema-valid "booked" may rightly get 422.
    state_dependent = operation_id in ("putLeadVerdict", "setLeadStatus")
    excluded = [schemathesis.checks.positive_data_acceptance] * state_dependent
    calls = []

    @given(case=operation.as_strategy(generation_mode=mode, **pinned))
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    def call(case):
        # The WSGI test transport does not decompress; real HTTP clients do. The real token
        # replaces the generated one; a negative case that leaves the header out (the
        # document requires it) is sent without, and must be refused.
        headers = {"Accept-Encoding": "identity"}
        if "Authorization" in (case.headers or {}) or mode is GenerationMode.POSITIVE:
            headers |= bearer(secret)
        response = case.call_and_validate(headers=headers, excluded_checks=excluded)
        calls.append(response.status_code)

    call()
    assert calls and all(status < 500 for status in calls)
    if state_dependent and mode is GenerationMode.POSITIVE and lead_id:
        # A generated clinician email names no account, a lead without an appointment is
        # not booked: refused with 422, never a 500.
        assert set(calls) <= {200, 422}, calls
    if (
        operation_id != "putLeadVerdict"
        and mode is GenerationMode.POSITIVE
        and (lead_id or operation_id == "listLeads")
    ):
        assert 200 in calls, f"{operation_id}: no generated request was answered 200: {calls}"
    if mode is GenerationMode.NEGATIVE and lead_id:
        assert 422 in calls or 415 in calls or 400 in calls, calls
