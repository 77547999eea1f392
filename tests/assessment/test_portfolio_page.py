"""The portfolio page: everything in order, the evidence map, what is missing; fixed queries."""

import re
from datetime import date
from html.parser import HTMLParser

import pytest
import time_machine
from django.urls import reverse

from assessment.pdf import portfolio_html
from tests.assessment import factories as af

pytestmark = pytest.mark.django_db


def page(client, person, enrolment):
    client.force_login(person.user)
    response = client.get(reverse("assessment:portfolio", args=[enrolment.pk]))
    assert response.status_code == 200
    return response.text


def test_a_complete_portfolio_shows_every_section_in_order():
    enrolment = af.complete_portfolio(af.past_enrolment(), copies=3)
    from django.test import Client

    text = page(Client(), enrolment.assessor, enrolment)
    headings = [
        "What is still missing",
        "Evidence map",
        "Support and assessment agreement",
        "Development plans",
        "Reviews",
        "Direct observations",
        "Critical reflection logs",
        "Feedback from children and young people",
        "Feedback from other professionals",
        "Written work",
        "Self-assessments",
        "Recommendation",
    ]
    positions = [text.index(f">{h}</h2>") for h in headings]
    assert positions == sorted(positions)
    assert "Nothing is missing." in text
    assert "Recommended: PASS" in text


def test_the_evidence_map_is_a_heat_map_of_classes_with_an_accessible_table(
    client, people, enrolment
):
    af.ObservationFactory(enrolment=enrolment, observed_on=date(2026, 10, 1))  # PCF 1, 7, KSS 2
    af.LogFactory(enrolment=enrolment, written_on=date(2026, 10, 2), elements=af.elements("PCF", 1))
    text = page(client, people["nqsw"], enrolment)
    assert "<caption>PCF: each domain against the evidence that covers it</caption>" in text
    assert "<caption>KSS: each statement against the evidence that covers it</caption>" in text
    assert '<th scope="row">PCF 1. Professionalism</th>' in text
    # PCF 1: one observation, one log, total 2.
    row = text[text.index('<th scope="row">PCF 1. Professionalism</th>') :]
    row = row[: row.index("</tr>")]
    assert row.count('class="heat heat-1">1</td>') == 2
    assert 'class="heat heat-2"><strong>2</strong>' in row
    assert 'style="' not in text  # the CSP forbids inline styles


def test_what_is_missing_against_the_national_minimums(client, people, enrolment):
    af.ObservationFactory(enrolment=enrolment, observed_on=date(2026, 10, 1))
    text = page(client, people["assessor"], enrolment)
    assert "National minimums: required against recorded" in text
    assert "1 (1 by the assessor, 0 by someone else)" in text
    assert "OBS-THREE: 1 of 3 direct observations" in text
    assert "NAT-AGREEMENT: no signed support and assessment agreement" in text
    assert "Overdue" in text  # the agreement was due by 30 Sep 2026


def test_user_text_is_escaped(client, people, enrolment):
    af.ObservationFactory(
        enrolment=enrolment,
        observed_on=date(2026, 10, 1),
        what_observed='<img src="http://example.com/x.png"> <script>alert(1)</script>',
    )
    text = page(client, people["nqsw"], enrolment)
    assert "<script>alert(1)" not in text and "&lt;script&gt;" in text
    assert '<img src="http://example.com' not in text


def test_portfolio_page_queries_do_not_grow_with_records(
    client, django_assert_max_num_queries, people
):
    small = af.complete_portfolio(af.past_enrolment(), copies=1)
    big = af.complete_portfolio(af.past_enrolment(), copies=10)
    client.force_login(small.assessor.user)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small_queries:
        assert client.get(reverse("assessment:portfolio", args=[small.pk])).status_code == 200
    client.force_login(big.assessor.user)
    with django_assert_max_num_queries(len(small_queries)):
        assert client.get(reverse("assessment:portfolio", args=[big.pk])).status_code == 200


class Outline(HTMLParser):
    """Ids, heading levels and inline styles or scripts, for the accessibility basics."""

    def __init__(self):
        super().__init__()
        self.ids, self.levels, self.inline = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self.levels.append(int(tag[1]))
        if "style" in attrs or tag == "style" or (tag == "script" and "src" not in attrs):
            self.inline.append(tag)


def outline(text):
    parser = Outline()
    parser.feed(text)
    return parser


@pytest.mark.parametrize("who", ["nqsw", "assessor"])
def test_the_page_is_well_formed_for_assistive_technology(client, people, who):
    enrolment = af.complete_portfolio(af.past_enrolment(), copies=2)
    person = enrolment.person if who == "nqsw" else enrolment.assessor
    found = outline(page(client, person, enrolment))
    assert len(found.ids) == len(set(found.ids)), "duplicate ids"
    assert found.levels[0] == 1 and found.levels.count(1) == 1
    # Headings never skip a level on the way down.
    assert all(b <= a + 1 for a, b in zip(found.levels, found.levels[1:], strict=False))
    assert found.inline == []


def test_the_form_pages_have_no_inline_style_or_script(client, people, enrolment):
    client.force_login(people["assessor"].user)
    for name, args in [
        ("agreement", [enrolment.pk]),
        ("review", [enrolment.pk, "final"]),
        ("observation_new", [enrolment.pk]),
    ]:
        found = outline(client.get(reverse(f"assessment:{name}", args=args)).text)
        assert found.inline == [] and len(found.ids) == len(set(found.ids)), name


def requirement_cells(text):
    """{requirement: status} from the "what is still missing" table."""
    table = text[text.index("National minimums: required against recorded") :]
    table = table[: table.index("</table>")]
    rows = re.findall(
        r'<th scope="row">(.*?)</th>.*?<td>(?:<strong>)?([^<]*)(?:</strong>)?</td>\s*</tr>',
        table,
        re.S,
    )
    return dict(rows)


def test_requirements_say_not_yet_due_or_overdue_never_a_bare_no(client, people, enrolment):
    with time_machine.travel(date(2026, 11, 2), tick=False):
        text = page(client, people["assessor"], enrolment)
    status = requirement_cells(text)
    assert '<th scope="col">Status</th>' in text
    assert "<strong>No</strong>" not in text
    assert status["Support and assessment agreement, in the first month"] == "Overdue"
    assert status["Critical reflection at 12 months"] == "Not yet due"
    assert "<strong>Overdue</strong>" in text  # only what is overdue stands out
    assert "<strong>Not yet due</strong>" not in text


def test_the_printed_portfolio_says_due_by_without_judging_the_day(enrolment):
    status = requirement_cells(portfolio_html(enrolment))
    assert status["Support and assessment agreement, in the first month"] == "Due by 30 Sep 2026"
    assert "Overdue" not in status.values()
