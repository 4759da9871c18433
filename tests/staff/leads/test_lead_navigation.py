"""From the list to a lead and back, and on to the previous or next lead, keeping the filters.

Through the real lead page (signed in), on SQLite and PostgreSQL: the list's links
carry its filters, the lead page's "Back to leads" returns to the same list and
page, and "Previous lead"/"Next lead" walk that same filtered, ordered list.
"""

from __future__ import annotations

import html
import re

from staff.leads.navigation import LeadNavigation
from tests.factories import make_lead
from tests.staff.leads.leads_support import cora_and_bo, hours_ago


def nav_of(client, url: str) -> dict[str, str]:
    """The lead page's navigation: each link's words and target, and the position."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    page = response.get_data(as_text=True)
    block = re.search(r'<nav class="lead-nav".*?</nav>', page, re.S)
    assert block, "the lead page shows no navigation"
    found = {
        text: html.unescape(href)
        for href, text in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>([^<]+)</a>', block.group(0))
    }
    position = re.search(r'class="lead-nav-position">([^<]+)<', block.group(0))
    if position:
        found["position"] = position.group(1)
    return found


def a_morning(app, client_and_ids):
    """Five leads, newest first E D C B A; C and A are overdue, B is another person's."""
    _client, cora, bo = client_and_ids
    overdue = hours_ago(1)
    ids = {
        "A": make_lead(
            app,
            name="A Person",
            email="a@example.com",
            phone="",
            created_at=hours_ago(5),
            follow_up_at=overdue,
        ),
        "B": make_lead(
            app,
            name="B Person",
            email="b@example.com",
            phone="",
            created_at=hours_ago(4),
            assigned_to_id=bo,
        ),
        "C": make_lead(
            app,
            name="C Person",
            email="c@example.com",
            phone="",
            created_at=hours_ago(3),
            follow_up_at=overdue,
        ),
        "D": make_lead(
            app, name="D Person", email="d@example.com", phone="", created_at=hours_ago(2)
        ),
        "E": make_lead(
            app,
            name="E Person",
            email="e@example.com",
            phone="",
            created_at=hours_ago(1),
            assigned_to_id=cora,
        ),
    }
    return ids


def test_previous_and_next_walk_the_filtered_list_and_stop_at_its_ends(db_app):
    client, cora, bo = cora_and_bo(db_app)
    ids = a_morning(db_app, (client, cora, bo))
    top = nav_of(client, f"/staff/leads/{ids['C']}?follow_up=overdue")
    assert top["Next lead"] == f"/staff/leads/{ids['A']}?follow_up=overdue"
    assert "Previous lead" not in top  # C is the first overdue lead
    assert top["position"] == "Lead 1 of 2"
    bottom = nav_of(client, f"/staff/leads/{ids['A']}?follow_up=overdue")
    assert bottom["Previous lead"] == f"/staff/leads/{ids['C']}?follow_up=overdue"
    assert "Next lead" not in bottom and bottom["position"] == "Lead 2 of 2"
    # Unfiltered, the neighbours are the whole list's.
    middle = nav_of(client, f"/staff/leads/{ids['C']}")
    assert middle["Previous lead"] == f"/staff/leads/{ids['D']}"
    assert middle["Next lead"] == f"/staff/leads/{ids['B']}"
    assert middle["position"] == "Lead 3 of 5"


def test_leads_received_at_the_same_moment_are_walked_in_the_lists_order(db_app):
    client, _cora, _bo = cora_and_bo(db_app)
    moment = hours_ago(2)
    first, second, third = (
        make_lead(db_app, name=f"Twin {n}", email="twin@example.com", phone="", created_at=moment)
        for n in "123"
    )
    # Newest first, then the higher id first: third, second, first.
    assert nav_of(client, f"/staff/leads/{second}")["Previous lead"] == f"/staff/leads/{third}"
    assert nav_of(client, f"/staff/leads/{second}")["Next lead"] == f"/staff/leads/{first}"


def test_back_to_leads_keeps_the_filters_and_names_them(db_app):
    client, cora, bo = cora_and_bo(db_app)
    ids = a_morning(db_app, (client, cora, bo))
    nav = nav_of(client, f"/staff/leads/{ids['E']}?status=new&assigned=me")
    assert nav["Back to leads: New, assigned to me"] == "/staff/leads?status=new&assigned=me"
    overdue = nav_of(client, f"/staff/leads/{ids['A']}?follow_up=overdue")
    assert overdue["Back to leads: follow-up overdue"] == "/staff/leads?follow_up=overdue"
    plain = nav_of(client, f"/staff/leads/{ids['A']}")
    assert plain["Back to leads"] == "/staff/leads"


