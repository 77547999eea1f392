"""Every URL × every role: who gets a page, who is refused, and nobody a 500 (issue 15).

The demo academy is built once for the module on a fixed day (so the answers do not move
with the calendar); each URL's arguments name demo records (`ARGUMENTS`). Every role signs
in (`force_login`) as a demo person holding it: each PersonRole, the Service Development
Lead – Adult Services and an external panel member among them (issue 15 item 2), a real
superuser with no staff profile, and an anonymous visitor. Each GETs every URL; the status
is compared with `EXPECTED`, one letter per role in `ROLES` order:

    O  a page (200) or a redirect that is not to the sign-in page (302)
    L  a redirect to the sign-in page
    3  403: the user may know the record exists, and is told plainly they may not do this
    4  404: not there for them (outsiders cannot learn a record exists)
    M  405: a POST-only action, asked with GET by someone who got past the sign-in check

A 500 (or an exception) is never expected. The test fails for a URL pattern with no row,
and for a row whose URL is no longer served. Each role's pass runs in a savepoint, so no
role's GET can change what the next one sees.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.module_loading import import_string

from academy.models import Person, PersonRole
from assessment import pdf as assessment_pdf
from aswp.models import Application as AswpApplication
from aswp.models import Round as AswpRound
from caseloads.models import Allocation as CaseAllocation
from cohorts import demo as academy_demo
from cohorts.models import Enrolment
from home.management.commands.seed_demo import demo_steps
from learning.models import (
    AbsenceDecision,
    Concern,
    LearningOpportunity,
    MashRota,
    PathwayCourse,
    Workshop,
)
from learning.models import Attendance as PathwayAttendance
from moderation import pdf as moderation_pdf
from moderation.models import (
    ModerationRecord,
    Panel,
    ProgressionAuthorisation,
    Submission,
)
from supervision.models import Session
from tests.database import shared_rows

# A Wednesday in term: the demo is dated around it.
DAY = datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Europe/London"))

# The columns of EXPECTED: (column, the demo user's key in `users`).
ROLES = [
    "anonymous",
    "nqsw",
    "trainee",
    "grade10",
    "aswp",
    "social_worker",
    "practice_manager",
    "group_manager",
    "assessor",
    "sdl_professional_practice",
    "sdl_adult_services",
    "principal_social_worker",
    "ld_officer",
    "external_panel_member",
    "admin",
    "superuser",
]

# Served by Django's admin, which checks is_staff itself (tests/*/test_admin.py); only its
# index is walked here.
SKIP_NAMESPACES = {"admin"}

# fmt: off
EXPECTED = {
    # Columns, as ROLES, in five groups:
    #   anonymous | nqsw trainee grade10 aswp social_worker | practice_manager group_manager
    #   assessor | sdl_professional_practice sdl_adult_services principal_social_worker
    #   ld_officer external_panel_member | admin superuser
    # Learning and development (issue 12), the home pages' lists (issue 11), the ASWP route
    # (issue 13): read against who may see what in each app's access module.
    "aswp:application":                     "L 44444 4O4 O4OO4 OO",
    "aswp:application_edit":                "L 44444 334 44444 44",
    "aswp:apply":                           "L 33O3O 333 33333 33",
    "aswp:decide":                          "L 44444 4O4 O4OO4 OO",
    "aswp:mine":                            "L OOOOO OOO OOOOO OO",
    "aswp:my_role":                         "L 333O3 333 33333 33",
    "aswp:name_supervisor":                 "L MMMMM MMM MMMMM MM",
    "aswp:overview":                        "L 33333 333 O3OO3 OO",
    "aswp:peer_session_new":                "L 333O3 333 O3OO3 OO",
    "aswp:record_step":                     "L 44444 4O4 O4OO4 OO",
    "aswp:round":                           "L 44444 4O4 O4OO4 OO",
    "aswp:round_new":                       "L 33333 333 O3OO3 OO",
    "aswp:set_places":                      "L MMMMM MMM MMMMM MM",
    "aswp:shortlist":                       "L 44444 4O4 O4OO4 OO",
    "aswp:start_assessment":                "L 44444 4O4 O4OO4 OO",
    "aswp:statement":                       "L 44444 OO4 44444 44",
    "learning:absence_change":              "L MMMMM MMM MMMMM MM",
    "learning:absence_decide":              "L MMMMM MMM MMMMM MM",
    "learning:attendance_record":           "L MMMMM MMM MMMMM MM",
    "learning:cancellations":               "L 33333 333 O3OO3 OO",
    "learning:concern":                     "L 44444 OOO O4OO4 44",
    "learning:concern_new":                 "L 33333 O3O 33333 33",
    "learning:concern_step":                "L MMMMM MMM MMMMM MM",
    "learning:concerns":                    "L OOOOO OOO OOOOO OO",
    "learning:course":                      "L OOOOO OOO OOOOO OO",
    "learning:course_book":                 "L MMMMM MMM MMMMM MM",
    "learning:decide_study_days":           "L MMMMM MMM MMMMM MM",
    "learning:learning_time":               "L MMMMM MMM MMMMM MM",
    "learning:mine":                        "L OO444 444 44444 44",
    "learning:move_on":                     "L 33333 3O3 33333 OO",
    "learning:move_on_record":              "L 34444 3O3 34334 OO",
    "learning:offer_opportunity":           "L MMMMM MMM MMMMM MM",
    "learning:opportunity_done":            "L O4444 O33 34334 OO",
    "learning:pathway":                     "L OOOOO OOO OOOOO OO",
    "learning:record":                      "L O4444 OOO O4OO4 OO",
    "learning:request_study_days":          "L MMMMM MMM MMMMM MM",
    "learning:study_allowance":             "L MMMMM MMM MMMMM MM",
    "learning:workshop_attendance":         "L MMMMM MMM MMMMM MM",
    "learning:workshop_credits":            "L MMMMM MMM MMMMM MM",
    "learning:workshop_change":             "L 44444 444 444O4 OO",
    "learning:workshop_new":                "L 33333 333 333O3 OO",
    "learning:workshops":                   "L 33333 333 333O3 OO",
    "waiting":                              "L 44444 OO4 44444 44",
    # Signing in, home and the admin's index
    "home":                                 "L OOOOO OOO OOOOO OO",
    "login":                                "O OOOOO OOO OOOOO OO",
    "logout":                               "M MMMMM MMM MMMMM MM",
    "password_reset":                       "O OOOOO OOO OOOOO OO",
    "password_reset_done":                  "O OOOOO OOO OOOOO OO",
    "password_reset_confirm":               "O OOOOO OOO OOOOO OO",
    "password_reset_complete":              "O OOOOO OOO OOOOO OO",
    "admin:index":                          "L LLLLL LLL LLLLL OO",
    # Enrolments (nqsw.demo's) and the people import
    "cohorts:enrolment_detail":             "L O4444 OOO O4OO4 OO",
    "cohorts:enrolment_list":               "L OOOOO OOO OOOOO OO",
    "cohorts:import_people":                "L 44444 444 44444 OO",
    "cohorts:import_status":                "L 44444 444 44444 44",
    "cohorts:import_template":              "L 44444 444 44444 OO",
    "cohorts:record_extension":             "L 34444 O33 34334 O3",
    # The portfolio (nqsw.demo's)
    "assessment:agreement":                 "L 34444 33O 34334 33",
    "assessment:development_plan":          "L 34444 33O 34334 33",
    "assessment:feedback_edit":             "L O4444 333 34334 33",
    "assessment:feedback_new":              "L O4444 333 34334 33",
    "assessment:log_edit":                  "L O4444 333 34334 33",
    "assessment:log_feedback":              "L 34444 33O 34334 33",
    "assessment:log_new":                   "L O4444 333 34334 33",
    "assessment:map_evidence":              "L O4444 33O 34334 33",
    "assessment:observation_edit":          "L 34444 33O 34334 33",
    "assessment:observation_new":           "L 34444 O3O 34334 33",
    "assessment:observation_reflection":    "L O4444 333 34334 33",
    "assessment:portfolio":                 "L O4444 OOO O4OO4 OO",
    "assessment:portfolio_list":            "L OOOOO OOO OOOOO OO",
    "assessment:portfolio_pdf":             "L O4444 OOO O4OO4 OO",
    "assessment:portfolio_pdf_download":    "L O4444 OOO O4OO4 OO",
    "assessment:recommendation":            "L 34444 33O 34334 33",
    "assessment:review":                    "L 34444 33O 34334 33",
    "assessment:self_assessment":           "L O4444 333 34334 33",
    "assessment:written_work_assess":       "L 34444 33O 34334 33",
    "assessment:written_work_edit":         "L O4444 333 34334 33",
    "assessment:written_work_new":          "L O4444 333 34334 33",
    # Caseloads (nqsw.demo's allocation and case)
    "caseloads:allocation":                 "L O4444 OOO O4OO4 OO",
    "caseloads:approve":                    "L MMMMM MMM MMMMM MM",
    "caseloads:audit":                      "L 44444 OO4 O4OO4 OO",
    "caseloads:board":                      "L OOOOO OOO OOOOO OO",
    "caseloads:board_csv":                  "L OOOOO OOO OOOOO OO",
    "caseloads:case":                       "L O4444 OOO O4OO4 OO",
    "caseloads:decline":                    "L MMMMM MMM MMMMM MM",
    "caseloads:end_allocation":             "L 34444 O33 34334 OO",
    "caseloads:my_caseload":                "L OO444 444 44444 44",
    "caseloads:request_allocation":         "L 44444 OO4 44444 O4",
    "caseloads:requests":                   "L OOOOO OOO OOOOO OO",
    "caseloads:sign_off_visits":            "L 34444 O33 34334 OO",
    "caseloads:worker":                     "L O4444 OOO O4OO4 OO",
    # Supervision (nqsw.demo's)
    "supervision:feed":                     "4 44444 444 44444 44",
    "supervision:feed_settings":            "L OOOOO OOO OOOOO O4",
    "supervision:my_record":                "L OO444 444 44444 44",
    "supervision:overview":                 "L OOOOO OOO OOOOO OO",
    "supervision:overview_csv":             "L OOOOO OOO OOOOO OO",
    "supervision:record":                   "L O4444 OOO O4OO4 OO",
    "supervision:record_assessor_session":  "L 44444 44O 44444 44",
    "supervision:record_group_session":     "L 44344 O34 34334 O3",
    "supervision:record_session":           "L 34444 O33 34334 O3",
    "supervision:record_support":           "L 34444 O33 34334 O3",
    "supervision:session_detail":           "L O4444 OOO O4OO4 OO",
    # The MASH rota (pm.demo's team)
    "learning:mash_change_day":             "L 44344 O34 34334 OO",
    "learning:mash_overview":               "L OOOOO OOO OOOOO OO",
    "learning:mash_plan":                   "L 44O44 OO4 O4OO4 OO",
    "learning:mash_publish":                "L MMMMM MMM MMMMM MM",
    "learning:mash_rota":                   "L 44O44 OO4 O4OO4 OO",
    "learning:my_mash":                     "L OOOOO OOO OOOOO OO",
    # Moderation: D0071 at the open final panel, read by the deputy chair and adults.demo
    "moderation:accept_late":               "L MMMMM MMM MMMMM MM",
    "moderation:agenda":                    "L 44444 434 O3OO3 OO",
    "moderation:decision":                  "L 44444 444 O3OO4 OO",
    "moderation:enrolment_moderation":      "L 44444 OOO O4OO4 OO",
    "moderation:external_detail":           "L 44444 444 44444 44",
    "moderation:external_download":         "L 44444 444 44444 44",
    "moderation:external_list":             "L 33333 333 O3OO3 OO",
    "moderation:external_new":              "L 33333 333 O3OO3 OO",
    "moderation:moderation_form":           "L 44444 444 OO334 33",
    "moderation:moderators":                "L 44444 444 O3OO4 OO",
    "moderation:panel_allocate":            "L MMMMM MMM MMMMM MM",
    "moderation:panel_close":               "L MMMMM MMM MMMMM MM",
    "moderation:panel_pdfs":                "L MMMMM MMM MMMMM MM",
    "moderation:panel_detail":              "L 44444 434 O3OO3 OO",
    "moderation:panel_edit":                "L 44444 434 O3OO3 OO",
    "moderation:panel_enter":               "L MMMMM MMM MMMMM MM",
    "moderation:panel_list":                "L OOOOO OOO OOOOO OO",
    "moderation:panel_new":                 "L 33333 333 O3OO3 OO",
    "moderation:progression":               "L 44444 444 O3OO4 OO",
    "moderation:progression_pdf":           "L 44444 444 44444 44",
    "moderation:read":                      "L 44444 444 OOOO4 OO",
    "moderation:reading_list":              "L OOOOO OOO OOOOO OO",
    "moderation:record_pdf":                "L 44444 OOO O4OO4 OO",
    "moderation:sign_off":                  "L MMMMM MMM MMMMM MM",
    "moderation:submission_pdf":            "L 44444 444 OOOO4 OO",
    "moderation:submit":                    "L 44444 33O 34334 33",
}
# fmt: on


def fake_pdf(html, fetcher=None):
    return b"%PDF-1.7 matrix"


def url_names(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIP_NAMESPACES:
                continue
            yield from url_names(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def served() -> set[str]:
    return {*url_names(get_resolver().url_patterns), "admin:index"}


def arguments(people) -> dict[str, dict]:
    """Each URL's arguments, from the demo. The records are nqsw.demo's (September cohort,
    Worthing CA&I, pm.demo's team, gm.demo's service, assessed by assessor.demo); the
    moderation ones are Eleanor Vaughan's (D0071, the same team and assessor), a year on,
    at the open final panel, read by the deputy chair and by adults.demo."""
    nqsw = Enrolment.objects.get(person=people["nqsw"], kind=Enrolment.Kind.ASYE)
    earlier = Enrolment.objects.get(person__staff_id="D0071")
    final = Panel.objects.get(kind=Panel.Kind.FINAL)
    submission = Submission.objects.get(panel=final, enrolment=earlier)
    group = nqsw.practice_group
    rota = MashRota.objects.filter(practice_group=group).order_by("pk").first()
    allocation = CaseAllocation.objects.filter(worker=people["nqsw"]).order_by("pk").first()
    session = Session.objects.filter(attendances__enrolment=nqsw).order_by("pk").first()
    pk = {"pk": nqsw.pk}
    opportunity = LearningOpportunity.objects.order_by("pk").first()
    workshop = Workshop.objects.filter(cohort=nqsw.cohort).order_by("pk").first()
    course = PathwayCourse.objects.order_by("pk").first()
    place = PathwayAttendance.objects.order_by("pk").first()
    concern = Concern.objects.order_by("pk").first()
    aswp_round = AswpRound.objects.order_by("pk").first()
    submitted = AswpApplication.objects.filter(submitted_at__isnull=False).order_by("pk").first()
    draft = AswpApplication.objects.filter(submitted_at__isnull=True).order_by("pk").first()

    def record(related):
        return {"pk": nqsw.pk, "record": getattr(nqsw, related).order_by("pk").first().pk}

    code = {"code": submission.code}
    return {
        "password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        "cohorts:enrolment_detail": pk,
        "cohorts:record_extension": pk,
        "assessment:portfolio": pk,
        "assessment:portfolio_pdf": pk,
        "assessment:portfolio_pdf_download": pk,
        "assessment:observation_new": pk,
        "assessment:observation_edit": record("observations"),
        "assessment:observation_reflection": record("observations"),
        "assessment:log_new": pk,
        "assessment:log_edit": record("reflection_logs"),
        "assessment:log_feedback": record("reflection_logs"),
        "assessment:feedback_new": {**pk, "source": "child"},
        "assessment:feedback_edit": record("practice_feedback"),
        "assessment:written_work_new": pk,
        "assessment:written_work_edit": record("written_work"),
        "assessment:written_work_assess": record("written_work"),
        "assessment:map_evidence": {**record("observations"), "kind": "observation"},
        "assessment:self_assessment": {**pk, "stage": "start"},
        "assessment:development_plan": {**pk, "period": "months_0_3"},
        "assessment:agreement": pk,
        "assessment:review": {**pk, "kind": "three_months"},
        "assessment:recommendation": pk,
        "caseloads:worker": pk,
        "caseloads:sign_off_visits": pk,
        "caseloads:allocation": {"pk": allocation.pk},
        "caseloads:approve": {"pk": allocation.pk},
        "caseloads:decline": {"pk": allocation.pk},
        "caseloads:end_allocation": {"pk": allocation.pk},
        "caseloads:case": {"pk": allocation.case_id},
        "learning:mash_plan": {"group_pk": group.pk},
        # Learning and development (issue 12), nqsw.demo's record.
        "learning:record": pk,
        "learning:offer_opportunity": {**pk, "opportunity_pk": opportunity.pk},
        "learning:opportunity_done": {**pk, "opportunity_pk": opportunity.pk},
        "learning:request_study_days": pk,
        "learning:decide_study_days": {**pk, "request_pk": 1},
        "learning:study_allowance": pk,
        "learning:workshop_attendance": {**pk, "workshop_pk": workshop.pk},
        "learning:workshop_credits": pk,
        "learning:learning_time": pk,
        "learning:course": {"pk": course.pk},
        "learning:course_book": {"pk": course.pk},
        "learning:attendance_record": {"pk": place.pk},
        "learning:absence_decide": {"pk": place.pk},
        "learning:absence_change": {"pk": AbsenceDecision.objects.order_by("pk")[0].pk},
        "learning:workshop_change": {"pk": workshop.pk},
        "learning:concern": {"pk": concern.pk},
        "learning:concern_step": {"pk": concern.pk, "step": "review"},
        "learning:move_on_record": pk,
        "waiting": {"what": "reviews-due"},
        # The ASWP route (issue 13): the open round, a submitted application and a draft.
        "aswp:round": {"pk": aswp_round.pk},
        "aswp:apply": {"pk": aswp_round.pk},
        "aswp:application": {"pk": submitted.pk},
        "aswp:application_edit": {"pk": draft.pk},
        "aswp:statement": {"pk": draft.pk},
        "aswp:shortlist": {"pk": submitted.pk},
        "aswp:start_assessment": {"pk": submitted.pk},
        "aswp:record_step": {"pk": submitted.pk},
        "aswp:decide": {"pk": submitted.pk},
        "learning:mash_rota": {"pk": rota.pk},
        "learning:mash_change_day": {"pk": rota.pk, "day_pk": rota.days.order_by("pk")[0].pk},
        "learning:mash_publish": {"pk": rota.pk},
        "moderation:panel_detail": {"pk": final.pk},
        "moderation:panel_edit": {"pk": final.pk},
        "moderation:panel_enter": {"pk": final.pk},
        "moderation:panel_allocate": {"pk": final.pk},
        "moderation:agenda": {"pk": final.pk},
        "moderation:panel_close": {"pk": final.pk},
        "moderation:panel_pdfs": {"pk": final.pk},
        "moderation:read": code,
        "moderation:submission_pdf": code,
        "moderation:moderation_form": code,
        "moderation:moderators": code,
        "moderation:accept_late": code,
        "moderation:decision": code,
        "moderation:sign_off": code,
        "moderation:progression": code,
        "moderation:record_pdf": {
            "pk": ModerationRecord.objects.filter(enrolment=earlier).order_by("pk")[0].pk
        },
        "moderation:progression_pdf": {
            "pk": getattr(
                ProgressionAuthorisation.objects.filter(enrolment=earlier).first(), "pk", 1
            )
        },
        "moderation:enrolment_moderation": {"pk": earlier.pk},
        "moderation:submit": {"pk": earlier.pk, "panel": final.pk},
        # No sample exists in the demo: the number is one nobody may know of.
        "moderation:external_detail": {"pk": 1},
        "moderation:external_download": {"pk": 1},
        # No upload exists in the demo either.
        "cohorts:import_status": {"pk": 1},
        "supervision:record": pk,
        "supervision:record_session": pk,
        "supervision:record_support": pk,
        "supervision:session_detail": {"pk": session.pk},
        "supervision:record_group_session": {"group_pk": group.pk},
        # The token is the credential (no sign-in); an unknown one is nobody's calendar.
        "supervision:feed": {"token": "not-a-feed-token"},
    }


def users(people) -> dict[str, object]:
    by_username = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["adults.demo", "serviceuser.demo"])
    }
    root = get_user_model().objects.create_user("root-matrix", is_superuser=True, is_staff=True)
    return {
        "anonymous": None,
        "nqsw": people["nqsw"].user,
        "trainee": people["trainee"].user,
        "grade10": people["grade10"].user,
        "aswp": people["aswp"].user,
        "social_worker": people["social_worker_cai"].user,
        "practice_manager": people["pm"].user,
        "group_manager": people["gm"].user,
        "assessor": people["assessor"].user,
        "sdl_professional_practice": people["deputy_chair"].user,
        "sdl_adult_services": by_username["adults.demo"],
        "principal_social_worker": people["chair"].user,
        "ld_officer": people["ld_officer"].user,
        "external_panel_member": by_username["serviceuser.demo"],
        "admin": people["admin"].user,
        "superuser": root,
    }


def outcome(response) -> str:
    status = response.status_code
    if status == 302:
        signing_in = (reverse("login"), reverse("admin:login"))
        return "L" if response["Location"].startswith(signing_in) else "O"
    return {200: "O", 403: "3", 404: "4", 405: "M"}.get(status, f"[{status}]")


@pytest.fixture(scope="module")
def observed(django_db_setup, django_db_blocker, tmp_path_factory):
    """Every role's answer for every URL: {url name: one letter per role}."""
    media = tmp_path_factory.mktemp("media")
    with (
        time_machine.travel(DAY, tick=False),
        pytest.MonkeyPatch.context() as patch,
        override_settings(MEDIA_ROOT=media),
        shared_rows(django_db_blocker),
    ):
        patch.setattr(assessment_pdf, "write_pdf", fake_pdf)
        patch.setattr(moderation_pdf, "write_pdf", fake_pdf)
        today = DAY.date()
        people = academy_demo.build(today)
        for path in demo_steps():
            import_string(f"{path}.build")(today=today, people=people)
        kwargs = arguments(people)
        signed_in = users(people)
        names = sorted(served())
        grid = {name: [] for name in names}
        for role in ROLES:
            client = Client()
            with transaction.atomic():
                if signed_in[role] is not None:
                    client.force_login(signed_in[role])
                for name in names:
                    url = reverse(name, kwargs=kwargs.get(name))
                    try:
                        grid[name].append(outcome(client.get(url)))
                    except Exception as error:  # a 500: shown in the row, never expected
                        grid[name].append(f"[{type(error).__name__}]")
                transaction.set_rollback(True)
        signed = [user for user in signed_in.values() if user is not None]
        roles_held = set(Person.objects.filter(user__in=signed).values_list("role", flat=True))
        yield {name: "".join(row) for name, row in grid.items()}, roles_held


def test_the_roles_walked_are_every_job_role(observed):
    _, roles_held = observed
    assert roles_held == set(PersonRole.values)


def test_every_url_has_an_expectation_and_every_expectation_a_url():
    names = served()
    assert not sorted(names - EXPECTED.keys()), "URL patterns with no row in EXPECTED"
    assert not sorted(EXPECTED.keys() - names), "rows in EXPECTED for URLs no longer served"


@pytest.mark.django_db
def test_every_role_gets_the_expected_answer_from_every_url(observed):
    grid, _ = observed
    wanted = {name: row.replace(" ", "") for name, row in EXPECTED.items()}
    wrong = {
        name: f"expected {EXPECTED.get(name)!r}, got {row!r}"
        for name, row in grid.items()
        if wanted.get(name) != row
    }
    header = " ".join(ROLES)
    assert not wrong, f"columns: {header}\n" + "\n".join(
        f'    "{name}": "{grid[name]}",  # {why}' for name, why in sorted(wrong.items())
    )
