"""Who may see and change one enrolment's learning record, role by role, a real superuser
included (LEARNING-OPPS, STUDY-DAYS, WORKSHOPS, PROTECTED-TIME).

learning:mine, learning:record, learning:offer_opportunity, learning:opportunity_done,
learning:request_study_days, learning:decide_study_days, learning:study_allowance,
learning:workshop_attendance, learning:workshop_credits, learning:learning_time.
"""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from academy.models import Person
from learning import services
from learning.models import (
    LearningOpportunity,
    LearningTime,
    LearningTimeKind,
    OpportunityRecord,
    StudyAllowance,
    StudyDayRequest,
    Workshop,
    WorkshopAttendance,
    WorkshopCredits,
    WorkshopTheme,
)
from tests import factories

SEE = ["nqsw", "pm", "gm", "assessor", "chair", "admin"]
OUTSIDERS = ["other_nqsw", "other_pm", "other_gm", "other_assessor", "grade10"]
SEE_NOT_MANAGE = ["nqsw", "gm", "assessor", "chair"]
SEE_NOT_RECORD = ["gm", "assessor", "chair"]


def login(client, person):
    client.force_login(person.user)


def court():
    return LearningOpportunity.objects.get(name="Court work")


def urls(enrolment):
    o = court().pk
    return {
        "record": reverse("learning:record", args=[enrolment.pk]),
        "offer": reverse("learning:offer_opportunity", args=[enrolment.pk, o]),
        "done": reverse("learning:opportunity_done", args=[enrolment.pk, o]),
        "request": reverse("learning:request_study_days", args=[enrolment.pk]),
        "allowance": reverse("learning:study_allowance", args=[enrolment.pk]),
    }


def a_request(enrolment):
    return services.request_study_days(
        enrolment=enrolment,
        first_day=date(2026, 11, 2),
        days=1,
        reason="Reading week",
        by=enrolment.person,
    )


DONE = {"done_on": "2026-10-01", "evidence": "note", "note": "At court with my PM."}
REQUEST = {"first_day": "2026-11-09", "days": "1", "reason": "Attachment theory reading"}


def test_anonymous_is_sent_to_sign_in(client, enrolment):
    for url in [*urls(enrolment).values(), reverse("learning:mine")]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_mine_takes_the_nqsw_to_their_record(client, people, enrolment):
    login(client, people["nqsw"])
    response = client.get(reverse("learning:mine"))
    assert response["Location"] == reverse("learning:record", args=[enrolment.pk])


def test_mine_is_404_for_staff_without_an_enrolment(client, people):
    login(client, people["pm"])
    assert client.get(reverse("learning:mine")).status_code == 404


@pytest.mark.parametrize("who", SEE + OUTSIDERS)
def test_the_record_page(client, people, enrolment, who):
    login(client, people[who])
    response = client.get(urls(enrolment)["record"])
    assert response.status_code == (200 if who in SEE else 404)
    if who in SEE:
        page = response.content.decode()
        assert "Court work" in page
        assert ("Ask for study days" in page) == (who == "nqsw")
        assert ('name="agree"' in page) is False  # nothing asked yet


def test_the_record_page_for_a_superuser(client, superuser, enrolment):
    client.force_login(superuser)
    page = client.get(urls(enrolment)["record"]).content.decode()
    assert "Court work" in page and "Ask for study days" not in page


@pytest.mark.parametrize("who", ["pm", "admin"])
def test_the_pm_or_an_admin_offers(client, people, enrolment, who):
    login(client, people[who])
    response = client.post(urls(enrolment)["offer"])
    assert response.status_code == 302
    assert OpportunityRecord.objects.get().offered_by == people[who]


@pytest.mark.parametrize("who", SEE_NOT_MANAGE + OUTSIDERS)
def test_nobody_else_offers(client, people, enrolment, who):
    login(client, people[who])
    response = client.post(urls(enrolment)["offer"])
    assert response.status_code == (403 if who in SEE_NOT_MANAGE else 404)
    assert not OpportunityRecord.objects.exists()


def test_offer_is_post_only(client, people, enrolment):
    login(client, people["pm"])
    assert client.get(urls(enrolment)["offer"]).status_code == 405


def test_a_superuser_offers_only_with_a_staff_profile(client, superuser, enrolment):
    client.force_login(superuser)
    response = client.post(urls(enrolment)["offer"])
    has_profile = hasattr(superuser, "person")
    assert response.status_code == (302 if has_profile else 403)
    assert OpportunityRecord.objects.exists() == has_profile


@pytest.mark.parametrize("who", ["nqsw", "pm", "admin"])
def test_the_nqsw_or_pm_records_done(client, people, enrolment, who):
    login(client, people[who])
    assert client.get(urls(enrolment)["done"]).status_code == 200
    response = client.post(urls(enrolment)["done"], DONE)
    assert response.status_code == 302
    assert OpportunityRecord.objects.get().done_recorded_by == people[who]


