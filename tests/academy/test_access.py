"""Who may see and change what (academy/access.py, cohorts/access.py), for every
Foundation view and role."""

from datetime import date

import pytest
from django.urls import reverse

from academy import access
from academy.models import Person, PracticeGroup
from cohorts.access import person_filter
from cohorts.models import Enrolment
from tests import factories

pytestmark = pytest.mark.django_db

# Who sees the enrolment in the `people` fixture (architecture note, "Who sees what").
SEES_ENROLMENT = {
    "nqsw": True,
    "pm": True,
    "gm": True,
    "assessor": True,
    "chair": True,
    "admin": True,
    "other_nqsw": False,
    "other_pm": False,
    "other_gm": False,
    "other_assessor": False,
    "grade10": False,
}


def login(client, person):
    client.force_login(person.user)
    return client


@pytest.mark.parametrize("who, sees", SEES_ENROLMENT.items())
def test_enrolment_visible_to(people, enrolment, who, sees):
    user = people[who].user
    assert Enrolment.objects.visible_to(user).filter(pk=enrolment.pk).exists() is sees
    assert user.has_perm("cohorts.view_enrolment", enrolment) is sees


@pytest.mark.parametrize("who, sees", SEES_ENROLMENT.items())
def test_enrolment_detail_page(client, people, enrolment, who, sees):
    response = login(client, people[who]).get(
        reverse("cohorts:enrolment_detail", args=[enrolment.pk])
    )
    # Outsiders get 404, not 403: they may not learn the enrolment exists.
    assert response.status_code == (200 if sees else 404)
    if sees:
        assert enrolment.person.full_name in response.text


@pytest.mark.parametrize("who, sees", SEES_ENROLMENT.items())
def test_enrolment_list_shows_only_visible(client, people, enrolment, who, sees):
    response = login(client, people[who]).get(reverse("cohorts:enrolment_list"))
    assert response.status_code == 200
    assert (enrolment.person.full_name in response.text) is sees


def test_enrolment_list_filters(client, people, enrolment):
    login(client, people["chair"])
    url = reverse("cohorts:enrolment_list")
    cla = factories.service("CLA")
    response = client.get(url, {"service": cla.pk})
    assert enrolment.person.full_name not in response.text
    assert people["other_nqsw"].full_name in response.text
    response = client.get(url, {"name": enrolment.person.full_name[:5]})
    assert enrolment.person.full_name in response.text


def test_group_manager_sees_their_whole_service(people, enrolment):
    gm = people["gm"]
    another_cai_group = factories.PracticeGroupFactory(name="Horsham CA&I")
    elsewhere = factories.EnrolmentFactory(practice_group=another_cai_group)
    visible = Enrolment.objects.visible_to(gm.user)
    assert set(visible) == {enrolment, elsewhere}


def test_anonymous_sees_nothing_and_is_sent_to_login(client, enrolment):
    from django.contrib.auth.models import AnonymousUser

    assert not Enrolment.objects.visible_to(AnonymousUser()).exists()
    for url in [
        reverse("home"),
        reverse("cohorts:enrolment_list"),
        reverse("cohorts:enrolment_detail", args=[enrolment.pk]),
        reverse("cohorts:record_extension", args=[enrolment.pk]),
        reverse("cohorts:import_people"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_user_without_a_profile_sees_nothing(client, enrolment):
    user = factories.UserFactory()
    assert not Enrolment.objects.visible_to(user).exists()
    client.force_login(user)
    response = client.get(reverse("home"))
    assert "No staff profile" in response.text
    assert client.get(reverse("cohorts:enrolment_detail", args=[enrolment.pk])).status_code == 404


def test_people_and_groups_visible_to(people, enrolment):
    pm = people["pm"].user
    assert set(Person.objects.filter(person_filter(pm))) == {people["pm"], people["nqsw"]}
    assert list(PracticeGroup.objects.visible_to(pm)) == [enrolment.practice_group]
    assert Person.objects.filter(person_filter(people["chair"].user)).count() == (
        Person.objects.count()
    )
    assert not PracticeGroup.objects.visible_to(people["other_nqsw"].user).exists()


# Recording an extension: the worker's own PM or an administrator; others who can see the
# enrolment get 403, outsiders 404.
EXTENSION_ACCESS = {
    "pm": 200,
    "admin": 200,
    "nqsw": 403,
    "gm": 403,
    "assessor": 403,
    "chair": 403,
    "other_pm": 404,
    "other_nqsw": 404,
    "grade10": 404,
}


@pytest.mark.parametrize("who, status", EXTENSION_ACCESS.items())
def test_record_extension_access(client, people, enrolment, who, status):
    url = reverse("cohorts:record_extension", args=[enrolment.pk])
    login(client, people[who])
    assert client.get(url).status_code == status
    response = client.post(
        url,
        {"reason": "maternity", "first_day": "2027-01-04", "last_day": "2027-06-30"},
    )
    assert response.status_code == (302 if status == 200 else status)
    assert enrolment.extensions.exists() is (status == 200)


def test_record_extension_refuses_a_short_absence_with_the_rule(client, people, enrolment):
    url = reverse("cohorts:record_extension", args=[enrolment.pk])
    login(client, people["pm"])
    response = client.post(
        url, {"reason": "sickness", "first_day": "2026-11-02", "last_day": "2026-11-20"}
    )
    assert response.status_code == 200
    assert "EXT-1" in response.text and "19 days" in response.text
    assert not enrolment.extensions.exists()


def test_record_extension_moves_the_end_date(client, people, enrolment):
    url = reverse("cohorts:record_extension", args=[enrolment.pk])
    login(client, people["pm"])
    response = client.post(
        url,
        {"reason": "sickness", "first_day": "2026-11-02", "last_day": "2027-01-01"},
        follow=True,
    )
    assert "ends on 31/10/2027" in response.text
    extension = enrolment.extensions.get()
    assert (extension.months, extension.approved_by) == (2, people["pm"])


def test_record_extension_rejects_other_methods(client, people, enrolment):
    login(client, people["pm"])
    url = reverse("cohorts:record_extension", args=[enrolment.pk])
    assert client.put(url).status_code == 405


def test_helpers_name_every_role(people):
    assert access.sees_every_cohort(people["chair"].user)
    assert access.is_administrator(people["admin"].user)
    assert not access.sees_every_cohort(people["pm"].user)
    superuser = factories.UserFactory(is_superuser=True)
    assert access.is_administrator(superuser)
    assert access.person_of(superuser) is None


def test_finished_enrolments_stay_visible_but_leave_the_home_page(client, people, enrolment):
    enrolment.status = Enrolment.Status.PASSED
    enrolment.end_date = date(2027, 8, 31)
    enrolment.save()
    login(client, people["pm"])
    assert enrolment.person.full_name not in client.get(reverse("home")).text
    detail = client.get(reverse("cohorts:enrolment_detail", args=[enrolment.pk]))
    assert detail.status_code == 200
