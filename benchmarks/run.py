"""Every page's time and queries at two (or more) sizes of academy, side by side in one run.

    .venv/bin/python benchmarks/run.py [--sizes 100 1000] [--rounds 5] [--check] [--write-readme]

How it measures (issue 17):
* One scratch database per size, all built from the same base: the demo academy
  (`seed_demo`, so every kind of record a page can show exists) plus `size` synthetic NQSWs
  in groups of 12 with their practice managers, assessors, allocations, supervision sessions
  and portfolio records, inserted with bulk_create (not factories, not the services: fast
  enough for 20,000 NQSWs on PostgreSQL). SQLite files in a temporary folder by default;
  with DATABASE_URL naming an empty scratch PostgreSQL database, that database holds the
  base and each size is a copy of it (CREATE DATABASE ... TEMPLATE), dropped at the end.
* Every URL pattern of academy.urls is walked (get_resolver) and measured as the role that
  uses it, its arguments taken from the data built; patterns it cannot measure are listed
  with the reason (POST-only actions, admin object pages).
* A minimal view (benchmarks/urls.py: the same middleware, session and signed-in user,
  no page work) is measured in the same run as the baseline.
* Rounds are interleaved (every page at every size, then again), and the median is kept.
* A streamed CSV export (a whole board or overview) is timed to its header and first row:
  the rest arrives while it is read and is proportional to its rows by nature.

`--check` exits 1 when a page misses the goal: its median at the largest size is more than
GOAL_RATIO times its median at the smallest (unless it grew by less than NOISE_MS, the
tolerance where noise dominates at small sizes), or a list page or dashboard makes more
than MAX_LIST_QUERIES queries, or a page's query count grows with the size.
"""

import argparse
import gc
import io
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import time as clock
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOAL_RATIO = 1.3  # issue 17: a page at 10x the data takes at most 1.3x as long
NOISE_MS = 15.0  # tolerance: growth below this is noise on a shared 2-core machine
MAX_LIST_QUERIES = 15  # issue 17: lists and dashboards make at most 15 queries
QUERY_GROWTH = 2  # queries may differ by this much between sizes (a pager's extra count)
MINIMAL = "minimal view (baseline)"

README_START = "<!-- benchmarks:start -->"
README_END = "<!-- benchmarks:end -->"


# --- The databases ---------------------------------------------------------------------------


class Databases:
    """The base (migrated and seeded with the demo) and one copy of it per size."""

    def __init__(self, keep_base: str | None):
        self.url = os.environ.get("DATABASE_URL")
        self.keep_base = Path(keep_base) if keep_base else None
        self.postgres = bool(self.url and self.url.startswith("postgres"))
        self.folder = Path(tempfile.mkdtemp(prefix="asye-bench-"))
        if not self.url:
            base = self.keep_base or self.folder / "base.sqlite3"
            self.url = os.environ["DATABASE_URL"] = f"sqlite:///{base}"
        # The demo's PDFs go beside the base, never into the checkout's media/.
        media = Path(f"{self.keep_base}.media") if self.keep_base else self.folder / "media"
        os.environ["DJANGO_MEDIA_ROOT"] = str(media)
        self.names = {}
        self.content_types = {}

    def setup_base(self):
        from django.core.management import call_command
        from django.db import connections

        name = connections["default"].settings_dict["NAME"]
        self.base = name
        started = time.perf_counter()
        if not self.postgres and self.keep_base and self.keep_base.exists():
            print(f"reusing the seeded base {self.keep_base}", file=sys.stderr)
            call_command("migrate", verbosity=0)  # what has landed since it was kept
        else:
            call_command("migrate", verbosity=0)
            with open(os.devnull, "w") as quiet:
                call_command("seed_demo", force=True, stdout=quiet, stderr=quiet)
        complete_demo()
        connections["default"].close()
        print(f"base ready in {time.perf_counter() - started:.0f}s", file=sys.stderr)

    def _admin(self):
        import psycopg
        from django.db import connections

        settings = dict(connections["default"].settings_dict)
        return psycopg.connect(
            dbname="postgres",
            user=settings["USER"] or None,
            password=settings["PASSWORD"] or None,
            host=settings["HOST"] or None,
            port=settings["PORT"] or None,
            autocommit=True,
        )

    def copy_for(self, size: int) -> str:
        from django.db import connections

        connections["default"].close()
        if self.postgres:
            name = f"{self.base}_bench_{size}"
            with self._admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
                admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.base}"')
        else:
            name = str(self.folder / f"size-{size}.sqlite3")
            shutil.copyfile(self.base, name)
        self.names[size] = name
        return name

    def use(self, size: int):
        from django.conf import settings
        from django.contrib.contenttypes.models import ContentType
        from django.db import connections

        connection = connections["default"]
        current = connection.settings_dict["NAME"]
        if current != self.names[size]:
            connection.close()
            # Each database keeps its own content-type cache (ids differ between copies), as
            # one server's process would: a switch costs no extra query.
            self.content_types[current] = ContentType.objects._cache
            ContentType.objects._cache = self.content_types.get(self.names[size], {})
            connection.settings_dict["NAME"] = self.names[size]
            settings.DATABASES["default"]["NAME"] = self.names[size]

    def drop(self):
        from django.db import connections

        connections["default"].close()
        if self.postgres:
            with self._admin() as admin:
                for name in self.names.values():
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        shutil.rmtree(self.folder, ignore_errors=True)


