"""The patient's step pages ask in shorter words; staff read the full question, word for word.

A question's ``ask`` and a choice's ``short`` are for the patient's own pages only (the
step and the result's "Your answers"). The lead page and the CSV export, which the
clinic's staff read and file, keep the full label the rule words and the exports use.
"""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest

from questionnaire.catalogue import QUESTIONS, STEPS
from tests.factories import make_lead, staff_client
from tests.support import HEALTHY

# The words each reader sees, written out, in English and Spanish: the isotretinoin
# question and its "stopped more than 6 months ago" answer.
WORDS = {
    "en": {
        "full question": "Have you ever taken isotretinoin tablets for acne?",
        "full answer": "Yes, and I stopped more than 6 months ago",
        "short question": "Have you taken isotretinoin tablets?",
        "short answer": "Stopped over 6 months ago",
    },
    "es": {
        "full question": "¿Ha tomado alguna vez isotretinoína en pastillas para el acné?",
        "full answer": "Sí, y la dejé hace más de 6 meses",
        "short question": "¿Ha tomado isotretinoína en pastillas?",
        "short answer": "La dejé hace más de 6 meses",
    },
}
ANSWERS = {**HEALTHY, "isotretinoin": "more_than_6_months"}
LANGUAGES = pytest.mark.parametrize("lang", sorted(WORDS))


def text_of(html: str) -> str:
    """The page's words, tags dropped, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def medicines_step(app, client, lang: str) -> str:
    """The medicines step as a patient opens it, the earlier steps answered."""
    earlier = {step.id for step in STEPS[: [s.id for s in STEPS].index("medicines")]}
    codec = app.extensions["state_codec"]
    state = codec.new()
    state.answers = {q.id: HEALTHY[q.id] for q in QUESTIONS if q.step in earlier}
    page = client.get(f"/check/medicines?s={codec.dumps(state)}&lang={lang}")
    assert page.status_code == 200
    return page.get_data(as_text=True)


@LANGUAGES
def test_the_step_page_asks_in_the_short_words(app, client, lang):
    page = medicines_step(app, client, lang)
    words = WORDS[lang]
    legends = [text_of(legend) for legend in re.findall(r"<legend>(.*?)</legend>", page, re.S)]
    options = [text_of(name) for name in re.findall(r'class="option-name">(.*?)</span>', page)]
    assert words["short question"] in legends
    assert words["short answer"] in options
    assert words["full question"] not in text_of(page)
    assert words["full answer"] not in options


@LANGUAGES
def test_the_lead_page_and_the_csv_keep_the_full_question_and_answer(db_app, lang):
    lead_id = make_lead(db_app, answers=ANSWERS)
    admin = staff_client(db_app, "admin@clinic.test", role="admin")
    words = WORDS[lang]

    lead_page = text_of(admin.get(f"/staff/leads/{lead_id}?lang={lang}").get_data(as_text=True))
    assert words["full question"] in lead_page
    assert words["full answer"] in lead_page
    assert words["short question"] not in lead_page
    assert words["short answer"] not in lead_page

    export = admin.get(f"/staff/leads.csv?lang={lang}")
    assert export.status_code == 200
    rows = list(csv.DictReader(io.StringIO(export.data.decode("utf-8-sig"))))
    row = next(row for row in rows if row[next(iter(row))] == str(lead_id))
    assert row[words["full question"]] == words["full answer"]
    assert words["short question"] not in row
