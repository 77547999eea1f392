"""`manage.py seed_demo` and the demo academy it builds (cohorts/demo.py)."""

import sys
import types
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.utils import timezone
from django.utils.html import escape

from academy.models import Office, Person, PracticeGroup, Service
from cohorts import demo
from cohorts.models import Cohort, Enrolment, Extension
from home.management.commands import seed_demo
from tests.database import load_rows, shared_rows

User = get_user_model()

DEMO_LOGINS = [
    "pm.demo",
    "gm.demo",
    "assessor.demo",
    "nqsw.demo",
    "trainee.demo",
    "chair.demo",
    "sdl.demo",
    "ld.demo",
    "admin.demo",
]
AUTUMN = date(2026, 11, 22)  # a Sunday in ASYE month 3 of the September 2026 cohort
SPRING = date(2027, 3, 15)  # the same academy year, after the OU trainees qualified

# The real people the guidance names: none may turn up in the demo.
GUIDANCE_NAMES = [
    "Di Rawlings",
    "Jakki Field",
    "Sarah Spoard",
    "Catherine Watkins",
    "Wendy Hill",
    "Pat Awcock",
    "Isabelle Trowler",
    "Martin Narey",
    "David Croisdale-Appleby",
    "Holmes",
]


def row_counts():
    return {
        model.__name__: model.objects.count()
        for model in (Person, User, Enrolment, PracticeGroup, Cohort, Extension, Office)
    }


def current(person):
    return person.enrolments.current().select_related("practice_group", "cohort").get()


# Each demo is built once for the class of tests that reads it (tests/database.py).
@pytest.fixture(scope="class")
def people(django_db_setup, django_db_blocker):
    """The demo built for the real today, as the home pages see it."""
    with shared_rows(django_db_blocker):
        yield demo.build()


@pytest.fixture(scope="class")
def autumn(django_db_setup, django_db_blocker):
    with shared_rows(django_db_blocker):
        yield demo.build(AUTUMN)


@pytest.fixture(scope="class")
def spring(django_db_setup, django_db_blocker):
    with shared_rows(django_db_blocker):
        yield demo.build(SPRING)


# --- The command ---------------------------------------------------------------------------


def test_refuses_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", stdout=StringIO())
    assert not Person.objects.exists()


def test_runs_with_force_prints_the_logins_and_again_with_debug_on_changes_nothing(
    seeded_demo, db, settings
):
    """The run's one real `seed_demo --force` (tests/conftest.py `seeded_demo`, with DEBUG
    off as in every test; the browser tests load the same rows) printed the logins; run
    again with DEBUG on (no --force needed) over its rows, it changes no rows and writes no
    history."""
    printed = seeded_demo.printed
    assert "asye-demo" in printed
    for username in DEMO_LOGINS:
        assert username in printed
    assert "September" in printed and "January" in printed
    load_rows(seeded_demo.rows)
    before = row_counts()
    history = (Person.history.count(), Enrolment.history.count(), Extension.history.count())

    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())

    assert User.objects.filter(username__in=DEMO_LOGINS).count() == len(DEMO_LOGINS)
    assert row_counts() == before
    assert (Person.history.count(), Enrolment.history.count(), Extension.history.count()) == (
        history
    )
    assert before["Enrolment"] >= 30


def test_later_feature_steps_get_today_and_the_people(db, monkeypatch):
    seen = {}
    step = types.ModuleType("demo_step_for_test")
    step.build = lambda *, today, people: seen.update(today=today, people=people)
    monkeypatch.setitem(sys.modules, "demo_step_for_test", step)
    monkeypatch.setattr(seed_demo, "demo_steps", lambda: ["demo_step_for_test"])

    call_command("seed_demo", "--force", stdout=StringIO())

    assert seen["people"]["nqsw"].user.username == "nqsw.demo"
    assert seen["today"] is not None


def test_each_feature_app_registers_its_own_demo_step_in_installed_apps_order():
    assert seed_demo.demo_steps() == [
        "caseloads.demo",
        "supervision.demo",
        "assessment.demo",
        "moderation.demo",
        "learning.demo",
        "aswp.demo",
    ]


# --- The demo logins and their home pages ---------------------------------------------------