def setup_django(keep_base):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings.test")
    databases = Databases(keep_base)
    import django

    django.setup()
    from django.conf import settings

    settings.ROOT_URLCONF = "benchmarks.urls"
    # The idle timeout writes the session at most once a minute: in use that is one request
    # in many, but here it would land on whichever page comes first after a pause. Each
    # client writes once, at its warm-up, and never while timed.
    settings.SESSION_IDLE_REFRESH_SECONDS = 10**9
    return databases


def complete_demo():
    """What the demo lacks that a page shows: a calendar feed, a rendered portfolio PDF and an
    external sample. Made through the services, once, in the base (each size copies it)."""
    from academy.models import Person
    from assessment import services as assessment_services
    from moderation import services as moderation_services
    from moderation.models import ExternalSample, Submission
    from supervision import services as supervision_services

    pm = Person.objects.get(user__username="pm.demo")
    feed = supervision_services.live_feed(pm)
    if feed is None or not feed.serves():
        supervision_services.regenerate_feed(person=pm)
    enrolment = portfolio_enrolment()
    _, row = assessment_services.current_portfolio_pdf(enrolment=enrolment)
    if row is None or not row.file or not Path(row.file.path).exists():
        assessment_services.render_portfolio_pdf(enrolment=enrolment)
    if not ExternalSample.objects.exists():
        moderation_services.build_external_sample(
            title="Benchmark sample",
            submissions=list(Submission.objects.submitted()[:2]),
            by=Person.objects.get(user__username="chair.demo"),
        )


def portfolio_enrolment():
    """The portfolio measured: the demo's NQSW with the most records among assessor.demo's."""
    from django.db.models import Count

    from cohorts.models import Enrolment

    return (
        Enrolment.objects.filter(assessor__user__username="assessor.demo")
        .annotate(n=Count("observations", distinct=True) + Count("reflection_logs", distinct=True))
        .order_by("-n", "pk")
        .first()
    )


# --- The synthetic academy -------------------------------------------------------------------


