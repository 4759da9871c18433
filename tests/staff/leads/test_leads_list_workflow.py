"""The leads list a coordinator starts the day from: views, counts, what stands out, search.

Each test runs through the real app (signed in) on SQLite and PostgreSQL. Leads
are written directly with the times a morning needs (received 30 hours ago, a
follow-up due yesterday), then found through the list's links and filters.
"""

from __future__ import annotations

import html
import re
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import update

from core import clinic_settings
from core.clinic_time import clinic_now, from_clinic_clock
from core.dbtypes import utcnow
from core.extensions import db
from leads.models import Lead, LeadNote
from tests.factories import make_lead
from tests.staff.leads.leads_support import cora_and_bo, hours_ago


def names_in(html: str) -> set[str]:
    """The names the list's table shows (each one a link to its lead)."""
    return set(re.findall(r'<a href="/staff/leads/\d+[^"]*">([^<]+)</a>', html))


def listed(client, **args) -> set[str]:
    response = client.get("/staff/leads", query_string=args)
    assert response.status_code == 200, response.status_code
    return names_in(response.get_data(as_text=True))


def test_assigned_to_me_unassigned_a_colleague_or_anyone(db_app):
    client, cora, bo = cora_and_bo(db_app)
    make_lead(db_app, name="Mine Person", email="mine@example.com", phone="", assigned_to_id=cora)
    make_lead(db_app, name="Bos Person", email="bos@example.com", phone="", assigned_to_id=bo)
    make_lead(db_app, name="Nobodys Person", email="nobodys@example.com", phone="")
    assert listed(client, assigned="me") == {"Mine Person"}
    assert listed(client, assigned="none") == {"Nobodys Person"}
    assert listed(client, assigned=str(bo)) == {"Bos Person"}
    assert listed(client) == {"Mine Person", "Bos Person", "Nobodys Person"}
    page = client.get("/staff/leads").get_data(as_text=True)
    # Each row says who has it; the assignee filter offers every active colleague.
    assert "Cora Coordinator" in page and "Bo Front" in page and "Unassigned" in page
    assert f'<option value="{bo}">Bo Front</option>' in page


def test_a_disabled_colleague_is_not_offered_and_their_id_is_dropped(db_app):
    client, _cora, bo = cora_and_bo(db_app)
    make_lead(db_app, name="Bos Person", email="bos@example.com", phone="", assigned_to_id=bo)
    make_lead(db_app, name="Other Person", email="other@example.com", phone="")
    with db_app.app_context():
        from staff.models import StaffUser

        db.session.get(StaffUser, bo).active = False
        db.session.commit()
    page = client.get("/staff/leads").get_data(as_text=True)
    assert f'<option value="{bo}">' not in page
    assert listed(client, assigned=str(bo)) == {"Bos Person", "Other Person"}  # dropped


def test_follow_up_due_today_overdue_or_none_on_the_clinics_day(app_factory):
    """Auckland's day, not UTC's: 23:30 tonight there is due today, 00:30 tomorrow is not."""
    app = app_factory(CLINIC_TIME_ZONE="Pacific/Auckland")
    client, _cora, _bo = cora_and_bo(app)
    with app.test_request_context():
        today = clinic_now().date()
        tonight = from_clinic_clock(datetime.combine(today, time(23, 30)))
        after_midnight = from_clinic_clock(datetime.combine(today + timedelta(days=1), time(0, 30)))
    make_lead(
        app, name="Tonight Person", email="tonight@example.com", phone="", follow_up_at=tonight
    )
    make_lead(
        app,
        name="Tomorrow Person",
        email="tomorrow@example.com",
        phone="",
        follow_up_at=after_midnight,
    )
    make_lead(
        app,
        name="Late Person",
        email="late@example.com",
        phone="",
        follow_up_at=utcnow() - timedelta(days=2),
    )
    make_lead(app, name="Open Person", email="open@example.com", phone="")
    assert "Tonight Person" in listed(client, follow_up="today")
    assert "Tomorrow Person" not in listed(client, follow_up="today")
    assert "Late Person" not in listed(client, follow_up="today")
    assert "Late Person" in listed(client, follow_up="overdue")
    assert {"Tomorrow Person", "Open Person"}.isdisjoint(listed(client, follow_up="overdue"))
    assert listed(client, follow_up="none") == {"Open Person"}
    page = client.get("/staff/leads", query_string={"follow_up": "overdue"}).get_data(True)
    # Overdue is said in words (and styled), beside the time on the clinic's clock.
    assert '<strong class="overdue">Overdue</strong>' in page
    assert "UTC" not in re.sub(r"<[^>]+>", "", page.split("<tbody>")[1])