@pytest.mark.django_db
class TestTodaysDemo:
    """The demo for the real today, built once for these tests."""

    @pytest.mark.parametrize("username", DEMO_LOGINS)
    def test_demo_login_authenticates_with_the_shared_password(self, people, username):
        user = authenticate(
            request=RequestFactory().post("/"), username=username, password=demo.DEMO_PASSWORD
        )
        assert user is not None and user.username == username
        assert user.person.email.endswith("@demo.asye.invalid")

    def test_other_demo_people_cannot_sign_in(self, people):
        others = User.objects.exclude(username__in=DEMO_LOGINS)
        assert others.count() > 40
        assert not any(user.has_usable_password() for user in others)
        assert not others.filter(is_staff=True).exists()

    def test_only_admin_demo_reaches_the_django_admin(self, people, client):
        admin = User.objects.get(username="admin.demo")
        assert admin.is_staff and admin.is_superuser and admin.person.role == Person.Role.ADMIN
        assert User.objects.filter(is_superuser=True, username__endswith=".demo").count() == 1
        client.force_login(admin)
        assert client.get("/admin/").status_code == 200

    def test_pm_home_lists_the_team(self, people, client):
        page = home_page(client, "pm.demo")
        group = people["pm"].led_groups.get()
        assert escape(group.name) in page
        assert people["nqsw"].full_name in page
        assert people["trainee"].full_name in page
        for enrolment in group.enrolments.current():
            assert enrolment.person.full_name in page
        elsewhere = Enrolment.objects.exclude(practice_group=group).first()
        assert elsewhere.person.full_name not in page

    def test_gm_home_lists_their_service(self, people, client):
        page = home_page(client, "gm.demo")
        service = people["gm"].service
        assert Enrolment.objects.filter(practice_group__service=service).count() > 5
        for enrolment in Enrolment.objects.filter(practice_group__service=service):
            assert enrolment.person.full_name in page
        for enrolment in Enrolment.objects.exclude(practice_group__service=service):
            assert enrolment.person.full_name not in page

    def test_assessor_home_lists_their_nqsws(self, people, client):
        page = home_page(client, "assessor.demo")
        assessed = Enrolment.objects.filter(assessor=people["assessor"])
        assert assessed.count() >= 5
        for enrolment in assessed:
            assert enrolment.person.full_name in page
        for enrolment in Enrolment.objects.exclude(assessor=people["assessor"]):
            assert enrolment.person.full_name not in page

    def test_nqsw_home_shows_their_own_asye_month(self, people, client):
        page = home_page(client, "nqsw.demo")
        enrolment = current(people["nqsw"])
        month = enrolment.asye_month()
        assert (f"Month {month}" if month else "Not started") in page
        assert people["nqsw"].full_name in page
        assert enrolment.assessor.full_name in page
        assert people["pm"].full_name in page

    def test_trainee_home_shows_their_placement(self, people, client):
        page = home_page(client, "trainee.demo")
        assert people["trainee"].full_name in page
        assert "MA Social Work, University of Chichester" in page
        assert people["pm"].full_name in page

    @pytest.mark.parametrize("username", ["chair.demo", "admin.demo"])
    def test_chair_and_admin_home_show_both_cohorts(self, people, client, username):
        page = home_page(client, username)
        calendar = demo.AcademyCalendar.around(timezone.localdate())
        for start in (calendar.september_start, calendar.january_start):
            assert Cohort.for_start(start).name in page


def home_page(client, username):
    client.force_login(User.objects.get(username=username))
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


# --- The organisation ------------------------------------------------------------------------