def build(size: int) -> dict:
    """`size` NQSWs on top of the demo, in groups of 12, spread over the three services.

    A fifth of them are a year in (so panels have NQSWs due and supervision has a year of
    history); the rest started with the demo's current cohort. Each has six cases (four
    approved, one ended, one requested), a 1:1 supervision every fortnight since the start
    and a monthly group session, three observations, six logs, two pieces of feedback and a
    piece of written work, each evidencing two framework elements. The groups are led by
    the demo's group managers, so their pages and the academy-wide ones grow with `size`;
    the demo PM's own group does not.
    """
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from academy.models import Office, Person, PracticeGroup, Service
    from assessment.models import DirectObservation, PracticeFeedback, ReflectionLog, WrittenWork
    from caseloads.models import Allocation, Case
    from cohorts.models import Cohort, Enrolment
    from moderation.demo import earlier_start
    from supervision.models import Attendance, Session, SessionKind

    User = get_user_model()
    Role = Person.Role
    today = timezone.localdate()
    now = timezone.now()
    services = list(Service.objects.order_by("code"))
    gms = {
        s.pk: Person.objects.filter(role=Role.GROUP_MANAGER, service=s).order_by("pk").first()
        for s in services
    }
    office = Office.objects.order_by("pk").first()
    current_start = Enrolment.objects.get(person__user__username="nqsw.demo").asye_start
    starts = [current_start, earlier_start(today)]
    cohorts = [Cohort.for_start(day) for day in starts]
    tag = f"B{size}"
    batch = 2000

    def people(role, count, service_of):
        users = User.objects.bulk_create(
            (User(username=f"{tag.lower()}-{role}-{i}", password="!") for i in range(count)),
            batch_size=batch,
        )
        return Person.objects.bulk_create(
            (
                Person(
                    user=user,
                    staff_id=f"{tag}{role[:2].upper()}{i}",
                    full_name=f"{role.replace('_', ' ').title()} {i} ({tag})",
                    email=f"{tag.lower()}.{role}.{i}@bench.invalid",
                    role=role,
                    service=service_of(i),
                )
                for i, user in enumerate(users)
            ),
            batch_size=batch,
        )

    n_groups = max(1, size // 12)
    group_service = [services[i % len(services)] for i in range(n_groups)]
    pms = people(Role.PRACTICE_MANAGER, n_groups, lambda i: group_service[i])
    assessors = people(Role.ASSESSOR, n_groups, lambda i: None)
    groups = PracticeGroup.objects.bulk_create(
        PracticeGroup(
            name=f"{tag} group {i}",
            office=office,
            service=group_service[i],
            practice_manager=pms[i],
            group_manager=gms[group_service[i].pk],
        )
        for i in range(n_groups)
    )
    nqsws = people(Role.NQSW, size, lambda i: group_service[i % n_groups])
    enrolments = Enrolment.objects.bulk_create(
        (
            Enrolment(
                person=p,
                cohort=cohorts[i % 5 == 0],
                practice_group=groups[i % n_groups],
                assessor=assessors[(i + 1) % n_groups],
                asye_start=starts[i % 5 == 0],
            )
            for i, p in enumerate(nqsws)
        ),
        batch_size=batch,
    )

    cases, allocations = [], []
    for i, e in enumerate(enrolments):
        pm = pms[i % n_groups]
        for k in range(6):
            cases.append(
                Case(
                    reference=f"{tag}-{i}-{k}",
                    case_type="CIN" if k % 2 else "CP",
                    children=1 + (i + k) % 3,
                    service=e.practice_group.service,
                )
            )
    cases = Case.objects.bulk_create(cases, batch_size=batch)
    for i, e in enumerate(enrolments):
        pm = pms[i % n_groups]
        start = e.asye_start + timedelta(days=14)
        for k in range(6):
            status = ["approved"] * 4 + ["ended", "requested"]
            allocation = Allocation(
                case=cases[i * 6 + k],
                worker_id=e.person_id,
                role="allocated",
                start_date=min(start + timedelta(days=3 * k), today),
                status=status[k],
                requested_by=pm,
                requested_at=now,
            )
            if status[k] != "requested":
                allocation.decided_by, allocation.decided_at = pm, now
            if status[k] == "ended":
                allocation.end_date, allocation.ended_by = today, pm
            allocations.append(allocation)
    Allocation.objects.bulk_create(allocations, batch_size=batch)

    sessions, attendees = [], []
    for i, e in enumerate(enrolments):
        day = e.asye_start + timedelta(days=7)
        while day < today:
            sessions.append(
                Session(
                    kind=SessionKind.ONE_TO_ONE,
                    held_on=day,
                    start_time=clock(10),
                    supervisor=pms[i % n_groups],
                    reflection="Reflected on the week's visits.",
                    training_to_practice="Applied the training on chronologies.",
                    recorded_by=pms[i % n_groups],
                )
            )
            attendees.append([e])
            day += timedelta(days=14)
    members = {}
    for e in enrolments:
        members.setdefault(e.practice_group_id, []).append(e)
    for g, pm in zip(groups, pms, strict=True):
        day = min(starts) + timedelta(days=20)
        while day < today:
            present = [e for e in members.get(g.pk, []) if e.asye_start <= day]
            if present:
                sessions.append(
                    Session(
                        kind=SessionKind.PM_GROUP,
                        held_on=day,
                        start_time=clock(14),
                        supervisor=pm,
                        reflection="Group reflection on thresholds.",
                        training_to_practice="Shared practice from the workshop.",
                        recorded_by=pm,
                    )
                )
                attendees.append(present)
            day += timedelta(days=30)
    sessions = Session.objects.bulk_create(sessions, batch_size=batch)
    Attendance.objects.bulk_create(
        (
            Attendance(session=s, enrolment=e)
            for s, present in zip(sessions, attendees, strict=True)
            for e in present
        ),
        batch_size=batch,
    )

    records = {DirectObservation: [], ReflectionLog: [], PracticeFeedback: [], WrittenWork: []}
    for i, e in enumerate(enrolments):
        assessor = e.assessor
        ref = f"{tag}-{i}-0"
        for k in range(3):
            records[DirectObservation].append(
                DirectObservation(
                    recorded_by=assessor,
                    enrolment=e,
                    observed_on=e.asye_start + timedelta(days=20 + 25 * k),
                    setting="Home visit",
                    case_reference=ref,
                    what_observed="A home visit with the family.",
                    feedback="Warm and clear with the children.",
                    observer=assessor,
                )
            )
        for k in range(6):
            records[ReflectionLog].append(
                ReflectionLog(
                    recorded_by=nqsws[i],
                    enrolment=e,
                    title=f"Log {k + 1}",
                    written_on=e.asye_start + timedelta(days=10 + 12 * k),
                    reflection="What went well and what I would change.",
                )
            )
        for k, source in enumerate(["child", "professional"]):
            records[PracticeFeedback].append(
                PracticeFeedback(
                    recorded_by=nqsws[i],
                    enrolment=e,
                    source=source,
                    received_on=e.asye_start + timedelta(days=30 + 10 * k),
                    given_by_role="Young person" if source == "child" else "Health visitor",
                    feedback="They listened.",
                )
            )
        records[WrittenWork].append(
            WrittenWork(
                recorded_by=nqsws[i],
                enrolment=e,
                kind="assessment",
                title="Child and family assessment",
                completed_on=e.asye_start + timedelta(days=40),
                summary="An assessment of need.",
            )
        )
    # Each record evidences two framework elements, as the demo's records do: without the
    # links the element tables stay tiny and PostgreSQL plans the portfolio facts for data
    # no academy has (a merge join along every observation, 5 ms at 10,000 NQSWs).
    tagged = list(DirectObservation.elements.through.objects.values_list("frameworkelement_id"))
    elements = sorted({row[0] for row in tagged}) or [None]
    for model, rows in records.items():
        model.objects.bulk_create(rows, batch_size=batch)
        through = model.elements.through
        column = f"{model._meta.model_name}_id"
        if elements[0] is not None:
            through.objects.bulk_create(
                (
                    through(
                        **{column: row.pk, "frameworkelement_id": elements[(n + k) % len(elements)]}
                    )
                    for n, row in enumerate(rows)
                    for k in (0, 1)
                ),
                batch_size=batch,
            )
    return {
        "enrolments": len(enrolments),
        "allocations": len(allocations),
        "sessions": len(sessions),
        "portfolio records": sum(len(rows) for rows in records.values()),
    }


# --- What to request, as whom ----------------------------------------------------------------


def context() -> dict:
    """The demo's people and records the URLs name (the same rows at every size)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from academy.models import Person, PracticeGroup
    from aswp.models import ELIGIBLE_ROLES
    from aswp.models import Application as AswpApplication
    from aswp.models import Round as AswpRound
    from caseloads.models import Allocation
    from cohorts.models import Enrolment
    from learning.models import (
        Concern,
        LearningOpportunity,
        MashDay,
        MashRota,
        PathwayCourse,
        Workshop,
    )
    from moderation.models import (
        Allocation as ModeratorAllocation,
    )
    from moderation.models import (
        ExternalSample,
        ModerationRecord,
        Panel,
        ProgressionAuthorisation,
        Submission,
    )
    from supervision.models import CalendarFeed, Session

    User = get_user_model()
    users = {
        u.username.removesuffix(".demo"): u for u in User.objects.filter(username__endswith=".demo")
    }
    pm = Person.objects.get(user=users["pm"])
    portfolio = portfolio_enrolment()
    users["portfolio_nqsw"] = portfolio.person.user
    # The L&D officer schedules the workshops; the demo gives them no fixed login.
    ld = Person.objects.filter(role=Person.Role.LD_OFFICER, user__isnull=False).order_by("pk")
    if ld.exists():
        users["ld"] = ld.first().user
    group = PracticeGroup.objects.filter(practice_manager=pm).order_by("pk").first()
    allocation = (
        Allocation.objects.filter(status="approved", worker__enrolments__practice_group=group)
        .order_by("pk")
        .first()
    )
    final = Panel.objects.filter(closed_at__isnull=True).order_by("-held_on").first()
    submitted = Submission.objects.filter(panel=final, submitted_at__isnull=False).first()
    moderated = ModeratorAllocation.objects.filter(submission=submitted).first()
    if moderated:
        users["moderator"] = moderated.moderator.person.user
    pending = Submission.objects.filter(submitted_at__isnull=True).first()
    if pending:
        users["pending_nqsw"] = pending.enrolment.person.user
    decided = Submission.objects.filter(decisions__signed_off_at__isnull=False).first()
    rota = MashRota.objects.filter(practice_group=group).order_by("pk").first()
    feed = CalendarFeed.objects.filter(person=pm, revoked_at__isnull=True).first()
    reset_user = users["pm"]
    # The apply form is measured as an eligible member of staff who has not applied to the
    # round yet: applicant.demo has a draft in it, so the page rightly sends them to the draft.
    aswp_round = AswpRound.objects.order_by("pk").first()
    not_applied = (
        Person.objects.filter(role__in=ELIGIBLE_ROLES, user__is_active=True)
        .exclude(aswp_applications__round=aswp_round)
        .order_by("pk")
        .first()
    )
    if not_applied is not None:
        users["new_applicant"] = not_applied.user

    def first(model, **filters):
        row = model.objects.filter(**filters).order_by("pk").first()
        return row.pk if row else None

    return {
        "users": users,
        "portfolio": portfolio.pk,
        "observation": first(portfolio.observations.model, enrolment=portfolio),
        "log": first(portfolio.reflection_logs.model, enrolment=portfolio),
        "feedback": first(portfolio.practice_feedback.model, enrolment=portfolio),
        "written": first(portfolio.written_work.model, enrolment=portfolio),
        "enrolment": Enrolment.objects.get(person__user=users["nqsw"]).pk,
        "group": group.pk,
        "allocation": allocation.pk if allocation else None,
        "case": allocation.case_id if allocation else None,
        "final_panel": final.pk if final else None,
        "code": submitted.code if submitted else None,
        "decided_code": decided.code if decided else None,
        "pending": (pending.enrolment_id, pending.panel_id) if pending else None,
        "record_pdf": first(ModerationRecord),
        "progression_pdf": first(ProgressionAuthorisation),
        "external": first(ExternalSample),
        "rota": rota.pk if rota else None,
        "day": first(MashDay, rota=rota) if rota else None,
        "session": first(Session, attendances__enrolment_id=portfolio.pk),
        "feed": feed.token,
        "uid": urlsafe_base64_encode(force_bytes(reset_user.pk)),
        "token": default_token_generator.make_token(reset_user),
        "enrolment_admin": first(Enrolment),
        # The ASWP route (issue 13) and learning and development (issue 12).
        "aswp_round": first(AswpRound),
        "aswp_application": first(AswpApplication, submitted_at__isnull=False),
        "aswp_draft": first(AswpApplication, submitted_at__isnull=True),
        "opportunity": first(LearningOpportunity),
        "course": first(PathwayCourse),
        "concern": first(Concern),
        "workshop": first(Workshop),
    }


@dataclass
class Page:
    name: str  # the URL name, as reverse() takes it
    roles: tuple  # demo logins (without ".demo"); None: signed out
    kwargs: dict = field(default_factory=dict)  # URL argument -> key of context() or a value
    query: str = ""
    listing: bool = False  # a list or dashboard: the query limit applies
    status: int = 200  # what the page answers (302: a "mine" link that redirects)

    def label(self, role):
        return f"{self.name}{'?' + self.query if self.query else ''} [{role or 'anonymous'}]"


K = "ctx:"  # a kwarg value taken from context()

PAGES = [
    Page("home", ("nqsw", "trainee", "pm", "gm", "assessor", "chair", "admin"), listing=True),
    Page("login", (None,)),
    Page("password_reset", (None,)),
    Page("password_reset_done", (None,)),
    Page("password_reset_confirm", (None,), {"uidb64": K + "uid", "token": K + "token"}),
    Page("password_reset_complete", (None,)),
    # cohorts
    Page("cohorts:enrolment_list", ("pm", "gm", "chair"), listing=True),
    Page("cohorts:enrolment_detail", ("pm",), {"pk": K + "enrolment"}),
    Page("cohorts:record_extension", ("pm",), {"pk": K + "enrolment"}),
    Page("cohorts:import_people", ("admin",)),
    Page("cohorts:import_template", ("admin",)),
    # caseloads
    Page("caseloads:board", ("pm", "gm", "chair"), listing=True),
    Page("caseloads:board_csv", ("gm", "chair")),
    Page("caseloads:my_caseload", ("nqsw",), status=302),
    Page("caseloads:worker", ("pm",), {"pk": K + "portfolio"}),
    Page("caseloads:sign_off_visits", ("pm",), {"pk": K + "enrolment"}),
    Page("caseloads:requests", ("pm", "gm"), listing=True),
    Page("caseloads:request_allocation", ("pm", "gm")),
    Page("caseloads:allocation", ("pm",), {"pk": K + "allocation"}),
    Page("caseloads:end_allocation", ("pm",), {"pk": K + "allocation"}),
    Page("caseloads:case", ("pm",), {"pk": K + "case"}),
    Page("caseloads:audit", ("gm",)),
    # supervision
    Page("supervision:overview", ("pm", "gm", "chair"), listing=True),
    Page("supervision:overview_csv", ("gm", "chair")),
    Page("supervision:my_record", ("nqsw",), status=302),
    Page("supervision:record", ("pm",), {"pk": K + "portfolio"}),
    Page("supervision:record_session", ("pm",), {"pk": K + "portfolio"}),
    Page("supervision:record_support", ("pm",), {"pk": K + "portfolio"}),
    Page("supervision:record_group_session", ("pm",), {"group_pk": K + "group"}),
    Page("supervision:record_assessor_session", ("assessor",)),
    Page("supervision:session_detail", ("pm",), {"pk": K + "session"}),
    Page("supervision:feed_settings", ("pm",)),
    Page("supervision:feed", (None,), {"token": K + "feed"}),
    # assessment
    Page("assessment:portfolio_list", ("assessor", "pm", "chair"), listing=True),
    Page("assessment:portfolio", ("portfolio_nqsw", "assessor"), {"pk": K + "portfolio"}),
    Page("assessment:portfolio_pdf", ("assessor",), {"pk": K + "portfolio"}),
    Page("assessment:portfolio_pdf_download", ("assessor",), {"pk": K + "portfolio"}),
    Page("assessment:observation_new", ("assessor",), {"pk": K + "portfolio"}),
    Page(
        "assessment:observation_edit",
        ("assessor",),
        {"pk": K + "portfolio", "record": K + "observation"},
    ),
    Page(
        "assessment:observation_reflection",
        ("portfolio_nqsw",),
        {"pk": K + "portfolio", "record": K + "observation"},
    ),
    Page("assessment:log_new", ("portfolio_nqsw",), {"pk": K + "portfolio"}),
    Page("assessment:log_edit", ("portfolio_nqsw",), {"pk": K + "portfolio", "record": K + "log"}),
    Page("assessment:log_feedback", ("assessor",), {"pk": K + "portfolio", "record": K + "log"}),
    Page(
        "assessment:feedback_new", ("portfolio_nqsw",), {"pk": K + "portfolio", "source": "child"}
    ),
    Page(
        "assessment:feedback_edit",
        ("portfolio_nqsw",),
        {"pk": K + "portfolio", "record": K + "feedback"},
    ),
    Page("assessment:written_work_new", ("portfolio_nqsw",), {"pk": K + "portfolio"}),
    Page(
        "assessment:written_work_edit",
        ("portfolio_nqsw",),
        {"pk": K + "portfolio", "record": K + "written"},
    ),
    Page(
        "assessment:written_work_assess",
        ("assessor",),
        {"pk": K + "portfolio", "record": K + "written"},
    ),
    Page(
        "assessment:map_evidence",
        ("portfolio_nqsw",),
        {"pk": K + "portfolio", "kind": "log", "record": K + "log"},
    ),
    Page(
        "assessment:self_assessment", ("portfolio_nqsw",), {"pk": K + "portfolio", "stage": "start"}
    ),
    Page(
        "assessment:development_plan",
        ("assessor",),
        {"pk": K + "portfolio", "period": "months_0_3"},
    ),
    Page("assessment:agreement", ("assessor",), {"pk": K + "portfolio"}),
    Page("assessment:review", ("assessor",), {"pk": K + "portfolio", "kind": "three_months"}),
    Page("assessment:recommendation", ("assessor",), {"pk": K + "portfolio"}),
    # moderation
    Page("moderation:panel_list", ("chair",), listing=True),
    Page("moderation:panel_new", ("chair",)),
    Page("moderation:panel_detail", ("chair",), {"pk": K + "final_panel"}, listing=True),
    Page("moderation:panel_edit", ("chair",), {"pk": K + "final_panel"}),
    Page("moderation:agenda", ("chair",), {"pk": K + "final_panel"}, listing=True),
    Page("moderation:reading_list", ("moderator",), listing=True),
    Page("moderation:read", ("moderator",), {"code": K + "code"}),
    Page("moderation:submission_pdf", ("chair",), {"code": K + "code"}),
    Page("moderation:moderation_form", ("moderator",), {"code": K + "code"}),
    Page("moderation:moderators", ("chair",), {"code": K + "code"}),
    Page("moderation:decision", ("chair",), {"code": K + "decided_code"}),
    Page("moderation:progression", ("chair",), {"code": K + "decided_code"}),
    Page("moderation:progression_pdf", ("chair",), {"pk": K + "progression_pdf"}),
    Page("moderation:record_pdf", ("chair",), {"pk": K + "record_pdf"}),
    Page("moderation:enrolment_moderation", ("chair",), {"pk": K + "portfolio"}),
    Page("moderation:submit", ("pending_nqsw",), {"pk": K + "pending.0", "panel": K + "pending.1"}),
    Page("moderation:external_list", ("chair",), listing=True),
    Page("moderation:external_new", ("chair",)),
    Page("moderation:external_detail", ("chair",), {"pk": K + "external"}),
    Page("moderation:external_download", ("chair",), {"pk": K + "external"}),
    # learning
    Page("learning:mash_overview", ("pm", "chair"), listing=True),
    Page("learning:my_mash", ("nqsw",)),
    Page("learning:mash_plan", ("pm",), {"group_pk": K + "group"}),
    Page("learning:mash_rota", ("pm",), {"pk": K + "rota"}),
    Page("learning:mash_change_day", ("pm",), {"pk": K + "rota", "day_pk": K + "day"}),
    # Learning and development (issue 12): opportunities, study days, workshops, time,
    # the training pathway, concerns, move-on.
    Page("learning:mine", ("nqsw",), status=302),
    Page("learning:record", ("pm", "nqsw"), {"pk": K + "enrolment"}),
    Page(
        "learning:opportunity_done",
        ("pm",),
        {"pk": K + "enrolment", "opportunity_pk": K + "opportunity"},
    ),
    Page("learning:pathway", ("chair",), listing=True),
    Page("learning:course", ("chair",), {"pk": K + "course"}),
    Page("learning:cancellations", ("chair",), listing=True),
    Page("learning:concerns", ("chair",), listing=True),
    Page("learning:concern_new", ("pm",)),
    Page("learning:concern", ("chair",), {"pk": K + "concern"}),
    Page("learning:move_on", ("gm",), listing=True),
    Page("learning:move_on_record", ("gm",), {"pk": K + "enrolment"}),
    Page("learning:workshops", ("ld",), listing=True),
    Page("learning:workshop_new", ("ld",)),
    Page("learning:workshop_change", ("ld",), {"pk": K + "workshop"}),
    # The lists behind the home pages' counts (issue 11).
    Page("waiting", ("pm",), {"what": "reviews-due"}, listing=True),
    # Advanced practitioners (issue 13).
    Page("aswp:overview", ("chair",), listing=True),
    Page("aswp:round_new", ("chair",)),
    Page("aswp:round", ("chair",), {"pk": K + "aswp_round"}, listing=True),
    Page("aswp:apply", ("new_applicant",), {"pk": K + "aswp_round"}),
    Page("aswp:mine", ("applicant",), listing=True),
    Page("aswp:application", ("chair",), {"pk": K + "aswp_application"}),
    Page("aswp:application_edit", ("applicant",), {"pk": K + "aswp_draft"}),
    Page("aswp:statement", ("pm",), {"pk": K + "aswp_draft"}),
    Page("aswp:shortlist", ("chair",), {"pk": K + "aswp_application"}),
    Page("aswp:start_assessment", ("chair",), {"pk": K + "aswp_application"}),
    Page("aswp:record_step", ("chair",), {"pk": K + "aswp_application"}),
    Page("aswp:decide", ("chair",), {"pk": K + "aswp_application"}),
    Page("aswp:my_role", ("aswp",)),
    Page("aswp:peer_session_new", ("aswp",)),
    # the admin: its home, every model's list, and one object page as their representative
    Page("admin:index", ("admin",), listing=True),
    Page("admin:cohorts_enrolment_change", ("admin",), {"object_id": K + "enrolment_admin"}),
]

# Patterns measured only by sending a form: a GET is refused (405) or has nothing to show.
POST_ONLY = {
    "moderation:panel_pdfs": "POST-only action (the panel page's button)",
    "cohorts:import_status": "one upload's status page (none in the seeded base): one row, "
    "constant queries (tests/cohorts/test_import_view.py)",
    "aswp:set_places": "POST-only action (the overview's form)",
    "aswp:name_supervisor": "POST-only action (the overview's form)",
    "learning:offer_opportunity": "POST-only action (the record page's button)",
    "learning:request_study_days": "POST-only action (the record page's form)",
    "learning:decide_study_days": "POST-only action",
    "learning:study_allowance": "POST-only action",
    "learning:workshop_attendance": "POST-only action",
    "learning:workshop_credits": "POST-only action",
    "learning:learning_time": "POST-only action",
    "learning:course_book": "POST-only action",
    "learning:attendance_record": "POST-only action",
    "learning:absence_decide": "POST-only action",
    "learning:absence_change": "POST-only action (the course page's form)",
    "learning:concern_step": "POST-only action (the concern page's forms)",
    "logout": "POST-only (signing out)",
    "caseloads:approve": "POST-only action",
    "caseloads:decline": "POST-only action",
    "moderation:panel_enter": "POST-only action",
    "moderation:panel_allocate": "POST-only action",
    "moderation:panel_close": "POST-only action",
    "moderation:accept_late": "POST-only action",
    "moderation:sign_off": "POST-only action",
    "learning:mash_publish": "POST-only action",
}


def admin_pages() -> list:
    """Every registered model's admin list, as the administrator (the admin's list pages)."""
    from django.contrib import admin

    return [
        Page(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist", ("admin",), listing=True)
        for m in admin.site._registry
    ]


def url_patterns() -> list[str]:
    """Every named pattern of the project's URLconf (not the benchmark's), namespaced."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found = []

    def walk(resolver, prefix):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                walk(p, prefix + (p.namespace + ":" if p.namespace else ""))
            elif isinstance(p, URLPattern) and p.name:
                found.append(prefix + p.name)

    walk(get_resolver("academy.urls"), "")
    return sorted(set(found))


