"""Rendering a whole panel's PDFs in the background, with progress on the panel page (issue 17
item 4): /moderation/panels/<pk>/pdfs/ (POST) asks for every missing PDF, and the page shows
how many of the submitted portfolios are rendered. Nothing is rendered on the request path:
the jobs are kept by a queue that does not run them (`queued`), then run here."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from moderation import pdf, services, tasks
from moderation.models import PdfStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def writes(monkeypatch):
    """WeasyPrint's writer, counted and quick: the documents themselves are test_pdf's."""
    written = []

    def write(html, fetcher=None):
        written.append(html)
        return b"%PDF-1.7 test"

    monkeypatch.setattr(pdf, "write_pdf", write)
    return written


@pytest.fixture
def failed(crew, queued, submitted, monkeypatch):
    """The submitted portfolio, whose render failed in the background."""
    monkeypatch.setattr(pdf, "write_pdf", lambda html, fetcher=None: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        tasks.render_submission_pdf.call(submission_id=submitted.pk)
    submitted.refresh_from_db()
    assert submitted.pdf_status == PdfStatus.FAILED
    queued.clear()
    return submitted


def url(panel):
    return reverse("moderation:panel_pdfs", kwargs={"pk": panel.pk})


def detail(panel):
    return reverse("moderation:panel_detail", kwargs={"pk": panel.pk})


def jobs(queued):
    return [(r.task.name, r.kwargs) for r in queued.results]


def test_the_chair_renders_the_missing_pdfs_in_the_background(
    client, crew, panel, failed, queued, writes
):
    client.force_login(crew["chair"].user)
    page = client.get(detail(panel)).content.decode()
    assert "0 of 1 submitted portfolio rendered; 1 failed." in page
    assert "Render the 1 missing PDF" in page

    response = client.post(url(panel), follow=True)

    assert response.redirect_chain == [(detail(panel), 302)]
    # Asked for, not rendered on the request path.
    assert jobs(queued) == [("render_submission_pdf", {"submission_id": failed.pk})]
    assert writes == []
    page = response.content.decode()
    assert "1 PDF(s) are being rendered in the background" in page
    assert "0 of 1 submitted portfolio rendered; 1 being rendered in the background" in page
    assert "Render the" not in page  # nothing left to ask for

    # Asked twice (a second click): nothing more is queued.
    client.post(url(panel))
    assert len(queued.results) == 1

    # The worker runs the job: the page counts it.
    tasks.render_submission_pdf.call(submission_id=failed.pk)
    page = client.get(detail(panel)).content.decode()
    assert "1 of 1 submitted portfolio rendered." in page
    assert '<progress class="w-100 mb-2" value="1" max="1">' in page
    assert len(writes) == 1


def test_the_progress_counts_each_state_in_one_query(panel, failed, django_assert_num_queries):
    with django_assert_num_queries(1):
        progress = panel.submissions.pdf_progress()
    assert (progress.submitted, progress.ready, progress.pending, progress.failed) == (1, 0, 0, 1)
    assert progress.missing == 1


@pytest.mark.parametrize("who", ["deputy", "admin"])
def test_the_deputy_and_the_professional_practice_team_may_ask(
    client, crew, panel, failed, queued, who
):
    client.force_login(crew[who].user)
    assert client.post(url(panel)).status_code == 302
    assert len(queued.results) == 1


@pytest.mark.parametrize(("who", "status"), [("pm", 404), ("nqsw", 404), ("other_gm", 403)])
def test_others_may_not(client, crew, panel, failed, queued, who, status):
    client.force_login(crew[who].user)
    assert client.post(url(panel)).status_code == status
    assert queued.results == []
    failed.refresh_from_db()
    assert failed.pdf_status == PdfStatus.FAILED


def test_the_service_refuses_who_does_not_run_the_panel(crew, panel, failed):
    with pytest.raises(ValidationError, match="MOD-ANON"):
        services.request_panel_pdfs(panel=panel, by=crew["pm"])


def test_anonymous_is_sent_to_log_in(client, panel):
    response = client.post(url(panel))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_wrong_method(client, crew, panel):
    client.force_login(crew["chair"].user)
    assert client.get(url(panel)).status_code == 405