def test_untouched_new_leads_stand_out_after_the_clinics_setting(db_app):
    client, cora, _bo = cora_and_bo(db_app)
    waiting = make_lead(
        db_app,
        name="Waiting Person",
        email="waiting@example.com",
        phone="",
        created_at=hours_ago(30),
    )
    make_lead(
        db_app, name="Fresh Person", email="fresh@example.com", phone="", created_at=hours_ago(2)
    )
    noted = make_lead(
        db_app, name="Noted Person", email="noted@example.com", phone="", created_at=hours_ago(30)
    )
    make_lead(
        db_app,
        name="Moved Person",
        email="moved@example.com",
        phone="",
        created_at=hours_ago(30),
        status_changed_at=hours_ago(1),
    )
    make_lead(
        db_app,
        name="Called Person",
        email="called@example.com",
        phone="",
        created_at=hours_ago(30),
        status="contacted",
    )
    make_lead(
        db_app,
        name="Long Person",
        email="long@example.com",
        phone="",
        created_at=hours_ago(24 * 5 + 1),
    )
    with db_app.app_context():
        db.session.add(
            LeadNote(lead_id=noted, author_id=cora, kind="note", text="Left a voicemail")
        )
        db.session.commit()
    assert listed(client, status="untouched") == {"Waiting Person", "Long Person"}
    page = client.get("/staff/leads").get_data(as_text=True)
    assert "Untouched for 30 hours" in page and "Untouched for 5 days" in page
    assert page.count('class="tag tag-untouched"') == 2

    with db_app.app_context():  # the clinic waits two days before a lead counts as untouched
        clinic_settings.set_text("untouched_hours", "48", by=cora)
        db.session.commit()
    assert listed(client, status="untouched") == {"Long Person"}
    assert "Untouched for 30 hours" not in client.get("/staff/leads").get_data(True)
    with db_app.app_context():
        db.session.execute(update(Lead).where(Lead.id == waiting).values(created_at=hours_ago(49)))
        db.session.commit()
    assert listed(client, status="untouched") == {"Waiting Person", "Long Person"}


def test_the_counts_at_the_top_are_the_sizes_of_the_views_they_open(db_app):
    client, cora, bo = cora_and_bo(db_app)
    make_lead(
        db_app,
        name="A Person",
        email="a@example.com",
        phone="",
        assigned_to_id=cora,
        follow_up_at=utcnow() - timedelta(hours=1),
    )
    make_lead(
        db_app,
        name="B Person",
        email="b@example.com",
        phone="",
        assigned_to_id=bo,
        follow_up_at=utcnow() - timedelta(days=3),
    )
    make_lead(db_app, name="C Person", email="c@example.com", phone="", created_at=hours_ago(40))
    make_lead(
        db_app,
        name="D Person",
        email="d@example.com",
        phone="",
        follow_up_at=utcnow() + timedelta(days=3),
    )
    kept = make_lead(db_app, name="Kept Person", email="kept@example.com", phone="")
    make_lead(
        db_app,
        name="Merged Person",
        email="merged@example.com",
        phone="",
        merged_into_id=kept,
        follow_up_at=hours_ago(5),
    )
    page = client.get("/staff/leads").get_data(as_text=True)
    views = dict(
        re.findall(
            r'<a href="/staff/leads\?([^"]+)"[^>]*>[^<]+<span class="view-count">(\d+)</span>', page
        )
    )
    overdue = 2  # A and B; the merged duplicate does not count
    assert views == {
        "assigned=me": "1",
        "follow_up=today": views["follow_up=today"],  # A if its hour ago was still today
        "follow_up=overdue": str(overdue),
        "status=untouched": "1",
        "assigned=none": "3",
    }
    for query, count in views.items():
        key, value = query.split("=")
        assert len(listed(client, **{key: value})) == int(count), query
    mine = client.get("/staff/leads?assigned=me").get_data(as_text=True)
    assert 'href="/staff/leads?assigned=me" aria-current="page"' in mine