def test_the_page_is_kept_and_follows_the_lead_across_pages(app_factory):
    """The list's page is a key (``after=``): the lead's links keep it, and "back" returns to
    the page the lead was opened from."""
    app = app_factory(LEADS_PER_PAGE=2)
    client, cora, bo = cora_and_bo(app)
    ids = a_morning(app, (client, cora, bo))  # pages: E D | C B | A
    first = client.get("/staff/leads").get_data(as_text=True)
    older = html.unescape(re.search(r'<a href="([^"]+)" rel="next">', first).group(1))
    key = older.split("after=")[1]
    page = client.get(older).get_data(as_text=True)
    assert f'href="/staff/leads/{ids["C"]}?after={key}"' in page
    nav = nav_of(client, f"/staff/leads/{ids['C']}?after={key}")
    assert nav["Back to leads"] == older
    assert nav["Previous lead"] == f"/staff/leads/{ids['D']}?after={key}"
    assert nav["Next lead"] == f"/staff/leads/{ids['B']}?after={key}"
    assert nav_of(client, f"/staff/leads/{ids['C']}?after=not-a-key")["Back to leads"] == (
        "/staff/leads"
    )


def test_a_lead_that_left_the_filter_still_has_its_neighbours(db_app):
    """After a call moves a lead from "new" on, "Next lead" goes on down the "new" list."""
    from core.extensions import db
    from leads.models import Lead

    client, cora, bo = cora_and_bo(db_app)
    ids = a_morning(db_app, (client, cora, bo))
    with db_app.app_context():
        db.session.get(Lead, ids["C"]).status = "contacted"
        db.session.commit()
    nav = nav_of(client, f"/staff/leads/{ids['C']}?status=new")
    assert nav["Previous lead"] == f"/staff/leads/{ids['D']}?status=new"
    assert nav["Next lead"] == f"/staff/leads/{ids['B']}?status=new"
    assert "position" not in nav  # it is not in that list any more
    assert nav["Back to leads: New"] == "/staff/leads?status=new"


def test_unknown_filters_are_dropped_and_a_missing_lead_is_a_404_not_a_500(db_app):
    client, cora, bo = cora_and_bo(db_app)
    ids = a_morning(db_app, (client, cora, bo))
    nav = nav_of(
        client, f"/staff/leads/{ids['C']}?status=bogus&assigned=x&page=abc&q=" + "y" * 5000
    )
    assert nav["Back to leads"] == "/staff/leads"
    assert nav["Next lead"] == f"/staff/leads/{ids['B']}"
    assert client.get("/staff/leads/999999?status=new").status_code == 404


def test_the_navigation_of_a_lead_that_does_not_exist_is_just_the_way_back(db_app):
    from staff.leads.navigation import lead_navigation
    from staff.leads.service import COUNT_LIMIT

    cora_and_bo(db_app)
    make_lead(db_app, name="Only Person", email="only@example.com", phone="")
    with db_app.test_request_context("/staff/leads/424242?status=new"):
        nav = lead_navigation(424242)
    assert nav == LeadNavigation(
        back_url="/staff/leads?status=new",
        previous_url=None,
        next_url=None,
        back_label="Back to leads: New",
        position=None,
        total=1,
        count_limit=COUNT_LIMIT,
    )


def test_in_the_list_by_due_time_previous_and_next_follow_that_order(db_app):
    """Opened from the list sorted by due time (soonest follow-up first, none last), the
    lead's neighbours and place are that list's, not the newest-first list's."""
    client, _cora, _bo = cora_and_bo(db_app)
    soon, later = hours_ago(-1), hours_ago(-5)  # follow-ups in one hour and in five
    first = make_lead(db_app, name="Due Soon", created_at=hours_ago(3), follow_up_at=soon)
    second = make_lead(db_app, name="Due Later", created_at=hours_ago(1), follow_up_at=later)
    last = make_lead(db_app, name="No Follow-up", created_at=hours_ago(2))
    # By due time: first, second, last. Newest first it would be: second, last, first.
    middle = nav_of(client, f"/staff/leads/{second}?sort=due")
    assert middle["Previous lead"] == f"/staff/leads/{first}?sort=due"
    assert middle["Next lead"] == f"/staff/leads/{last}?sort=due"
    assert middle["position"] == "Lead 2 of 3"
    end = nav_of(client, f"/staff/leads/{last}?sort=due")
    assert end["Previous lead"] == f"/staff/leads/{second}?sort=due" and "Next lead" not in end
