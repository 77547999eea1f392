"""WORKSHOPS: the L&D officer schedules the university's three resilience days in the app
(learning:workshops, learning:workshop_new, learning:workshop_change): the rule at its
edges in the service, and who may use each page, role by role, a real superuser included.
"""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from academy.models import Person
from learning import services
from learning.access import menu
from learning.models import Workshop, WorkshopTheme
from tests import factories

TODAY = date(2026, 10, 7)  # a Wednesday in the September 2026 cohort's first term
pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def clock():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def cast(people, ld):
    return {
        **people,
        "ld": ld,
        "sdl": factories.PersonFactory(role=Person.Role.SERVICE_DEVELOPMENT_LEAD),
    }


def theme(number):
    return WorkshopTheme.objects.get(number=number)


@pytest.fixture
def day_one(enrolment, ld):
    return services.schedule_workshop(
        theme=theme(1),
        cohort=enrolment.cohort,
        held_on=date(2026, 11, 11),
        place="University of Chichester, Bishop Otter",
        by=ld,
    )


def sign_in(client, cast, who, superuser=None):
    client.force_login(superuser if who == "superuser" else cast[who].user)


def has_profile(who, superuser):
    return who != "superuser" or hasattr(superuser, "person")


# --- The service ---------------------------------------------------------------------


def test_a_day_is_scheduled_once_per_cohort_with_history(day_one, enrolment, ld):
    assert day_one.history.get().history_change_reason == f"Scheduled by {ld.full_name}"
    with pytest.raises(ValidationError, match="already has a date"):
        services.schedule_workshop(
            theme=theme(1), cohort=enrolment.cohort, held_on=date(2026, 12, 2), place="x", by=ld
        )


@pytest.mark.parametrize(
    "held_on, refused",
    [
        (date(2026, 10, 6), "a day to come"),  # yesterday
        (date(2026, 10, 10), "weekday"),  # a Saturday
        (date(2027, 9, 1), "ASYE year"),  # the cohort's year ended the day before
    ],
)
def test_a_day_is_a_weekday_to_come_in_the_cohorts_year(enrolment, ld, held_on, refused):
    with pytest.raises(ValidationError, match=refused):
        services.schedule_workshop(
            theme=theme(2), cohort=enrolment.cohort, held_on=held_on, place="x", by=ld
        )


def test_the_last_day_of_the_year_and_today_are_accepted(enrolment, ld):
    services.schedule_workshop(
        theme=theme(2), cohort=enrolment.cohort, held_on=date(2027, 8, 31), place="x", by=ld
    )
    services.schedule_workshop(
        theme=theme(3), cohort=enrolment.cohort, held_on=TODAY, place="x", by=ld
    )


def test_a_day_moves_before_it_is_held_with_the_reason_in_its_history(day_one, ld):
    services.reschedule_workshop(
        workshop=day_one,
        held_on=date(2026, 11, 18),
        place=day_one.place,
        reason="Trainer unwell",
        by=ld,
    )
    day_one.refresh_from_db()
    assert day_one.held_on == date(2026, 11, 18)
    latest, first = day_one.history.all()[:2]
    assert (first.held_on, latest.held_on) == (date(2026, 11, 11), date(2026, 11, 18))
    assert latest.history_change_reason == (
        f"Moved from 11/11/2026 by {ld.full_name}: Trainer unwell"
    )


def test_a_long_reason_fits_the_history(day_one, ld):
    services.reschedule_workshop(
        workshop=day_one, held_on=date(2026, 11, 18), place="x", reason="y" * 300, by=ld
    )
    assert len(day_one.history.first().history_change_reason) == 100


def test_a_day_moves_on_the_day_itself_but_not_after(day_one, ld):
    with time_machine.travel(date(2026, 11, 11), tick=False):
        services.reschedule_workshop(
            workshop=day_one, held_on=date(2026, 11, 25), place="x", reason="Snow", by=ld
        )
    with (
        time_machine.travel(date(2026, 11, 26), tick=False),
        pytest.raises(ValidationError, match="was held on 25/11/2026"),
    ):
        services.reschedule_workshop(
            workshop=day_one, held_on=date(2026, 12, 2), place="x", reason="Late", by=ld
        )