@pytest.mark.django_db
class TestAutumn:
    """The demo on a Sunday in the September cohort's third month, built once."""

    def test_four_offices_and_six_staffed_academy_teams(self, autumn):
        assert set(Office.objects.values_list("name", flat=True)) == {
            "Worthing",
            "Bognor",
            "Crawley",
            "Horsham",
        }
        groups = PracticeGroup.objects.select_related(
            "practice_manager", "group_manager", "service"
        )
        assert groups.count() == 6
        assert {g.service.code for g in groups} == {"CAI", "CLA", "FSP"}
        group_managers = {}
        for group in groups:
            assert group.practice_manager.role == Person.Role.PRACTICE_MANAGER
            assert group.group_manager.role == Person.Role.GROUP_MANAGER
            assert group.group_manager.service == group.service
            assert group.staff.filter(role=Person.Role.GRADE10).count() == 1
            group_managers.setdefault(group.service.code, set()).add(group.group_manager.pk)
        # One group manager per service, and the services' managers all differ.
        assert all(len(pks) == 1 for pks in group_managers.values())
        assert len(set().union(*group_managers.values())) == Service.objects.count()

    def test_panel_and_other_roles(self, autumn):
        roles = Person.objects.values_list("role", flat=True)
        assert list(roles).count(Person.Role.PRINCIPAL_SOCIAL_WORKER) == 1
        assert list(roles).count(Person.Role.SERVICE_DEVELOPMENT_LEAD) == 1
        assert list(roles).count(Person.Role.LD_OFFICER) == 1
        assert list(roles).count(Person.Role.ASWP) == 1
        assert list(roles).count(Person.Role.SOCIAL_WORKER) >= 3
        assert list(roles).count(Person.Role.ASSESSOR) == 3
        assert autumn["chair"].role == Person.Role.PRINCIPAL_SOCIAL_WORKER
        assert autumn["deputy_chair"].role == Person.Role.SERVICE_DEVELOPMENT_LEAD

    def test_demo_people_have_the_responsibilities_they_are_shown_with(self, autumn):
        group = autumn["pm"].led_groups.get()
        nqsw, trainee = current(autumn["nqsw"]), current(autumn["trainee"])
        assert nqsw.practice_group == group and trainee.practice_group == group
        assert group.enrolments.filter(kind=Enrolment.Kind.ASYE).count() >= 4
        assert trainee.kind == Enrolment.Kind.TRAINEE
        assert trainee.programme == Enrolment.Programme.CHI_MA
        assert group.group_manager == autumn["gm"]
        assert nqsw.assessor == autumn["assessor"]
        assert autumn["assessor"].role == Person.Role.ASSESSOR
        assert not autumn["assessor"].led_groups.exists()
        assert autumn["grade10"].practice_group == group

    def test_no_nqsw_is_assessed_by_their_own_pm(self, autumn):
        for enrolment in Enrolment.objects.select_related("practice_group", "assessor"):
            assert enrolment.assessor_id != enrolment.practice_group.practice_manager_id
            if enrolment.kind == Enrolment.Kind.ASYE:
                assert enrolment.assessor.role == Person.Role.ASSESSOR
                enrolment.full_clean()

    def test_no_name_from_the_guidance(self, autumn):
        banned = {part.lower() for name in GUIDANCE_NAMES for part in name.split()}
        words = []
        for person in Person.objects.select_related("user"):
            words += person.full_name.lower().split()
            words += person.email.split("@")[0].split(".")
            words += [person.user.first_name.lower(), person.user.last_name.lower()]
        assert banned.isdisjoint(words)
        for name in GUIDANCE_NAMES:
            assert not Person.objects.filter(full_name__icontains=name).exists()

    def test_autumn_the_september_cohort_and_the_trainees(self, autumn):
        september = Cohort.objects.get(intake=Cohort.Intake.SEPTEMBER, start_date=date(2026, 9, 1))
        january = Cohort.objects.get(intake=Cohort.Intake.JANUARY, start_date=date(2027, 1, 1))
        nqsws = Enrolment.objects.filter(kind=Enrolment.Kind.ASYE)
        trainees = Enrolment.objects.filter(kind=Enrolment.Kind.TRAINEE)

        assert nqsws.count() == 24
        assert set(nqsws.values_list("cohort", flat=True)) == {september.pk}
        starts = sorted(nqsws.values_list("asye_start", flat=True))
        assert starts[0] == date(2026, 9, 1)
        assert date(2026, 9, 8) in starts and starts[-1] == date(2026, 9, 15)
        assert current(autumn["nqsw"]).asye_start == date(2026, 9, 1)
        assert current(autumn["nqsw"]).asye_month(AUTUMN) == 3

        assert trainees.count() == 6
        assert set(trainees.values_list("programme", flat=True)) == {"OU_BA", "CHI_MA"}
        for enrolment in trainees.filter(programme="OU_BA"):
            assert enrolment.cohort == january
            assert enrolment.asye_start == date(2027, 1, 4)
            assert enrolment.phase(AUTUMN) == "before"
            assert enrolment.person.role == Person.Role.TRAINEE
        for enrolment in trainees.filter(programme="CHI_MA"):
            assert enrolment.cohort == september and enrolment.asye_start is None
        assert (
            not Person.objects.filter(role=Person.Role.TRAINEE)
            .exclude(swe_registration="")
            .exists()
        )

    def test_one_nqsw_has_an_approved_extension(self, autumn):
        extension = Extension.objects.select_related("enrolment__practice_group").get()
        enrolment = extension.enrolment
        assert enrolment.person == autumn["extended_nqsw"] != autumn["nqsw"]
        assert extension.reason == Extension.Reason.MATERNITY
        assert (extension.first_day, extension.months) == (date(2026, 11, 16), 6)
        assert extension.approved_by == enrolment.practice_group.practice_manager
        assert extension.approved_on <= AUTUMN
        unextended = current(autumn["nqsw"])
        assert enrolment.asye_start == unextended.asye_start
        assert enrolment.planned_end() == date(2028, 2, 29)
        assert unextended.planned_end() == date(2027, 8, 31)

    def test_the_extension_is_not_duplicated(self, autumn):
        demo.build(AUTUMN)
        demo.build(SPRING)
        assert Extension.objects.count() == 1

    def test_running_again_restores_a_changed_enrolment_without_adding_one(self, autumn):
        enrolment = current(autumn["nqsw"])
        Enrolment.objects.filter(pk=enrolment.pk).update(status="withdrawn", end_date=AUTUMN)
        count = Enrolment.objects.count()

        demo.build(AUTUMN)

        assert Enrolment.objects.count() == count
        assert current(autumn["nqsw"]).pk == enrolment.pk