def resolve_kwargs(page, ctx):
    values = {}
    for key, value in page.kwargs.items():
        if isinstance(value, str) and value.startswith(K):
            path, *index = value[len(K) :].split(".")
            value = ctx.get(path)
            if value is not None and index:
                value = value[int(index[0])]
            if value is None:
                return None, f"no {path} in the demo data"
        values[key] = value
    return values, None


# --- Measuring -------------------------------------------------------------------------------


@dataclass
class Result:
    times: list = field(default_factory=list)
    queries: int | None = None
    error: str = ""

    @property
    def median(self):
        return statistics.median(self.times) if self.times else float("nan")


def request(client, url):
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()  # the log is a bounded deque: a full one would count 0
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        if getattr(response, "streaming", False):
            # A streamed export is timed to its header and first row, what its user waits
            # for; the rest (drained, its queries counted) grows with its rows by nature.
            lines = iter(response.streaming_content)
            for _ in range(2):
                next(lines, b"")
            elapsed = (time.perf_counter() - started) * 1000
            b"".join(lines)
        else:
            response.content  # noqa: B018
            elapsed = (time.perf_counter() - started) * 1000
    return response.status_code, elapsed, len(queries.captured_queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["100", "1000"], help="NQSWs per academy")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (median)")
    parser.add_argument("--only", default="", help="measure only URL names matching this regex")
    parser.add_argument("--check", action="store_true", help="exit 1 when a page misses the goal")
    parser.add_argument("--write-readme", action="store_true", help="table into README.md")
    parser.add_argument(
        "--noise-ms",
        type=float,
        default=NOISE_MS,
        help="growth below this passes whatever the ratio (raise it on a loaded machine)",
    )
    parser.add_argument("--keep-base", help="SQLite: keep the seeded demo here and reuse it")
    parser.add_argument(
        "--confirm",
        type=int,
        default=10,
        help="--check: rounds more for a page over the ratio before it fails (0: none)",
    )
    args = parser.parse_args()
    sizes = sorted({int(s) for arg in args.sizes for s in arg.split(",") if s})
    started_all = time.perf_counter()

    databases = setup_django(args.keep_base)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from benchmarks.urls import MINIMAL_URL

    databases.setup_base()
    built, nightly = {}, {}
    for size in sizes:
        databases.copy_for(size)
        databases.use(size)
        started = time.perf_counter()
        counts = build(size)
        built[size] = (counts, time.perf_counter() - started)
        # The nightly `refresh_summaries` (README, Scheduled commands): the pages are then
        # measured as they are on a working day, with today's summary rows in place.
        started = time.perf_counter()
        call_command("refresh_summaries", stdout=io.StringIO())
        nightly[size] = time.perf_counter() - started
        if databases.postgres:
            # Fresh statistics, as autovacuum keeps them in production: after bulk inserts the
            # planner would otherwise guess (a 12 ms query took 140 ms in one run, 12 in the next).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        connection.close()
        print(
            f"built {size} NQSWs in {built[size][1]:.1f}s: "
            + ", ".join(f"{v} {k}" for k, v in counts.items())
            + f"; nightly refresh_summaries {nightly[size]:.1f}s",
            file=sys.stderr,
        )

    databases.use(sizes[0])
    ctx = context()
    pages = PAGES + admin_pages()
    only = re.compile(args.only) if args.only else None
    plan, skipped = [], {}
    for page in pages:
        if only and not only.search(page.name):
            continue
        kwargs, why = resolve_kwargs(page, ctx)
        if why:
            skipped[page.name] = why
            continue
        url = reverse(page.name, kwargs=kwargs) + (f"?{page.query}" if page.query else "")
        for role in page.roles:
            plan.append((page, role, url))
    plan.insert(0, (Page(MINIMAL, ("pm",)), "pm", MINIMAL_URL))

    measured_names = {page.name for page in pages}
    for name in url_patterns():
        if name in POST_ONLY:
            skipped[name] = POST_ONLY[name]
        elif name not in measured_names and not name.startswith("admin:"):
            skipped[name] = "no page entry in benchmarks/run.py"
    skipped.setdefault(
        "admin:* (add, change, delete, history of each model)",
        "one representative (admin:cohorts_enrolment_change); the lists are all measured",
    )

    # One signed-in client per role per database: the session lives in that database.
    clients = {}
    for size in sizes:
        databases.use(size)
        users = context()["users"] if size != sizes[0] else ctx["users"]
        for role in {r for _, r, _ in plan}:
            client = Client(raise_request_exception=False)
            if role is not None:
                if role not in users:
                    continue
                client.force_login(users[role])
            clients[(size, role)] = client

    results = {(page.label(role), size): Result() for page, role, _ in plan for size in sizes}
    for size in sizes:  # warm up, and drop what does not answer 200
        databases.use(size)
        for page, role, url in plan:
            result = results[(page.label(role), size)]
            client = clients.get((size, role))
            if client is None:
                result.error = f"no {role} login in the demo"
                continue
            status, _, _ = request(client, url)
            if status != page.status:
                result.error = f"GET {url} answered {status}"
    # The collector runs between requests, never during one: its pauses land wherever a
    # threshold trips, and made one page's times vary by a third from request to request.
    # What the warm-up built is frozen, so that a collection walks only the pages' garbage.
    gc.collect()
    gc.freeze()
    gc.disable()
    timed = 0

    def measure(entries, rounds):
        nonlocal timed
        for round_ in range(rounds):
            # Each page at every size one after the other, the sizes' order reversed every
            # other round: drift over the run (the allocator, the OS's caches, a neighbour's
            # load) then falls on both sizes alike, not on whichever size a round ends with.
            order = sizes if round_ % 2 == 0 else sizes[::-1]
            for page, role, url in entries:
                for size in order:
                    result = results[(page.label(role), size)]
                    if result.error:
                        continue
                    databases.use(size)
                    status, elapsed, queries = request(clients[(size, role)], url)
                    timed += 1
                    if timed % 20 == 0:
                        gc.collect()
                    result.times.append(elapsed)
                    # The fewest seen over the rounds: the steady state.
                    result.queries = (
                        queries if result.queries is None else min(result.queries, queries)
                    )
            print(f"round {round_ + 1}/{rounds} done", file=sys.stderr)

    measure(plan, args.rounds)
    if args.check and args.confirm:
        # A page over the ratio is measured again, alone with its sizes, before it fails the
        # check: a page of 80 ms moves by 20 ms between runs on a shared 2-core machine, and
        # a real growth stays in the longer sample while such noise does not.
        _, failures = table(plan, results, sizes, args.noise_ms)
        suspects = [
            entry
            for entry in plan
            if any(f.startswith(f"{entry[0].label(entry[1])}: ratio") for f in failures)
        ]
        if suspects:
            print(f"confirming {len(suspects)} pages over the ratio", file=sys.stderr)
            measure(suspects, args.confirm)
    gc.enable()
    databases.drop()

    rows, failures = table(plan, results, sizes, args.noise_ms)
    text = report(
        rows, sizes, built, nightly, skipped, args.rounds, databases.postgres, args.noise_ms
    )
    print(text)
    print(f"whole run: {time.perf_counter() - started_all:.0f}s", file=sys.stderr)
    if args.write_readme:
        write_readme(text)
    if args.check and failures:
        print(f"\n{len(failures)} pages miss the goal:", file=sys.stderr)
        for failure in failures:
            print(f"  {failure}", file=sys.stderr)
        sys.exit(1)


