"""The portfolio PDF: what it holds, the content-hash cache, the background task, the fetcher
that fetches nothing from outside the app, and `manage.py export_portfolio`."""

import socket
from datetime import date

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import connection
from django.tasks import task_backends
from django.tasks.backends.dummy import DummyBackend
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from weasyprint.formatting_structure import boxes

from assessment import pdf, services, tasks
from assessment.models import FrameworkElement, PortfolioPdf
from assessment.portfolio import SECTIONS
from tests import factories
from tests.assessment import factories as af

pytestmark = pytest.mark.django_db


def texts(box):
    if isinstance(box, boxes.TextBox):
        yield box.text
    for child in getattr(box, "children", []):
        yield from texts(child)


def page_texts(document) -> list[str]:
    """Each page's text, footer included, read through WeasyPrint's document API."""
    return [" ".join(texts(page._page_box)) for page in document.pages]


def headings(tree):
    for label, _, children, _ in tree:
        yield label
        yield from headings(children)


@pytest.fixture
def complete():
    return af.complete_portfolio(af.past_enrolment(), copies=3)


@pytest.fixture
def renders(monkeypatch):
    """Count PDF renders (WeasyPrint runs): the list of HTML documents rendered."""
    rendered = []
    real = pdf.write_pdf

    def counting(html, fetcher=None):
        rendered.append(html)
        return real(html, fetcher)

    monkeypatch.setattr(pdf, "write_pdf", counting)
    return rendered


@pytest.fixture
def queued(monkeypatch):
    """A task queue that keeps jobs instead of running them (as the database queue does
    until a worker picks them up)."""
    backend = DummyBackend(alias="default", params={})
    monkeypatch.setattr(task_backends._connections, "default", backend, raising=False)
    return backend


# --- What the PDF holds ---------------------------------------------------------------------


def test_the_pdf_has_the_cover_contents_map_and_every_record(complete):
    html = pdf.portfolio_html(complete)
    document = pdf.render_document(html)
    content = pdf.write_pdf(html)
    assert content.startswith(b"%PDF")

    pages = page_texts(document)
    name = complete.person.full_name
    assert "ASYE portfolio" in pages[0] and name in pages[0]
    assert "Page 1" not in pages[0]  # no footer on the cover
    assert pages[1].startswith("Contents")
    everything = " ".join(pages)
    for _, title in SECTIONS:
        assert title in pages[1]  # listed in the contents, with its page number
        assert title in everything
    for element in FrameworkElement.objects.filter(framework__code="PCF"):
        assert element.title in everything
    for element in FrameworkElement.objects.filter(framework__code="KSS"):
        assert element.title in everything
    # The footer: the NQSW's name and the page numbers on every page after the cover.
    total = len(pages)
    for number, text in enumerate(pages[1:], start=2):
        assert name in text and f"Page {number} of {total}" in text

    outline = list(headings(document.make_bookmark_tree()))
    for title in ["Contents", "Evidence map", "Direct observations", "Recommendation"]:
        assert title in outline
    observations = [h for h in outline if h.startswith("Observation ")]
    assert len(observations) == 6


def test_the_sections_come_in_order(complete):
    """Cover, contents, then the sections in the portfolio's order (the PDF's outline)."""
    document = pdf.render_document(pdf.portfolio_html(complete))
    [(cover, _, top, _)] = document.make_bookmark_tree()
    assert cover == "ASYE portfolio"
    assert [label for label, _, _, _ in top] == ["Contents"] + [t for _, t in SECTIONS]
    pages = [page for _, (page, _, _), _, _ in top]
    assert pages == sorted(pages) and pages[0] == 1  # the contents follow the cover


def test_the_pdf_does_not_depend_on_the_day(complete):
    """An unchanged portfolio gives the same document, so the same hash, every day."""
    first = pdf.portfolio_html(complete)
    assert "Overdue" not in first
    assert pdf.content_hash(first) == pdf.content_hash(pdf.portfolio_html(complete))