def test_a_day_with_attendance_recorded_keeps_its_date_and_says_why(day_one, enrolment, ld):
    with time_machine.travel(date(2026, 11, 11), tick=False):
        services.record_workshop_attendance(
            enrolment=enrolment, workshop=day_one, attended=True, by=ld
        )
        with pytest.raises(ValidationError, match="attendance is already recorded for 1 NQSW"):
            services.reschedule_workshop(
                workshop=day_one, held_on=date(2026, 11, 25), place="x", reason="Snow", by=ld
            )
    day_one.refresh_from_db()
    assert day_one.held_on == date(2026, 11, 11)


def test_a_move_needs_a_reason_a_change_and_a_day_to_come(day_one, ld):
    with pytest.raises(ValidationError, match="say why"):
        services.reschedule_workshop(
            workshop=day_one, held_on=date(2026, 11, 18), place="x", reason=" ", by=ld
        )
    with pytest.raises(ValidationError, match="already has"):
        services.reschedule_workshop(
            workshop=day_one, held_on=day_one.held_on, place=day_one.place, reason="r", by=ld
        )
    with pytest.raises(ValidationError, match="a day to come"):
        services.reschedule_workshop(
            workshop=day_one, held_on=date(2026, 10, 1), place="x", reason="r", by=ld
        )


# --- Who may use the pages -----------------------------------------------------------

ALL = list(
    ["nqsw", "pm", "gm", "assessor", "other_nqsw", "other_pm", "other_gm", "other_assessor"]
    + ["chair", "admin", "grade10", "ld", "sdl"]
)
SCHEDULERS = {"ld", "admin", "superuser"}


def test_anonymous_is_sent_to_sign_in(client, day_one):
    for url in [
        reverse("learning:workshops"),
        reverse("learning:workshop_new"),
        reverse("learning:workshop_change", args=[day_one.pk]),
    ]:
        assert "/accounts/login/" in client.get(url)["Location"]
        assert "/accounts/login/" in client.post(url)["Location"]


@pytest.mark.parametrize("who", [*ALL, "superuser"])
def test_the_pages_are_the_ld_officers_and_administrators(client, cast, day_one, who, superuser):
    sign_in(client, cast, who, superuser)
    listing = client.get(reverse("learning:workshops"))
    new = client.get(reverse("learning:workshop_new"))
    change = client.get(reverse("learning:workshop_change", args=[day_one.pk]))
    if who in SCHEDULERS:
        assert (listing.status_code, new.status_code, change.status_code) == (200, 200, 200)
        assert "11 Nov 2026" in listing.content.decode()
    else:
        # The list and the form are no secret (403, saying who may); a day is reached
        # through an NQSW's record by anyone else (404).
        assert (listing.status_code, new.status_code, change.status_code) == (403, 403, 404)


@pytest.mark.parametrize("who", ["ld", "admin", "superuser", "pm", "nqsw", "assessor", "chair"])
def test_only_the_ld_officer_or_an_administrator_adds_a_day(
    client, cast, enrolment, who, superuser
):
    sign_in(client, cast, who, superuser)
    data = {
        "theme": theme(2).pk,
        "cohort": enrolment.cohort_id,
        "held_on": "2027-02-10",
        "place": "Bognor Regis campus",
    }
    response = client.post(reverse("learning:workshop_new"), data)
    added = Workshop.objects.filter(theme=theme(2), cohort=enrolment.cohort).exists()
    if who in SCHEDULERS and has_profile(who, superuser):
        assert response.status_code == 302
        assert response["Location"].endswith(f"#cohort-{enrolment.cohort_id}")
        assert added
    else:
        # 403 for other roles, and for a superuser with no staff profile to record it against.
        assert (response.status_code, added) == (403, False)


def test_a_refused_day_is_shown_on_the_form(client, cast, day_one):
    sign_in(client, cast, "ld")
    data = {
        "theme": day_one.theme_id,
        "cohort": day_one.cohort_id,
        "held_on": "2027-02-10",
        "place": "x",
    }
    response = client.post(reverse("learning:workshop_new"), data)
    assert response.status_code == 200
    assert "each day is held once for a cohort" in response.content.decode()