def test_merged_duplicates_are_hidden_unless_asked_for(db_app):
    client, _cora, _bo = cora_and_bo(db_app)
    kept = make_lead(db_app, name="Kept Person", email="kept@example.com", phone="")
    merged = make_lead(
        db_app, name="Twin Person", email="twin@example.com", phone="", merged_into_id=kept
    )
    assert listed(client) == {"Kept Person"}
    assert listed(client, q="Twin") == set()
    assert listed(client, status="merged") == {"Twin Person"}
    page = client.get("/staff/leads?status=merged").get_data(as_text=True)
    assert f"Merged into #{kept}" in page
    assert listed(client, q=f"#{merged}") == {"Twin Person"}  # its number still finds it


@pytest.mark.parametrize(
    ("clinic_phone", "query"),
    [
        ("+44 20 7946 0000", "020 7946 0958"),  # national, in the clinic's own country
        ("+1 (555) 010-0199", "020 7946 0958"),  # national UK digits, a US clinic
        ("+1 (555) 010-0199", "+44 20 7946 0958"),  # international
        ("+1 (555) 010-0199", "+44 (0)20 7946 0958"),
        ("+1 (555) 010-0199", "0044 20 7946 0958"),
        ("+1 (555) 010-0199", "7946 0958"),  # part of it
    ],
)
def test_search_finds_a_phone_in_any_format(app_factory, clinic_phone, query):
    app = app_factory(CLINIC_PHONE=clinic_phone)
    client, _cora, _bo = cora_and_bo(app)
    make_lead(app, name="London Person", email="london@example.com", phone="+442079460958")
    make_lead(app, name="Other Person", email="other@example.com", phone="+15550100123")
    assert listed(client, q=query) == {"London Person"}


def test_search_finds_a_us_number_typed_nationally(app_factory):
    app = app_factory(CLINIC_PHONE="+1 (555) 010-0199")
    client, _cora, _bo = cora_and_bo(app)
    make_lead(app, name="Local Person", email="local@example.com", phone="+15550100199")
    make_lead(app, name="London Person", email="london@example.com", phone="+442079460958")
    assert listed(client, q="(555) 010-0199") == {"Local Person"}
    assert listed(client, q="555.010.0199") == {"Local Person"}


def test_search_by_lead_number_email_in_any_case_or_name(db_app):
    client, _cora, _bo = cora_and_bo(db_app)
    first = make_lead(db_app, name="Zoë Example", phone="", email="Zoe.Example@Mail.test")
    make_lead(db_app, name="Other Person", phone="", email="other@example.com")
    assert listed(client, q=str(first)) == {"Zoë Example"}
    assert listed(client, q=f"#{first}") == {"Zoë Example"}
    assert listed(client, q=f"  # {first} ") == {"Zoë Example"}
    assert listed(client, q="ZOE.EXAMPLE@MAIL.TEST") == {"Zoë Example"}
    assert listed(client, q="example@mail") == {"Zoë Example"}
    assert listed(client, q="zoë") == {"Zoë Example"}
    assert listed(client, q="#abc") == set()
    assert listed(client, q="%") == set() and listed(client, q="_") == set()


