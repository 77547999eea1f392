"""The documents moderation produces, read back through WeasyPrint's document API (as
tests/assessment/test_pdf.py does): the anonymised portfolio (MOD-ANON), the moderation form
added to the portfolio (MOD-FORM), the pay progression authorisation (PROGRESSION) and the
external sample's ZIP (MOD-EXTERNAL); each rendered once per content, in a background task,
fetching nothing but the app's own static files."""

import csv
import hashlib
import io
import json
import zipfile

import pytest

from moderation import pdf, services, tasks
from moderation.anonymise import SNAPSHOT_SECTIONS
from moderation.models import ModerationRecord, PdfStatus
from tests.moderation.conftest import at, page_lines, page_texts

pytestmark = pytest.mark.django_db


def headings(tree):
    for label, _, children, _ in tree:
        yield label
        yield from headings(children)


@pytest.fixture
def renders(monkeypatch):
    """The HTML documents WeasyPrint was asked to write."""
    rendered = []
    real = pdf.write_pdf

    def counting(html, fetcher=None):
        rendered.append(html)
        return real(html, fetcher)

    monkeypatch.setattr(pdf, "write_pdf", counting)
    return rendered


def decide(submission, crew):
    return services.record_decision(
        submission=submission,
        by=crew["chair"],
        verdict="verified",
        reasons="The evidence is consistent and sufficient.",
        sign_off=True,
        at=at(submission.panel.held_on),
    )


# --- The anonymised portfolio -----------------------------------------------------------------


def test_the_portfolio_pdf_has_the_cover_contents_and_every_section(renders, submitted):
    submitted.refresh_from_db()
    assert submitted.pdf_status == PdfStatus.READY and len(renders) == 1
    with submitted.pdf.open("rb") as f:
        assert f.read().startswith(b"%PDF")
    fetcher = pdf.portfolio_pdf.StaticFilesOnly()
    document = pdf.render_document(pdf.submission_document(submitted), fetcher)
    assert fetcher.served == ["https://portfolio.invalid/static/css/print.css"]
    assert fetcher.refused == []
    pages = page_texts(document)
    assert "ASYE portfolio" in pages[0] and submitted.code in pages[0]
    assert "Final moderation panel" in pages[0] and "PASS" in pages[0]
    assert pages[1].startswith("Contents")
    everything = " ".join(pages)
    for _, title in SNAPSHOT_SECTIONS:
        assert title in pages[1] and title in everything
    total = len(pages)
    for number, text in enumerate(pages[1:], start=2):
        assert f"{submitted.code} · ASYE portfolio" in text
        assert f"Page {number} of {total}" in text
    outline = list(headings(document.make_bookmark_tree()))
    for title in ["Contents", "Evidence map", "Direct observations", "Supervision record"]:
        assert title in outline


def test_the_task_renders_each_content_once(renders, submitted):
    assert len(renders) == 1
    tasks.render_submission_pdf.call(submission_id=submitted.pk)
    services.request_submission_pdf(submission=submitted)
    assert len(renders) == 1


