"""Issue 12's panels on the home pages: the group manager's "NQSWs without a destination"
(MOVE-ON) and the NQSW's protected-time share (PROTECTED-TIME)."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from learning import pathway_services
from learning.models import Workshop, WorkshopTheme
from learning.protected import protected_time
from learning.services import record_workshop_attendance
from tests import factories

pytestmark = pytest.mark.django_db

# The fixture's ASYE starts on 1 September 2026: month 11 opens on 1 July 2027 and the
# ASYE ends on 31 August 2027 (MONTH-1, MOVE-ON).
BEFORE_MONTH_11 = date(2027, 6, 30)
MONTH_11 = date(2027, 7, 1)
LAST_DAY = date(2027, 8, 31)
AFTER_THE_END = date(2027, 9, 1)


def home(client, person):
    client.force_login(person.user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def panel(response) -> str:
    page = response.text
    if 'id="without-destination"' not in page:
        return ""
    return page.split('id="without-destination"')[1].split("</section>")[0]


# --- MOVE-ON: the group manager's NQSWs without a destination -----------------------------------


@pytest.mark.parametrize(
    "day, listed", [(BEFORE_MONTH_11, False), (MONTH_11, True), (LAST_DAY, True)]
)
def test_the_gm_sees_nqsws_without_a_destination_from_month_11(client, people, day, listed):
    with time_machine.travel(day, tick=False):
        response = home(client, people["gm"])
    nqsw = people["nqsw"]
    assert ([e.person for e in response.context["without_destination"]] == [nqsw]) is listed
    found = panel(response)
    assert "NQSWs without a destination" in found
    link = f'href="{reverse("learning:move_on")}?nqsw={nqsw.enrolments.get().pk}#dest-'
    assert (nqsw.full_name in found and link in found) is listed


def test_after_the_end_of_the_asye_as_on_the_move_on_page(client, people):
    """Still current with no destination after the planned end: still missing, on the home
    page as on the move-on page (both read learning.pathway_services.without_destination)."""
    with time_machine.travel(AFTER_THE_END, tick=False):
        response = home(client, people["gm"])
        move_on_page = client.get(reverse("learning:move_on")).text
    assert [e.person for e in response.context["without_destination"]] == [people["nqsw"]]
    assert "1 NQSW(s) in month 11 or later have no destination yet" in move_on_page


def test_a_recorded_destination_takes_the_nqsw_off_the_list(client, people, enrolment):
    destination = factories.PracticeGroupFactory(
        name="Worthing CP", service=enrolment.practice_group.service
    )
    pathway_services.record_move_on(
        enrolment=enrolment, destination=destination, by=people["gm"], today=MONTH_11
    )
    with time_machine.travel(MONTH_11, tick=False):
        response = home(client, people["gm"])
    assert response.context["without_destination"] == []
    assert "every NQSW in ASYE month 11 or later has a recorded destination" in panel(response)


@pytest.mark.parametrize("role", ["pm", "other_gm", "assessor", "nqsw", "chair", "admin"])
def test_only_the_nqsws_group_manager_sees_them(client, people, role):
    with time_machine.travel(MONTH_11, tick=False):
        response = home(client, people[role])
    found = response.context.get("without_destination") or []
    assert people["nqsw"] not in [e.person for e in found]
    assert people["nqsw"].full_name not in panel(response)


def test_a_superuser_sees_no_move_on_panel(client, superuser, enrolment):
    with time_machine.travel(MONTH_11, tick=False):
        client.force_login(superuser)
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert 'id="without-destination"' not in response.text


# --- PROTECTED-TIME: the NQSW's share of time to date -------------------------------------------

# 1 to 14 September 2026: ten weekdays, 74 working hours at 37 a week; 10% is 7.4 hours.
SEPTEMBER_14 = date(2026, 9, 14)


def attend_workshop(enrolment):
    workshop = Workshop.objects.create(
        theme=WorkshopTheme.objects.get(number=1),
        cohort=enrolment.cohort,
        held_on=date(2026, 9, 10),
    )
    with time_machine.travel(date(2026, 9, 10)):
        record_workshop_attendance(
            enrolment=enrolment,
            workshop=workshop,
            attended=True,
            by=enrolment.practice_group.practice_manager,
        )


@time_machine.travel(SEPTEMBER_14, tick=False)
def test_the_nqsw_sees_their_share_against_ten_percent(client, enrolment):
    attend_workshop(enrolment)
    response = home(client, enrolment.person)
    found = response.context["progress"].protected
    # The learning app's own function, on the same day: one rule in one place.
    assert found == protected_time(enrolment, SEPTEMBER_14)
    assert (found.hours, found.working_hours, found.share) == (
        Decimal("7.4"),
        Decimal("74.0"),
        Decimal("10.0"),
    )
    page = response.text.split('id="progress-protected"')[1].split("</p>")[0]
    assert "7.4 hours of learning and development counted of 7.4 expected" in page
    assert "10% of 74.0 working hours" in page
    assert "<strong>10.0%</strong> of your time against 10%" in page
    assert f'href="{reverse("learning:mine")}"' in page


@time_machine.travel(date(2026, 9, 15), tick=False)
def test_a_day_later_the_same_hours_are_under_ten_percent(client, enrolment):
    attend_workshop(enrolment)
    found = home(client, enrolment.person).context["progress"].protected
    assert found.share < 10 and not found.met


@time_machine.travel(date(2026, 8, 20), tick=False)
def test_no_share_before_the_asye_starts(client, enrolment):
    response = home(client, enrolment.person)
    assert response.context["progress"].protected is None
    assert 'id="progress-protected"' not in response.text


@time_machine.travel(SEPTEMBER_14, tick=False)
def test_a_trainee_has_no_protected_time_share(client, group):
    trainee = factories.TraineeEnrolmentFactory(practice_group=group)
    response = home(client, trainee.person)
    assert 'id="progress-protected"' not in response.text


@time_machine.travel(SEPTEMBER_14, tick=False)
def test_the_share_stays_out_of_the_asye_status_contract(client, enrolment):
    progress = home(client, enrolment.person).context["progress"]
    assert progress.protected is not None
    assert "protected_time" not in progress.as_dict()


def test_the_panel_shows_the_first_ten_by_name_and_links_to_the_rest(client, people, enrolment):
    """A service's month-11 NQSWs are many at national size: the home page names the first
    ten by name and sends the group manager to the move-on list for the rest (issue 17)."""
    for i in range(11):
        person = factories.PersonFactory(full_name=f"Aaron {i:02}", role="nqsw")
        factories.EnrolmentFactory(
            person=person, practice_group=enrolment.practice_group, asye_start=enrolment.asye_start
        )
    with time_machine.travel(MONTH_11, tick=False):
        response = home(client, people["gm"])
    listed = [e.person.full_name for e in response.context["without_destination"]]
    assert listed == [f"Aaron {i:02}" for i in range(10)]
    assert response.context["more_without_destination"]
    found = panel(response)
    assert "the first 10 by name" in found and reverse("learning:move_on") + '">' in found
