"""Caseload numbers in words (issue 10 item 13): headroom pluralised, none left highlighted,
children and cases in cells of their own."""

import base64
import re
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from caseloads import rules
from tests.caseloads.factories import allocate

pytestmark = pytest.mark.django_db

# ASYE month 3 for a September 2026 start: CAI 0-10 children.
TODAY = date(2026, 11, 16)
OCTOBER = date(2026, 10, 1)


def page(client, person, url):
    client.force_login(person.user)
    with time_machine.travel(TODAY, tick=False):
        response = client.get(url)
    assert response.status_code == 200
    return " ".join(response.text.split())


def board_row(text, person):
    row = text[text.index(person.full_name) :]
    return re.findall(r"<td>(.*?)</td>", row[: row.index("</tr>")])


@pytest.mark.parametrize(
    ("headroom", "unit", "words"),
    [
        (1, rules.CHILDREN, "1 child"),
        (2, rules.CHILDREN, "2 children"),
        (1, rules.CASES, "1 case"),
        (3, rules.CASES, "3 cases"),
        (0, rules.CHILDREN, "none: at the cap"),
        (-1, rules.CHILDREN, "none: 1 child over the cap"),
        (-2, rules.CASES, "none: 2 cases over the cap"),
    ],
)
def test_headroom_in_words(headroom, unit, words):
    assert rules.headroom_words(headroom, unit) == words


def test_one_child_of_headroom_reads_1_child_everywhere(client, people, enrolment):
    with time_machine.travel(OCTOBER, tick=False):
        allocate(people["nqsw"], start=OCTOBER, children=9)
    board = page(client, people["pm"], reverse("caseloads:board"))
    worker = page(client, people["pm"], reverse("caseloads:worker", args=[enrolment.pk]))
    home = page(client, people["nqsw"], reverse("home"))
    for text in (board, worker, home):
        assert "1 children" not in text
    assert board_row(board, people["nqsw"])[1] == "1 child"
    assert 'Headroom</dt><dd class="col-sm-8">1 child</dd>' in worker
    assert 'Headroom</dt><dd class="col-sm-8">1 child</dd>' in home
    assert 'text-bg-danger">none' not in board + worker + home


def test_no_headroom_is_highlighted(client, people, enrolment):
    with time_machine.travel(OCTOBER, tick=False):
        allocate(people["nqsw"], start=OCTOBER, children=10)
    badge = '<span class="badge text-bg-danger">none: at the cap</span>'
    assert badge in board_row(
        page(client, people["pm"], reverse("caseloads:board")), people["nqsw"]
    )
    assert badge in page(client, people["pm"], reverse("caseloads:worker", args=[enrolment.pk]))
    assert badge in page(client, people["nqsw"], reverse("home"))


def test_the_board_has_children_and_cases_in_separate_cells(client, people, enrolment):
    with time_machine.travel(OCTOBER, tick=False):
        allocate(people["nqsw"], start=OCTOBER, children=3)
        allocate(people["nqsw"], start=OCTOBER, children=2)
    text = page(client, people["pm"], reverse("caseloads:board"))
    header = text[text.index("<thead>") : text.index("</thead>")]
    assert '<th scope="col">Children held</th> <th scope="col">Cases</th>' in header
    cells = board_row(text, people["nqsw"])
    assert cells[2:4] == ["5", "2"]


def test_a_worker_at_the_cap_is_drawn_over_the_cap_line(client, people, enrolment):
    with time_machine.travel(OCTOBER, tick=False):
        allocate(people["nqsw"], start=OCTOBER, children=10)
    text = page(client, people["pm"], reverse("caseloads:worker", args=[enrolment.pk]))
    found = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', text)
    svg = base64.b64decode(found.group(1)).decode()
    # pygal draws the series in order: the caseload comes last, on top of both band lines.
    legends = [t for t in re.findall(r"<text[^>]*>([^<]+)</text>", svg) if t in LEGENDS]
    assert legends[-3:] == ["Cap (maximum)", "Band minimum", "Children held"]


LEGENDS = {"Cap (maximum)", "Band minimum", "Children held"}