@pytest.mark.parametrize("who", SEE_NOT_RECORD + OUTSIDERS)
def test_nobody_else_records_done(client, people, enrolment, who):
    login(client, people[who])
    expected = 403 if who in SEE_NOT_RECORD else 404
    assert client.get(urls(enrolment)["done"]).status_code == expected
    assert client.post(urls(enrolment)["done"], DONE).status_code == expected
    assert not OpportunityRecord.objects.exists()


def test_done_with_a_bad_case_reference_is_shown_on_the_form(client, people, enrolment):
    login(client, people["nqsw"])
    response = client.post(
        urls(enrolment)["done"], {**DONE, "evidence": "allocation", "case_reference": "CP-0001"}
    )
    assert response.status_code == 200
    assert "has no allocation of case CP-0001" in response.content.decode()


def test_an_unknown_opportunity_is_404(client, people, enrolment):
    login(client, people["pm"])
    url = reverse("learning:offer_opportunity", args=[enrolment.pk, 99999])
    assert client.post(url).status_code == 404


def test_only_the_nqsw_asks_for_study_days(client, people, enrolment):
    login(client, people["nqsw"])
    assert client.post(urls(enrolment)["request"], REQUEST).status_code == 302
    assert StudyDayRequest.objects.get().requested_by == people["nqsw"]


@pytest.mark.parametrize("who", ["pm", "gm", "assessor", "chair", "admin", *OUTSIDERS])
def test_nobody_else_asks_for_study_days(client, people, enrolment, who):
    login(client, people[who])
    response = client.post(urls(enrolment)["request"], REQUEST)
    assert response.status_code == (404 if who in OUTSIDERS else 403)
    assert not StudyDayRequest.objects.exists()


def test_a_superuser_never_asks_for_study_days(client, superuser, enrolment):
    client.force_login(superuser)
    assert client.post(urls(enrolment)["request"], REQUEST).status_code == 403


def test_a_request_over_the_entitlement_is_shown_with_the_numbers(client, people, enrolment):
    login(client, people["nqsw"])
    response = client.post(urls(enrolment)["request"], {**REQUEST, "days": "3.5"})
    assert response.status_code == 200
    assert "3 study day(s) for the ASYE" in response.content.decode()
    assert "3.5 asked is 0.5 over" in response.content.decode()


@pytest.mark.parametrize("who", ["pm", "admin"])
def test_the_pm_or_an_admin_decides(client, people, enrolment, who):
    asked = a_request(enrolment)
    login(client, people[who])
    url = reverse("learning:decide_study_days", args=[enrolment.pk, asked.pk])
    assert client.post(url, {"agree": "1"}).status_code == 302
    asked.refresh_from_db()
    assert (asked.status, asked.decided_by) == ("agreed", people[who])


@pytest.mark.parametrize("who", SEE_NOT_MANAGE + OUTSIDERS)
def test_nobody_else_decides(client, people, enrolment, who):
    asked = a_request(enrolment)
    login(client, people[who])
    url = reverse("learning:decide_study_days", args=[enrolment.pk, asked.pk])
    assert client.post(url, {"agree": "1"}).status_code == (403 if who in SEE_NOT_MANAGE else 404)
    asked.refresh_from_db()
    assert asked.status == "requested"


def test_a_request_of_another_enrolment_is_404(client, people, enrolment):
    other = a_request(factories.EnrolmentFactory())
    login(client, people["pm"])
    url = reverse("learning:decide_study_days", args=[enrolment.pk, other.pk])
    assert client.post(url, {"agree": "1"}).status_code == 404


def test_a_superuser_decides_only_with_a_staff_profile(client, superuser, enrolment):
    asked = a_request(enrolment)
    client.force_login(superuser)
    url = reverse("learning:decide_study_days", args=[enrolment.pk, asked.pk])
    response = client.post(url, {"refuse": "1"})
    assert response.status_code == (302 if hasattr(superuser, "person") else 403)


@pytest.fixture
def trainee(people):
    return factories.TraineeEnrolmentFactory(
        practice_group=factories.PracticeGroupFactory(practice_manager=people["pm"])
    )


def test_the_pm_records_a_trainees_figures(client, people, trainee):
    login(client, people["pm"])
    response = client.post(
        urls(trainee)["allowance"], {"academic_year": 2026, "modules": 2, "study_weeks": 4}
    )
    assert response.status_code == 302
    assert StudyAllowance.objects.get().study_weeks == 4


@pytest.mark.parametrize("who", ["gm", "chair", "other_pm"])
def test_nobody_else_records_a_trainees_figures(client, people, trainee, who):
    login(client, people[who])
    response = client.post(
        urls(trainee)["allowance"], {"academic_year": 2026, "modules": 2, "study_weeks": 4}
    )
    assert response.status_code in (403, 404)
    assert not StudyAllowance.objects.exists()


def test_the_trainee_may_not_record_their_own_figures(client, trainee):
    login(client, trainee.person)
    response = client.post(
        urls(trainee)["allowance"], {"academic_year": 2026, "modules": 2, "study_weeks": 4}
    )
    assert response.status_code == 403


def test_an_nqsw_has_no_university_figures(client, people, enrolment):
    login(client, people["pm"])
    response = client.post(
        urls(enrolment)["allowance"], {"academic_year": 2026, "modules": 2, "study_weeks": 4}
    )
    assert response.status_code == 200


