"""MOD-ANON: a moderator never sees who a portfolio belongs to.

Every page and file a moderator can reach (the moderation home, the reading list, the
portfolio, its PDF, the moderation form before and after saving, and the refusals of the
pages they may not see) is fetched as the moderator, and must not hold the NQSW's name (or
either part of it), staff id, email, login or registration number, nor the names of the
assessor and practice manager, in the page, the PDF's text and metadata, the file name or
any URL. The NQSW wrote their own name and details, and their assessor's, into their records
on purpose: those are scrubbed too. Only the chair and the team resolve the code.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from academy.models import Person
from moderation import anonymise, pdf, services
from tests import factories
from tests.assessment import factories as af
from tests.moderation.conftest import (
    COMPLETE_FORM,
    finished_start,
    make_panel,
    member,
    page_texts,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def named(crew):
    """An NQSW with a distinctive identity, who writes it all over their portfolio."""
    person = factories.PersonFactory(
        role=Person.Role.NQSW,
        full_name="Oona Featherstonehaugh",
        staff_id="NQ-77413",
        email="oona.f@council.example",
        swe_registration="SW887766",
        user__username="ofeatherstone",
    )
    assessor = factories.PersonFactory(role=Person.Role.ASSESSOR, full_name="Bartholomew Quayle")
    group = factories.PracticeGroupFactory(
        practice_manager__full_name="Winifred Ashcombe-Lyle", name="Tidemouth CA&I academy"
    )
    enrolment = factories.EnrolmentFactory(
        person=person, assessor=assessor, practice_group=group, asye_start=finished_start()
    )
    af.complete_portfolio(enrolment)
    af.LogFactory(
        enrolment=enrolment,
        title="Oona's reflection on a hard week",
        written_on=enrolment.asye_start + timedelta(days=60),
        reflection=(
            "I, Oona Featherstonehaugh (staff id NQ-77413, oona.f@council.example, SW887766), "
            "talked it through with Bartholomew and with Winifred Ashcombe-Lyle. "
            "Featherstonehaugh is a hard name to spell, said O'Brien. "
            "Signed oona, FEATHERSTONEHAUGH, #OonaFeatherstonehaugh."
        ),
    )
    return enrolment


def identity(enrolment) -> list[str]:
    person = enrolment.person
    return [
        person.full_name,
        "Oona",
        "Featherstonehaugh",
        person.staff_id,
        person.email,
        person.swe_registration,
        person.user.username,
        "Bartholomew",
        "Quayle",
        "Winifred",
        "Ashcombe-Lyle",
        "Tidemouth",
    ]


def assert_anonymous(text: str, enrolment, where: str):
    lowered = text.lower()
    for secret in identity(enrolment):
        assert secret.lower() not in lowered, f"{secret!r} in {where}"


@pytest.fixture
def reading(named, crew):
    """The NQSW's portfolio, submitted to an open final panel and allocated to the CLA GM."""
    panel = make_panel(crew)
    [entry] = services.enter_for_panel(panel=panel, enrolments=[named], by=crew["ld"])
    submission = services.submit_portfolio(submission=entry, by=named.person)
    services.allocate_to(
        submission=submission, moderator=member(panel, crew["other_gm"]), by=crew["ld"]
    )
    submission.refresh_from_db()
    return submission


def test_the_snapshot_holds_the_portfolio_but_no_identity(reading, named):
    html = reading.snapshot_html
    assert "Oona's reflection" not in html  # the name inside the title went too
    assert "talked it through with [name removed]" in html
    assert "the assessor" in html and "the practice manager" in html  # parts, not names
    assert "O&#x27;Brien" in html  # someone else's name typed in the text stays
    assert_anonymous(html, named, "the snapshot")
    assert_anonymous(str(reading.snapshot), named, "the snapshot's facts")