def test_a_failed_render_is_asked_for_again(crew, queued, submitted, monkeypatch):
    monkeypatch.setattr(pdf, "write_pdf", lambda html, fetcher=None: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        tasks.render_submission_pdf.call(submission_id=submitted.pk)
    submitted.refresh_from_db()
    assert submitted.pdf_status == PdfStatus.FAILED
    services.request_submission_pdf(submission=submitted)
    submitted.refresh_from_db()
    assert submitted.pdf_status == PdfStatus.PENDING and len(queued.results) == 2


def test_the_same_snapshot_gives_the_same_document_every_day(submitted):
    first = pdf.submission_document(submitted)
    assert pdf.content_hash(first) == submitted.content_hash
    assert pdf.content_hash(pdf.submission_document(submitted)) == submitted.content_hash


# --- MOD-FORM ---------------------------------------------------------------------------------


def test_the_moderation_form_pdf_holds_the_checklist_the_judgement_and_the_decision(
    crew, moderated, enrolment
):
    decision = decide(moderated, crew)
    record = ModerationRecord.objects.get(decision=decision)
    assert record.status == PdfStatus.READY and record.enrolment == enrolment
    with record.file.open("rb") as f:
        assert f.read().startswith(b"%PDF")
    html = pdf.record_document(
        record, services.record_forms(moderated), list(moderated.decisions.all())
    )
    assert pdf.content_hash(html) == record.content_hash
    everything = " ".join(page_texts(pdf.render_document(html)))
    assert "Moderation form" in everything and enrolment.person.full_name in everything
    assert moderated.code not in everything  # it is the NQSW's own document, not the panel's
    assert "The panel's decision" in everything
    assert "Verified: the panel agrees with the assessor" in everything
    assert f"signed off by {crew['chair'].full_name}" in everything
    assert f"Moderation by {crew['other_gm'].full_name}" in everything
    for label in [
        "The support and assessment agreement",
        "Supervision at the agreed frequency",
        "Use of the 10% protected time",
        "Every part of the critical reflection log",
        "At least three direct observations",
        "Accurate",
        "Valid",
        "Robust",
        "Sufficient",
        "The evidence supports the recommendation.",
    ]:
        assert label in everything, label


def cover_values(lines: list[str], labels: list[str]) -> dict[str, str]:
    """What the cover shows beside each label, read by position on the page: the rest of the
    label's line and any lines under it until the next label."""
    values: dict[str, str] = {}
    current = None
    for line in lines:
        line = " ".join(line.split())
        label = next((lb for lb in labels if line.startswith(lb + " ")), None)
        if label:
            current = label
            values[label] = line[len(label) :].strip()
        elif current:
            values[current] += " " + line
    return values


def test_the_moderation_form_cover_pairs_each_label_with_its_own_value(crew, moderated, enrolment):
    """Issue 10 item 7: the cover put "Panel decision" beside "Passed (NAT-OUTCOME)"; and every
    later page's footer names the document it belongs to, the moderation form."""
    decision = decide(moderated, crew)
    record = ModerationRecord.objects.get(decision=decision)
    html = pdf.record_document(
        record, services.record_forms(moderated), list(moderated.decisions.all())
    )
    document = pdf.render_document(html)
    expected = {
        "Staff id": enrolment.person.staff_id,
        "Panel": moderated.panel.title,
        "Assessor's recommendation": "PASS",
        "Panel decision": decision.get_verdict_display(),
        "Outcome of the ASYE": f"{decision.get_outcome_display()} (NAT-OUTCOME)",
        "Signed off": f"by {crew['chair'].full_name}, chair, on "
        f"{decision.signed_off_at.day} {decision.signed_off_at:%B %Y}",
    }
    cover = page_lines(document.pages[0])
    # The longest labels first, so "Panel decision" is never read as "Panel".
    labels = sorted(expected, key=len, reverse=True)
    assert cover_values(cover, labels) == {k: " ".join(v.split()) for k, v in expected.items()}
    pages = page_texts(document)
    assert len(pages) > 1
    for number, text in enumerate(pages[1:], start=2):
        assert f"{enrolment.person.full_name} · Moderation form" in text, number
        assert "ASYE portfolio" not in text, number


# --- PROGRESSION ------------------------------------------------------------------------------


def test_the_progression_authorisation_names_the_worker_the_point_and_the_chair(
    crew, moderated, enrolment
):
    decide(moderated, crew)
    authorisation = services.authorise_progression(submission=moderated, by=crew["chair"])
    assert authorisation.status == PdfStatus.READY
    with authorisation.file.open("rb") as f:
        assert f.read().startswith(b"%PDF")
    enrolment.refresh_from_db()
    document = pdf.render_document(pdf.progression_document(authorisation))
    text = " ".join(page_texts(document))
    assert "Authorisation of pay progression to SCP32" in text
    assert enrolment.person.full_name in text and enrolment.person.staff_id in text
    assert f"{moderated.panel.held_on.day} {moderated.panel.held_on:%B %Y}" in text
    assert "the panel verified the assessor's PASS recommendation" in text
    assert (
        f"{crew['chair'].full_name}, Principal Social Worker, chair of the moderation panel" in text
    )


# --- MOD-EXTERNAL -----------------------------------------------------------------------------


def test_the_external_sample_is_a_zip_of_anonymised_pdfs_and_a_manifest(crew, moderated, enrolment):
    decide(moderated, crew)
    sample = services.build_external_sample(
        title="Autumn sample", submissions=[moderated], by=crew["ld"]
    )
    assert sample.status == PdfStatus.READY
    with sample.file.open("rb") as f:
        body = f.read()
    assert hashlib.sha256(body).hexdigest() == sample.content_hash
    archive = zipfile.ZipFile(io.BytesIO(body))
    name = f"portfolio-{moderated.code}.pdf"
    assert sorted(archive.namelist()) == sorted([name, "manifest.csv", "manifest.json"])
    portfolio = archive.read(name)
    assert portfolio.startswith(b"%PDF")
    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
    assert rows == [
        {
            "code": moderated.code,
            "panel": "Final",
            "panel_date": moderated.panel.held_on.isoformat(),
            "service": "CAI",
            "assessor_recommendation": "PASS",
            "fail_pathway": "no",
            "submitted_on": moderated.submitted_at.date().isoformat(),
            "late": "no",
            "panel_decision": "Verified",
            "decision_signed_off_on": moderated.panel.held_on.isoformat(),
            "file": name,
            "sha256": hashlib.sha256(portfolio).hexdigest(),
        }
    ]
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["title"] == "Autumn sample" and manifest["portfolios"] == rows
    person = enrolment.person
    for member in archive.namelist():
        content = archive.read(member).decode("latin-1")
        for secret in (person.full_name, person.staff_id, person.email):
            assert secret not in content and secret not in member


def test_an_unchanged_sample_zips_to_the_same_bytes(crew, moderated):
    decide(moderated, crew)
    first = services.build_external_sample(title="Same", submissions=[moderated], by=crew["ld"])
    second = services.build_external_sample(title="Same", submissions=[moderated], by=crew["ld"])
    assert first.content_hash == second.content_hash