def table(plan, results, sizes, noise_ms):
    """One row per page and role: medians, ratio, queries; and the goal's failures."""
    small, large = sizes[0], sizes[-1]
    minimal = {s: results[(MINIMAL + " [pm]", s)].median for s in sizes}
    rows, failures, seen = [], [], set()
    for page, role, _ in plan:
        label = page.label(role) if page.name != MINIMAL else MINIMAL
        key = page.label(role)
        if key in seen:
            continue
        seen.add(key)
        cells = [results[(key, s)] for s in sizes]
        error = next((c.error for c in cells if c.error), "")
        if error:
            rows.append((label, None, None, None, None, error))
            failures.append(f"{label}: {error}")
            continue
        medians = [c.median for c in cells]
        queries = [c.queries for c in cells]
        ratio = medians[-1] / medians[0] if medians[0] else float("nan")
        times_minimal = medians[-1] / minimal[large] if minimal[large] else float("nan")
        notes = []
        if ratio > GOAL_RATIO and medians[-1] - medians[0] > noise_ms:
            notes.append(f"ratio {ratio:.2f}x > {GOAL_RATIO}x")
        if page.listing and max(queries) > MAX_LIST_QUERIES:
            notes.append(f"{max(queries)} queries > {MAX_LIST_QUERIES}")
        if queries[-1] - queries[0] > QUERY_GROWTH:
            notes.append(f"queries grow {queries[0]} -> {queries[-1]}")
        if notes:
            failures.append(f"{label}: " + "; ".join(notes))
        rows.append((label, medians, ratio, queries, times_minimal, "; ".join(notes)))
    del small
    return rows, failures


