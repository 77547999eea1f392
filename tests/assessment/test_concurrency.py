"""Two assessors' requests racing to version the same signed-off review (PostgreSQL)."""

import threading
from datetime import date

import pytest
from django.db import connection

from assessment import services
from assessment.models import Review
from tests.assessment import factories as af

# tests/conftest.py restores the seeded rows (frameworks, services) the flush removes.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL; SQLite serialises"
)
def test_concurrent_new_versions_are_numbered_one_after_the_other(enrolment):
    af.ReviewFactory(enrolment=enrolment, held_on=date(2026, 11, 20))
    barrier = threading.Barrier(2)
    errors = []

    def amend(text):
        try:
            barrier.wait(timeout=10)
            services.save_review(
                enrolment=enrolment,
                by=enrolment.assessor,
                kind="three_months",
                sign_off=True,
                change_reason=f"Amended: {text}",
                held_on=date(2026, 11, 20),
                progress=text,
            )
        except Exception as e:  # collected for the assertion below
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=amend, args=(t,)) for t in ("first", "second")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    versions = sorted(Review.objects.filter(enrolment=enrolment).values_list("version", flat=True))
    assert versions == [1, 2, 3]