@pytest.fixture
def workshop(enrolment):
    return Workshop.objects.create(
        theme=WorkshopTheme.objects.get(number=1),
        cohort=enrolment.cohort,
        held_on=date(2026, 11, 10),
    )


RECORD_WORKSHOPS = ["pm", "admin", "ld_officer"]


@pytest.fixture
def ld_officer(people):
    people["ld_officer"] = factories.PersonFactory(role=Person.Role.LD_OFFICER)
    return people["ld_officer"]


@pytest.mark.parametrize("who", RECORD_WORKSHOPS + ["nqsw", "gm", "assessor", "chair", *OUTSIDERS])
def test_workshop_attendance(client, people, ld_officer, enrolment, workshop, who):
    login(client, people[who])
    url = reverse("learning:workshop_attendance", args=[enrolment.pk, workshop.pk])
    with time_machine.travel(date(2026, 11, 10)):
        response = client.post(url, {"attended": "yes"})
    expected = 302 if who in RECORD_WORKSHOPS else 404 if who in OUTSIDERS else 403
    assert response.status_code == expected
    assert WorkshopAttendance.objects.exists() == (expected == 302)


def test_workshop_attendance_by_a_superuser(client, superuser, enrolment, workshop):
    client.force_login(superuser)
    url = reverse("learning:workshop_attendance", args=[enrolment.pk, workshop.pk])
    with time_machine.travel(date(2026, 11, 10)):
        response = client.post(url, {"attended": "no"})
    assert response.status_code == (302 if hasattr(superuser, "person") else 403)


def test_a_workshop_of_another_cohort_is_404(client, people, enrolment):
    other = Workshop.objects.create(
        theme=WorkshopTheme.objects.get(number=2),
        cohort=factories.CohortFactory(intake="january", start_date=date(2027, 1, 4)),
        held_on=date(2027, 3, 3),
    )
    login(client, people["pm"])
    url = reverse("learning:workshop_attendance", args=[enrolment.pk, other.pk])
    assert client.post(url, {"attended": "yes"}).status_code == 404


@pytest.mark.parametrize("who", ["nqsw", "pm", "ld_officer", "gm", "chair", *OUTSIDERS])
def test_credits_submitted(client, people, ld_officer, enrolment, who):
    login(client, people[who])
    url = reverse("learning:workshop_credits", args=[enrolment.pk])
    response = client.post(url, {"state": "submitted", "on": "2027-03-01"})
    allowed_to = who in ("nqsw", "pm", "ld_officer")
    assert response.status_code == (302 if allowed_to else 404 if who in OUTSIDERS else 403)
    assert WorkshopCredits.objects.exists() == allowed_to


def test_the_nqsw_may_not_award_their_own_credits(client, people, enrolment):
    login(client, people["nqsw"])
    url = reverse("learning:workshop_credits", args=[enrolment.pk])
    client.post(url, {"state": "submitted", "on": "2027-03-01"})
    assert client.post(url, {"state": "awarded", "on": "2027-03-02"}).status_code == 403
    login(client, people["pm"])
    assert client.post(url, {"state": "awarded", "on": "2027-03-02"}).status_code == 302
    assert WorkshopCredits.objects.get().state == "awarded"


def test_credits_by_a_superuser(client, superuser, enrolment):
    client.force_login(superuser)
    url = reverse("learning:workshop_credits", args=[enrolment.pk])
    response = client.post(url, {"state": "submitted", "on": "2027-03-01"})
    assert response.status_code == (302 if hasattr(superuser, "person") else 403)


TIME = {"kind": "", "on": "2026-09-14", "hours": "2", "what": "Court skills course"}


@pytest.mark.parametrize("who", SEE + OUTSIDERS)
def test_learning_time(client, people, enrolment, who):
    data = {**TIME, "kind": LearningTimeKind.objects.get(code="training").pk}
    with time_machine.travel(date(2026, 9, 15)):
        login(client, people[who])
        response = client.post(reverse("learning:learning_time", args=[enrolment.pk]), data)
    may = who in ("nqsw", "pm", "admin")
    assert response.status_code == (302 if may else 404 if who in OUTSIDERS else 403)
    assert LearningTime.objects.exists() == may


def test_learning_time_by_a_superuser(client, superuser, enrolment):
    data = {**TIME, "kind": LearningTimeKind.objects.get(code="training").pk}
    with time_machine.travel(date(2026, 9, 15)):
        client.force_login(superuser)
        response = client.post(reverse("learning:learning_time", args=[enrolment.pk]), data)
    assert response.status_code == (302 if hasattr(superuser, "person") else 403)


def test_learning_time_in_the_future_is_shown_on_the_form(client, people, enrolment):
    data = {**TIME, "kind": LearningTimeKind.objects.get(code="training").pk, "on": "2026-09-20"}
    with time_machine.travel(date(2026, 9, 15)):
        login(client, people["nqsw"])
        response = client.post(reverse("learning:learning_time", args=[enrolment.pk]), data)
    assert response.status_code == 200
    assert "record time once it is spent" in response.content.decode()