def report(rows, sizes, built, nightly, skipped, rounds, postgres, noise_ms):
    engine = "PostgreSQL" if postgres else "SQLite"
    lines = [
        f"{engine}, sizes {' vs '.join(map(str, sizes))} NQSWs on top of the demo academy, "
        f"median of {rounds} interleaved rounds; goal: at most {GOAL_RATIO}x "
        f"(growth under {noise_ms:.0f} ms is noise), lists and dashboards at most "
        f"{MAX_LIST_QUERIES} queries.",
        "",
        "Data built per size: "
        + "; ".join(
            f"{s}: "
            + ", ".join(f"{v:,} {k}" for k, v in built[s][0].items())
            + f" ({built[s][1]:.0f} s; the nightly refresh_summaries {nightly[s]:.0f} s)"
            for s in sizes
        ),
        "",
        "| page [role] | "
        + " | ".join(f"{s} ms" for s in sizes)
        + " | ratio | queries | × minimal | misses the goal |",
        "|---|" + "---:|" * len(sizes) + "---:|---:|---:|---|",
    ]
    for label, medians, ratio, queries, times_minimal, notes in rows:
        if medians is None:
            lines.append(f"| {label} | " + " | ".join("–" for _ in sizes) + f" | | | | {notes} |")
            continue
        q = (
            " → ".join(str(n) for n in dict.fromkeys(queries))
            if len(set(queries)) > 1
            else str(queries[0])
        )
        lines.append(
            f"| {label} | "
            + " | ".join(f"{m:,.0f}" for m in medians)
            + f" | {ratio:.2f}× | {q} | {times_minimal:.1f}× | {notes} |"
        )
    lines += ["", "Not measured:", ""]
    lines += [f"- `{name}`: {why}" for name, why in sorted(skipped.items())]
    return "\n".join(lines)


def write_readme(text):
    readme = ROOT / "README.md"
    content = readme.read_text()
    block = f"{README_START}\n{text}\n{README_END}"
    if README_START in content:
        content = re.sub(
            re.escape(README_START) + ".*?" + re.escape(README_END),
            lambda _: block,
            content,
            flags=re.S,
        )
    else:
        content = content.replace("\n## Layout", f"\n{block}\n\n## Layout", 1)
    readme.write_text(content)


if __name__ == "__main__":
    main()
