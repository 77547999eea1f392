"""The same extension sent several times at once is recorded once (issue 15 item 4, EXT-1).

Meant for PostgreSQL, where record_extension's lock on the enrolment row makes the second
request wait and then see the first one's extension. On SQLite's shared-cache test database
a request that meets the lock is retried from the start, as a user pressing again would.
"""

import random
import threading
import time
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection

from cohorts.services import record_extension
from tests.caseloads import factories as f

THREADS = 3


def extend(enrolment):
    for _ in range(500):
        try:
            return record_extension(
                enrolment=enrolment,
                reason="sickness",
                first_day=date(2026, 11, 2),
                last_day=date(2027, 1, 1),
                approved_by=enrolment.practice_group.practice_manager,
            )
        except OperationalError as error:
            if connection.vendor != "sqlite" or "locked" not in str(error):
                raise
            time.sleep(random.uniform(0.001, 0.01))
    raise AssertionError("the SQLite lock never came free")


@pytest.mark.django_db(transaction=True)
def test_parallel_identical_extensions_record_one():
    f.reseed()
    enrolment = f.nqsw()
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def race():
        try:
            barrier.wait(timeout=30)
            extend(enrolment)
            outcomes.append("recorded")
        except ValidationError as refusal:
            outcomes.append(" | ".join(refusal.messages))
        except BaseException as error:  # noqa: BLE001 - reported below, not swallowed
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=race) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert outcomes.count("recorded") == 1
    assert all("EXT-1" in o for o in outcomes if o != "recorded")
    assert enrolment.extensions.count() == 1