def test_names_emails_and_staff_ids_are_fixed(db):
    first = demo.build(AUTUMN)["nqsw"]
    Person.objects.filter(pk=first.pk).update(full_name="Someone Else")
    again = demo.build(AUTUMN)["nqsw"]
    assert again.pk == first.pk
    assert (again.full_name, again.email, again.staff_id) == (
        "Priya Sandhu",
        "priya.sandhu@demo.asye.invalid",
        "D0031",
    )
    assert Person.objects.filter(staff_id__regex=r"^D\d{4}$").count() == Person.objects.count()


# --- Dates that follow today ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2026, 9, date(2026, 9, 1)),  # a Tuesday
        (2029, 9, date(2029, 9, 3)),  # the 1st is a Saturday
        (2027, 1, date(2027, 1, 4)),  # New Year's Day is a Friday, then a weekend
        (2028, 1, date(2028, 1, 4)),  # a Saturday: the bank holiday moves to Monday the 3rd
        (2023, 1, date(2023, 1, 3)),  # a Sunday: the bank holiday moves to Monday the 2nd
        (2029, 1, date(2029, 1, 2)),  # a Monday
    ],
)
def test_first_working_day(year, month, expected):
    assert demo.first_working_day(year, month) == expected


@pytest.mark.parametrize(
    ("today", "september", "ou_qualified"),
    [
        (date(2026, 9, 1), date(2026, 9, 1), False),
        (AUTUMN, date(2026, 9, 1), False),
        (date(2027, 1, 2), date(2026, 9, 1), False),  # before the first working day
        (date(2027, 1, 4), date(2026, 9, 1), True),
        (date(2027, 8, 31), date(2026, 9, 1), True),
    ],
)
def test_academy_year_around_today(today, september, ou_qualified):
    calendar = demo.AcademyCalendar.around(today)
    assert calendar.september_start == september
    assert calendar.january_start == date(2027, 1, 4)
    assert calendar.ou_qualified is ou_qualified


@pytest.mark.django_db
class TestSpring:
    """The demo in March, after the OU trainees qualified, built once."""

    def test_spring_the_ou_trainees_are_nqsws_since_january(self, spring):
        september = Cohort.objects.get(intake=Cohort.Intake.SEPTEMBER, start_date=date(2026, 9, 1))
        january = Cohort.objects.get(intake=Cohort.Intake.JANUARY, start_date=date(2027, 1, 1))
        ou_people = [
            member.staff_id for member, _, programme in demo.TRAINEES if programme == "OU_BA"
        ]
        converted = Enrolment.objects.filter(person__staff_id__in=ou_people)

        assert converted.count() == 3
        for enrolment in converted:
            assert enrolment.kind == Enrolment.Kind.ASYE and enrolment.programme == ""
            assert enrolment.cohort == january
            assert enrolment.asye_start == date(2027, 1, 4)
            assert enrolment.asye_month(SPRING) == 3
            assert enrolment.person.role == Person.Role.NQSW
            assert enrolment.person.swe_registration.startswith("SW")
            assert enrolment.assessor.role == Person.Role.ASSESSOR
        assert Enrolment.objects.filter(kind="asye", cohort=september).count() == 24
        assert current(spring["nqsw"]).asye_month(SPRING) == 7

        # Next year's OU students are on placement now, heading for the January after.
        trainees = Enrolment.objects.filter(kind=Enrolment.Kind.TRAINEE)
        assert trainees.count() == 6
        assert set(trainees.values_list("programme", flat=True)) == {"OU_BA", "CHI_MA"}
        for enrolment in trainees.filter(programme="OU_BA"):
            assert enrolment.asye_start == date(2028, 1, 4)
            assert enrolment.cohort.start_date == date(2028, 1, 1)


def test_running_again_after_january_moves_the_ou_trainees_into_the_asye(db):
    demo.build(AUTUMN)
    counts = row_counts()

    demo.build(SPRING)

    after = row_counts()
    assert after["Person"] == counts["Person"] + 3  # next year's OU students
    assert after["Enrolment"] == counts["Enrolment"] + 3
    assert after["Extension"] == counts["Extension"] == 1
    ou_people = [member.staff_id for member, _, programme in demo.TRAINEES if programme == "OU_BA"]
    assert set(
        Enrolment.objects.filter(person__staff_id__in=ou_people).values_list("kind", flat=True)
    ) == {"asye"}


# --- The extension ----------------------------------------------------------------------------
