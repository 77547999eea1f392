"""Requests racing on one portfolio (PostgreSQL row locks): two submissions, two decisions."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from moderation import services
from moderation.models import Decision, Submission
from tests.moderation.conftest import at

# tests/conftest.py restores the seeded rows (services, policies) the flush removes.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL; SQLite serialises"
    ),
]


@pytest.fixture(autouse=True)
def fast_pdf(monkeypatch):
    """The threads' task queue runs at once: keep WeasyPrint out of the race."""
    from moderation import pdf

    monkeypatch.setattr(pdf, "write_pdf", lambda html, fetcher=None: b"%PDF-1.7 test")


def race(*calls):
    """Run the calls at the same moment; return what each raised (None for success)."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(n, call):
        try:
            barrier.wait(timeout=10)
            call()
        except Exception as e:  # collected for the assertions
            outcomes[n] = e
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, c)) for n, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_the_nqsw_and_the_assessor_submit_at_once(crew, queued, entry, portfolio):
    outcomes = race(
        lambda: services.submit_portfolio(submission=entry, by=crew["nqsw"]),
        lambda: services.submit_portfolio(submission=entry, by=crew["assessor"]),
    )
    failures = [o for o in outcomes if o is not None]
    assert len(failures) == 1 and isinstance(failures[0], ValidationError)
    assert "MOD-SUBMIT: this portfolio was submitted on" in str(failures[0])
    submission = Submission.objects.get(pk=entry.pk)
    assert submission.is_submitted
    # One submission only: every later history row names the same submitter and time.
    submitted = submission.history.filter(submitted_at__isnull=False)
    assert submitted.values_list("submitted_by", "submitted_at").distinct().count() == 1


def test_two_new_decisions_after_a_sign_off_are_numbered_one_after_the_other(
    crew, queued, moderated
):
    meeting = at(moderated.panel.held_on)
    services.record_decision(
        submission=moderated,
        by=crew["chair"],
        verdict="verified",
        reasons="Agreed.",
        sign_off=True,
        at=meeting,
    )

    def amend(verdict, why):
        return lambda: services.record_decision(
            submission=moderated,
            by=crew["chair"],
            verdict=verdict,
            reasons=why,
            change_reason=f"Amended: {why}",
            sign_off=True,
            at=meeting,
        )

    outcomes = race(amend("deferred", "first"), amend("not_verified", "second"))
    assert outcomes == [None, None]
    versions = list(moderated.decisions.order_by("version").values_list("version", "signed_off_at"))
    assert [v for v, _ in versions] == [1, 2, 3] and all(signed for _, signed in versions)
    assert Decision.objects.filter(submission=moderated, signed_off_at__isnull=True).count() == 0