def test_pdf_build_queries_do_not_grow_with_records(django_assert_max_num_queries, renders):
    small = af.complete_portfolio(af.past_enrolment(), copies=1)
    big = af.complete_portfolio(af.past_enrolment(), copies=10)
    with CaptureQueriesContext(connection) as small_queries:
        services.render_portfolio_pdf(enrolment=small)
    with django_assert_max_num_queries(len(small_queries)):
        services.render_portfolio_pdf(enrolment=big)
    assert len(renders) == 2


# --- The cache and the background task ------------------------------------------------------


def test_an_unchanged_portfolio_is_rendered_once(client, people, enrolment, renders):
    af.ObservationFactory(enrolment=enrolment, observed_on=date(2026, 10, 1))
    client.force_login(people["assessor"].user)
    url = reverse("assessment:portfolio_pdf", args=[enrolment.pk])

    assert "Prepare the PDF" in client.get(url).text
    assert client.post(url).status_code == 302  # the task runs at once in the tests
    assert len(renders) == 1
    assert "Download the PDF" in client.get(url).text

    client.post(url)
    client.force_login(people["nqsw"].user)
    client.post(url)
    assert len(renders) == 1  # a second request renders nothing
    assert PortfolioPdf.objects.filter(enrolment=enrolment).count() == 1

    download = client.get(reverse("assessment:portfolio_pdf_download", args=[enrolment.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert len(renders) == 1


def test_a_changed_portfolio_is_rendered_again_and_the_old_pdf_dropped(people, enrolment, renders):
    first = services.request_portfolio_pdf(enrolment=enrolment)
    af.LogFactory(enrolment=enrolment, written_on=date(2026, 10, 3))
    second = services.request_portfolio_pdf(enrolment=enrolment)
    assert first.content_hash != second.content_hash
    assert len(renders) == 2
    assert list(PortfolioPdf.objects.filter(enrolment=enrolment)) == [second]
    assert second.status == PortfolioPdf.Status.READY


def test_the_page_shows_preparing_until_the_task_has_run(client, people, enrolment, queued):
    client.force_login(people["nqsw"].user)
    url = reverse("assessment:portfolio_pdf", args=[enrolment.pk])
    client.post(url)
    page = client.get(url).text
    assert "Preparing the PDF" in page and 'hx-trigger="every 3s"' in page
    assert len(queued.results) == 1
    download = reverse("assessment:portfolio_pdf_download", args=[enrolment.pk])
    assert client.get(download).status_code == 302  # not ready: back to the status page
    # Asking again while it is queued queues nothing more.
    client.post(url)
    assert len(queued.results) == 1

    # The worker runs the job.
    job = queued.results[0]
    tasks.render_portfolio_pdf.call(*job.args, **job.kwargs)
    row = PortfolioPdf.objects.get(enrolment=enrolment)
    polled = client.get(url, {"hash": row.content_hash}, HTTP_HX_REQUEST="true").text
    assert "Download the PDF" in polled and "hx-trigger" not in polled
    assert client.get(download).status_code == 200


def test_a_failed_render_can_be_asked_for_again(people, enrolment, monkeypatch, queued):
    row = services.request_portfolio_pdf(enrolment=enrolment)
    monkeypatch.setattr(pdf, "write_pdf", lambda html, fetcher=None: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        tasks.render_portfolio_pdf.call(enrolment_id=enrolment.pk)
    row.refresh_from_db()
    assert row.status == PortfolioPdf.Status.FAILED
    services.request_portfolio_pdf(enrolment=enrolment)
    row.refresh_from_db()
    assert row.status == PortfolioPdf.Status.PENDING and len(queued.results) == 2


# --- Nothing is fetched from outside the app ------------------------------------------------


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a network connection fails the test."""
    attempts = []

    def refuse(self, address):
        attempts.append(address)
        raise AssertionError(f"network access to {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


def test_the_fetcher_serves_only_the_apps_static_files(no_network):
    fetcher = pdf.StaticFilesOnly()
    css = fetcher.fetch("https://portfolio.invalid/static/css/print.css")
    assert b"@page" in css.read() and css.content_type == "text/css"
    for url in [
        "http://example.com/x.png",
        "https://example.com/static/css/print.css",
        "file:///etc/passwd",
        "https://portfolio.invalid/static/../../etc/passwd",
        "https://portfolio.invalid/static/css/missing.css",
        "https://portfolio.invalid/media/portfolio-pdfs/other.pdf",
        "data:text/css,body{}",
    ]:
        with pytest.raises(PermissionError):
            fetcher.fetch(url)
    assert no_network == []


def test_user_entered_urls_are_not_fetched(people, enrolment, no_network):
    af.ObservationFactory(
        enrolment=enrolment,
        observed_on=date(2026, 10, 1),
        what_observed='<img src="http://example.com/x.png"> see http://example.com/notes',
        feedback='<link rel="stylesheet" href="http://example.com/evil.css">',
    )
    fetcher = pdf.StaticFilesOnly()
    html = pdf.portfolio_html(enrolment)
    document = pdf.render_document(html, fetcher)
    assert fetcher.served == ["https://portfolio.invalid/static/css/print.css"]
    assert fetcher.refused == []  # escaped text: never even a request
    assert '<img src="http://example.com/x.png">' in " ".join(page_texts(document))
    assert no_network == []


def test_markup_that_reaches_weasyprint_is_refused_not_fetched(no_network):
    fetcher = pdf.StaticFilesOnly()
    content = pdf.write_pdf(
        '<link rel="stylesheet" href="http://example.com/evil.css">'
        '<p><img src="http://example.com/x.png"><img src="file:///etc/hostname"></p>'
        '<p style="background: url(https://example.com/track.gif)">text</p>',
        fetcher,
    )
    assert content.startswith(b"%PDF")
    assert set(fetcher.refused) == {
        "http://example.com/evil.css",
        "http://example.com/x.png",
        "file:///etc/hostname",
        "https://example.com/track.gif",
    }
    assert no_network == []


# --- manage.py export_portfolio -------------------------------------------------------------


def test_export_portfolio_writes_the_same_pdf(complete, tmp_path, renders, capsys):
    out = tmp_path / "portfolio.pdf"
    call_command("export_portfolio", complete.person.staff_id, "--out", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    assert f"Wrote the ASYE portfolio of {complete.person.full_name}" in capsys.readouterr().out
    # The app's PDF of the same portfolio is that very file: nothing is rendered again.
    row = services.request_portfolio_pdf(enrolment=complete)
    assert row.file.read() == out.read_bytes()
    assert len(renders) == 1


def test_export_portfolio_refuses_an_unknown_staff_id(tmp_path):
    with pytest.raises(CommandError, match="No one has the staff id 'NOPE'") as e:
        call_command("export_portfolio", "NOPE", "--out", str(tmp_path / "x.pdf"))
    assert e.value.returncode == 2
    assert not (tmp_path / "x.pdf").exists()


def test_export_portfolio_refuses_someone_without_an_asye(tmp_path):
    trainee = factories.TraineeEnrolmentFactory().person
    with pytest.raises(CommandError, match="has no ASYE enrolment") as e:
        call_command("export_portfolio", trainee.staff_id, "--out", str(tmp_path / "x.pdf"))
    assert e.value.returncode == 2


def test_export_portfolio_exit_status_from_the_command_line(tmp_path, capsys):
    utility = ManagementUtility(
        ["manage.py", "export_portfolio", "NOPE", "--out", str(tmp_path / "x.pdf")]
    )
    with pytest.raises(SystemExit) as e:
        utility.execute()
    assert e.value.code == 2
    assert "No one has the staff id" in capsys.readouterr().err
