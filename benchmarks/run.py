"""Page timings and query counts at one academy's size and at a national deployment's.

    .venv/bin/python benchmarks/run.py [--sizes 100,5000] [--repeat 5]

Builds synthetic academies in a throwaway database (SQLite in a temporary file, or the
empty scratch database DATABASE_URL names), then requests each page as
the role that uses it and prints a table: median milliseconds and the number of queries.
The query count must not grow with the size; the times are for reading, not asserting.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings.test")
    if "DATABASE_URL" not in os.environ:
        scratch = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(size):
    """`size` NQSWs in groups of 12, one PM and assessor per group, a GM per service."""
    from django.contrib.auth import get_user_model

    from academy.models import Office, Person, PracticeGroup, Service
    from cohorts.models import Cohort, Enrolment

    User = get_user_model()
    services = list(Service.objects.all())
    office = Office.objects.create(name=f"Office {size}")
    cohort = Cohort.for_start(date(2026, 9, 1))
    tag = f"b{size}"
    serial = iter(range(10**9))

    def people(role, count, service=None):
        users = User.objects.bulk_create(User(username=f"{tag}-{role}-{i}") for i in range(count))
        return Person.objects.bulk_create(
            Person(
                user=user,
                staff_id=f"{tag.upper()}-{next(serial)}",
                full_name=f"{role.title()} {i} of {size}",
                email=f"{tag}.{role}.{i}@bench.invalid",
                role=role,
                service=service or services[i % len(services)],
            )
            for i, user in enumerate(users)
        )

    gms = {s.pk: p for s, p in zip(services, people("group_manager", 3), strict=True)}
    for s, gm in zip(services, gms.values(), strict=True):
        gm.service = s
        gm.save(update_fields=["service"])
    n_groups = max(1, size // 12)
    pms = people("practice_manager", n_groups)
    assessors = people("assessor", n_groups)
    groups = PracticeGroup.objects.bulk_create(
        PracticeGroup(
            name=f"{tag} group {i}",
            office=office,
            service=services[i % len(services)],
            practice_manager=pms[i],
            group_manager=gms[services[i % len(services)].pk],
        )
        for i in range(n_groups)
    )
    nqsws = people("nqsw", size)
    Enrolment.objects.bulk_create(
        Enrolment(
            person=p,
            cohort=cohort,
            practice_group=groups[i % n_groups],
            assessor=assessors[(i + 1) % n_groups] if n_groups > 1 else assessors[0],
            asye_start=date(2026, 9, 1),
        )
        for i, p in enumerate(nqsws)
    )
    chair = people("principal_social_worker", 1)[0]
    return {
        "pm": pms[0],
        "gm": gms[services[0].pk],
        "assessor": assessors[0],
        "nqsw": nqsws[0],
        "chair": chair,
    }


PAGES = [
    ("home", "pm", "/"),
    ("home", "gm", "/"),
    ("home", "assessor", "/"),
    ("home", "nqsw", "/"),
    ("home", "chair", "/"),
    ("enrolment list", "gm", "/enrolments/"),
    ("enrolment list", "chair", "/enrolments/?status=active"),
]


def measure(client, person, url, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(person.user)
    client.get(url)  # warm caches
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), len(queries.captured_queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,5000", help="NQSWs per synthetic academy")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup_django()
    from django.test import Client

    sizes = [int(s) for s in args.sizes.split(",")]
    results = {}
    for size in sizes:
        started = time.perf_counter()
        who = build(size)
        print(f"built {size} NQSWs in {time.perf_counter() - started:.1f}s", file=sys.stderr)
        client = Client()
        for page, role, url in PAGES:
            results[(page, role, size)] = measure(client, who[role], url, args.repeat)

    header = f"{'page':<16}{'role':<10}" + "".join(f"{f'{s} ms':>12}{f'{s} q':>8}" for s in sizes)
    print(header)
    print("-" * len(header))
    for page, role, _ in PAGES:
        cells = "".join(
            f"{results[(page, role, s)][0]:>12.1f}{results[(page, role, s)][1]:>8}" for s in sizes
        )
        print(f"{page:<16}{role:<10}{cells}")


if __name__ == "__main__":
    main()