@pytest.mark.parametrize(
    "args",
    [
        {"status": "nonsense", "assigned": "someone", "follow_up": "yesterday"},
        {"assigned": "99999999999999999999", "outcome": "<script>"},
        {"page": "999999"},
        {"page": "-3", "date_from": "2026-13-45"},
        {"q": "x" * 10_000},
        {"q": "#abc"},
        {"q": "#99999999999999999999"},
        {"q": "+", "follow_up": ""},
    ],
)
def test_bad_filters_never_break_the_list(db_app, args):
    client, _cora, _bo = cora_and_bo(db_app)
    make_lead(db_app, name="Only Person", email="only@example.com", phone="")
    response = client.get("/staff/leads", query_string=args, follow_redirects=True)
    assert response.status_code == 200
    assert "<script>" not in response.get_data(as_text=True).split("<main")[1]


def test_links_to_leads_carry_the_lists_filters_and_page(app_factory):
    app = app_factory(LEADS_PER_PAGE=2)
    client, cora, _bo = cora_and_bo(app)
    ids = [
        make_lead(
            app,
            name=f"Person {n}",
            email="person@example.com",
            phone="",
            assigned_to_id=cora,
            created_at=hours_ago(n),
        )
        for n in range(3)
    ]
    first = client.get("/staff/leads?status=new&assigned=me").get_data(as_text=True)
    assert f'href="/staff/leads/{ids[0]}?status=new&amp;assigned=me"' in first
    older = link(first, "next")
    assert older.startswith("/staff/leads?status=new&assigned=me&after="), older
    page = client.get(older).get_data(as_text=True)
    key = older.split("after=")[1]
    assert f'href="/staff/leads/{ids[2]}?status=new&amp;assigned=me&amp;after={key}"' in page
    # The export link keeps the same filters (without the page).
    with app.app_context():
        from staff.models import StaffUser

        db.session.get(StaffUser, cora).can_export = True
        db.session.commit()
    page = client.get(older).get_data(as_text=True)
    assert 'href="/staff/leads.csv?status=new&amp;assigned=me"' in page


def link(page: str, rel: str) -> str:
    """The list's "newer" (prev) or "older" (next) link's address."""
    match = re.search(rf'<a href="([^"]+)" rel="{rel}">', page)
    assert match, rel
    return html.unescape(match.group(1))


def test_an_empty_search_says_so_and_offers_every_lead(db_app):
    client, _cora, _bo = cora_and_bo(db_app)
    make_lead(db_app, name="Only Person", email="only@example.com", phone="")
    page = client.get("/staff/leads?q=nobody-like-this").get_data(as_text=True)
    assert "No leads match these filters." in page and "Show all leads" in page
    assert "0 leads: matching “nobody-like-this”" in page


def test_search_finds_a_lead_by_the_result_reference_the_person_quotes(db_app):
    """The result page and the confirmation show the person a reference ("7KQ2-M9XD"); read
    out on the phone or copied from a message, in any case and with or without its dash."""
    client, _cora, _bo = cora_and_bo(db_app)
    quoted = make_lead(db_app, name="Quoting Person", phone="", email="quote@example.com")
    make_lead(db_app, name="Other Person", phone="+442079460958", email="other@example.com")
    with db_app.app_context():
        reference = db.session.get(Lead, quoted).result_reference
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", reference)
    assert listed(client, q=reference) == {"Quoting Person"}
    assert listed(client, q=f" {reference.lower()} ") == {"Quoting Person"}
    assert listed(client, q=reference.replace("-", "")) == {"Quoting Person"}
    assert listed(client, q=reference.replace("-", " ")) == {"Quoting Person"}
    # Another reference finds nobody (its digits are not read as a phone number).
    other = "ZZZZ-ZZZZ" if reference != "ZZZZ-ZZZZ" else "0000-0000"
    assert listed(client, q=other) == set()
