"""A Django superuser is an administrator in the product, nothing more (academy/access.py).

Django's ModelBackend says yes to every permission for an active superuser; the product asks
its rules instead, so a superuser never writes an NQSW's own records or an assessor's
judgements, and is never anyone's PM by accident. Both a bare superuser (made by
createsuperuser, no staff profile) and a superuser with an administrator's profile are
checked.
"""

import pytest
from django.urls import reverse

# The NQSW's own records and the assessor's judgements: nobody else writes them.
NOT_FOR_ADMINISTRATORS = [
    "assessment:log_new",
    "assessment:written_work_new",
    "assessment:agreement",
    "assessment:recommendation",
    "assessment:observation_new",
]


@pytest.mark.parametrize("name", NOT_FOR_ADMINISTRATORS)
def test_a_superuser_may_not_write_an_nqsws_own_or_assessors_records(
    client, superuser, enrolment, name
):
    client.force_login(superuser)
    url = reverse(name, args=[enrolment.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403


def test_a_superuser_may_not_write_an_nqsws_self_assessment_or_feedback(
    client, superuser, enrolment
):
    client.force_login(superuser)
    for url in (
        reverse("assessment:feedback_new", args=[enrolment.pk, "child"]),
        reverse("assessment:review", args=[enrolment.pk, "three_months"]),
    ):
        assert client.post(url, {}).status_code in (403, 404), url


def test_a_superuser_sees_everything_as_an_administrator(client, superuser, enrolment):
    client.force_login(superuser)
    for url in (
        reverse("home"),
        reverse("cohorts:enrolment_list"),
        reverse("cohorts:enrolment_detail", args=[enrolment.pk]),
        reverse("caseloads:board"),
        reverse("supervision:overview"),
        reverse("assessment:portfolio", args=[enrolment.pk]),
        reverse("moderation:panel_list"),
        reverse("cohorts:import_people"),
    ):
        assert client.get(url).status_code == 200, url


def test_a_superuser_records_an_extension_or_a_1to1_only_with_a_staff_profile(
    client, superuser, enrolment
):
    """Decisions are recorded against a member of staff: a bare superuser is told so."""
    client.force_login(superuser)
    bare = not hasattr(superuser, "person")
    for name in ("cohorts:record_extension", "supervision:record_session"):
        response = client.get(reverse(name, args=[enrolment.pk]))
        assert response.status_code == (403 if bare else 200), name