def test_the_set_the_date_link_fills_in_the_cohort_and_the_day(client, cast, enrolment):
    sign_in(client, cast, "ld")
    listing = client.get(reverse("learning:workshops")).content.decode()
    link = f"{reverse('learning:workshop_new')}?cohort={enrolment.cohort_id}&amp;theme="
    assert link in listing
    form = client.get(
        reverse("learning:workshop_new"), {"cohort": enrolment.cohort_id, "theme": theme(3).pk}
    ).context["form"]
    assert form.initial == {"cohort": str(enrolment.cohort_id), "theme": str(theme(3).pk)}


@pytest.mark.parametrize("who", ["ld", "admin", "superuser", "pm", "gm", "nqsw", "assessor"])
def test_only_the_ld_officer_or_an_administrator_moves_a_day(client, cast, day_one, who, superuser):
    sign_in(client, cast, who, superuser)
    data = {"held_on": "2026-11-18", "place": day_one.place, "reason": "Room double-booked"}
    response = client.post(reverse("learning:workshop_change", args=[day_one.pk]), data)
    day_one.refresh_from_db()
    if who in SCHEDULERS and has_profile(who, superuser):
        assert response.status_code == 302
        assert day_one.held_on == date(2026, 11, 18)
    else:
        expected = 403 if who == "superuser" else 404
        assert (response.status_code, day_one.held_on) == (expected, date(2026, 11, 11))


def test_the_change_page_says_why_a_day_with_attendance_stays(client, cast, day_one, enrolment):
    with time_machine.travel(date(2026, 11, 11), tick=False):
        services.record_workshop_attendance(
            enrolment=enrolment, workshop=day_one, attended=False, by=cast["pm"]
        )
        sign_in(client, cast, "ld")
        url = reverse("learning:workshop_change", args=[day_one.pk])
        page = client.get(url).content.decode()
        assert "attendance is already recorded for 1 NQSW(s)" in page
        assert "Save the change" not in page
        response = client.post(url, {"held_on": "2026-11-25", "place": "x", "reason": "Snow"})
        assert response.status_code == 200
        assert "a day they never had" in response.content.decode()
        listing = client.get(reverse("learning:workshops")).content.decode()
        assert "Attendance recorded: the date stays" in listing


def test_the_menu_offers_the_workshops_to_who_schedules_them(cast, superuser):
    def labels(user):
        return [item.label for item in menu(user)]

    assert "Workshops" in labels(cast["ld"].user)
    assert "Workshops" in labels(cast["admin"].user)
    assert "Workshops" in labels(superuser)
    for who in ["pm", "gm", "nqsw", "assessor", "chair", "sdl"]:
        assert "Workshops" not in labels(cast[who].user)


# --- Query count ---------------------------------------------------------------------


def fill(n, ld):
    """n cohorts, each with its three days; an NQSW of each absent from the first day."""
    for year in range(2026 - n + 1, 2027):
        cohort = factories.CohortFactory(start_date=date(year, 9, 1))
        enrolment = factories.EnrolmentFactory(cohort=cohort, asye_start=cohort.start_date)
        for number in (1, 2, 3):
            held_on = date(year, 11, 1 + number)
            while held_on.weekday() > 4:
                held_on = held_on.replace(day=held_on.day + 3)
            workshop = Workshop.objects.create(theme=theme(number), cohort=cohort, held_on=held_on)
            if number == 1 and year < 2026:
                services.record_workshop_attendance(
                    enrolment=enrolment, workshop=workshop, attended=False, by=ld
                )


@pytest.mark.parametrize("n", [1, 10])
def test_the_list_reads_a_fixed_number_of_queries(client, ld, n, django_assert_num_queries):
    fill(n, ld)
    client.force_login(ld.user)
    client.get(reverse("learning:workshops"))  # the session's first request
    # The same count with 1 and 10 cohorts: the list reads the days in one query. One of the
    # seven is the L&D officer's navigation badge (MOD-ALLOCATE, home.waiting.waiting_count).
    with django_assert_num_queries(7):
        response = client.get(reverse("learning:workshops"))
    assert response.content.decode().count("<tr>") == 3 * n + n  # rows and heads