def test_every_page_and_file_a_moderator_reaches_is_anonymous(client, crew, reading, named):
    client.force_login(crew["other_gm"].user)
    code = reading.code
    pages = {
        "home": reverse("moderation:panel_list"),
        "reading list": reverse("moderation:reading_list"),
        "portfolio": reverse("moderation:read", args=[code]),
        "form": reverse("moderation:moderation_form", args=[code]),
        # Pages the moderator may not see: the refusals give nothing away either.
        "panel (403)": reverse("moderation:panel_detail", args=[reading.panel_id]),
        "agenda (403)": reverse("moderation:agenda", args=[reading.panel_id]),
        "decision (403)": reverse("moderation:decision", args=[code]),
        "moderators (403)": reverse("moderation:moderators", args=[code]),
        "NQSW page (404)": reverse("moderation:enrolment_moderation", args=[named.pk]),
    }
    urls = set()
    for where, url in pages.items():
        response = client.get(url)
        assert response.status_code in (200, 403, 404), where
        text = response.content.decode()
        assert_anonymous(text, named, where)
        urls.update(re.findall(r'(?:href|action|hx-get)="([^"]+)"', text))
    assert code in client.get(pages["portfolio"]).text

    # Saving the form, and the page it leads to.
    response = client.post(pages["form"], {**COMPLETE_FORM, "complete": "1"}, follow=True)
    assert response.status_code == 200 and "is complete" in response.text
    assert_anonymous(response.text, named, "after saving the form")

    # Every URL on those pages names the code, never the NQSW.
    for url in urls:
        assert_anonymous(url, named, f"the URL {url}")

    # The PDF: its file name, its metadata and every page's text.
    download = client.get(reverse("moderation:submission_pdf", args=[code]))
    assert download.status_code == 200
    disposition = download["Content-Disposition"]
    assert f"portfolio-{code}.pdf" in disposition
    assert_anonymous(disposition, named, "the PDF's file name")
    body = b"".join(download.streaming_content)
    assert body.startswith(b"%PDF")
    assert_anonymous(body.decode("latin-1"), named, "the PDF's bytes (metadata)")
    assert reading.pdf.name.split("/")[-1].startswith(code)
    document = pdf.render_document(pdf.submission_document(reading))
    pages_text = page_texts(document)
    assert code in pages_text[0] and f"{code} · ASYE portfolio" in pages_text[2]
    assert_anonymous(" ".join(pages_text), named, "the PDF's text")
    assert document.metadata.title == f"ASYE portfolio {code} for moderation"


def test_the_chair_and_the_team_can_resolve_the_code(client, crew, reading, named):
    for role in ("chair", "ld"):
        client.force_login(crew[role].user)
        panel_page = client.get(reverse("moderation:panel_detail", args=[reading.panel_id])).text
        assert reading.code in panel_page and named.person.full_name in panel_page
        agenda = client.get(reverse("moderation:agenda", args=[reading.panel_id])).text
        assert f"{reading.code}: {named.person.full_name}" in agenda
    # A moderator's own pages never pair them up, even for the team.
    portfolio = client.get(reverse("moderation:read", args=[reading.code])).text
    assert named.person.full_name not in portfolio


def test_the_nqsws_own_pages_never_show_the_code(client, crew, reading, named):
    for person in (named.person, named.assessor):
        client.force_login(person.user)
        for url in [
            reverse("moderation:panel_list"),
            reverse("moderation:enrolment_moderation", args=[named.pk]),
        ]:
            text = client.get(url).text
            assert named.person.full_name in text
            assert reading.code not in text


def test_scrubbing_leaves_the_markup_alone():
    html = '<p class="Oona">Oona wrote <a href="#log-1">Oona&#x27;s log</a></p>'
    assert anonymise.scrub(html, ["Oona Smith"], ["Oona"]) == (
        '<p class="Oona">[name removed] wrote <a href="#log-1">[name removed]&#x27;s log</a></p>'
    )


def test_scrubbing_takes_whole_words_in_any_case():
    text = "<p>Hope said there is hope; Hopewell and Dan HOPE.</p>"
    assert anonymise.scrub(text, [], ["Hope"]) == (
        "<p>[name removed] said there is [name removed]; Hopewell and Dan [name removed].</p>"
    )


def test_scrubbing_catches_first_names_surnames_any_case_and_names_run_together():
    """Issue 10 item 9: "Sofia", "marques" and "SofiaMarques" survived the scrubber."""
    person = factories.PersonFactory(role=Person.Role.NQSW, full_name="Sofia Marques")
    enrolment = factories.EnrolmentFactory(person=person, asye_start=finished_start())
    exact, parts = anonymise.identifiers(enrolment)
    text = (
        "<p>Sofia wrote; marques signed; SofiaMarques, sofiamarques, sofia.marques, "
        "SOFIA_MARQUES and Sofia-Marques posted; Marques's log; the Sofian Sea stays.</p>"
    )
    scrubbed = anonymise.scrub(text, exact, parts)
    assert "sofia" not in scrubbed.lower().replace("sofian", "")
    assert "marques" not in scrubbed.lower()
    assert scrubbed == (
        "<p>[name removed] wrote; [name removed] signed; [name removed], [name removed], "
        "[name removed], [name removed] and [name removed] posted; [name removed]'s log; "
        "the Sofian Sea stays.</p>"
    )
