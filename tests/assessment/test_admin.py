"""The admin keeps signed-off records (issue 15 item 5): a signed-off review, agreement or
recommendation cannot be deleted there; a draft still can."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.models import PlannedReview, Review, SupportAgreement
from tests.assessment import factories as af

pytestmark = pytest.mark.django_db


def delete_url(row):
    return reverse(f"admin:assessment_{row._meta.model_name}_delete", args=[row.pk])


def test_a_signed_off_review_is_not_deleted_in_the_admin(client, superuser, enrolment):
    review = af.ReviewFactory(enrolment=enrolment, held_on=date(2026, 11, 20))
    client.force_login(superuser)
    assert client.get(delete_url(review)).status_code == 403
    assert client.post(delete_url(review), {"post": "yes"}).status_code == 403
    assert Review.objects.filter(pk=review.pk).exists()


def test_a_signed_off_agreement_and_recommendation_are_not_deleted(client, superuser, enrolment):
    client.force_login(superuser)
    agreement = af.AgreementFactory(enrolment=enrolment)
    af.ReviewFactory(enrolment=enrolment, kind="final", held_on=date(2026, 11, 20))
    for row in [agreement, af.RecommendationFactory(enrolment=enrolment)]:
        assert client.post(delete_url(row), {"post": "yes"}).status_code == 403
        assert type(row).objects.filter(pk=row.pk).exists()


def test_a_draft_review_can_still_be_deleted_in_the_admin(client, superuser, enrolment):
    draft = af.ReviewFactory(enrolment=enrolment, held_on=date(2026, 11, 20), sign_off=False)
    client.force_login(superuser)
    assert client.get(delete_url(draft)).status_code == 200


def test_an_agreements_planned_dates_show_in_the_admin_and_freeze_with_it(
    client, superuser, enrolment
):
    """Issue 14: the ECDP's other points' dates are an inline of the agreement; once it is
    signed off they are read-only there, as the agreement is."""
    draft = af.AgreementFactory(enrolment=enrolment, sign_off=False)
    PlannedReview.objects.create(agreement=draft, kind="month_13", planned_on=date(2027, 8, 27))
    client.force_login(superuser)
    url = reverse("admin:assessment_supportagreement_change", args=[draft.pk])
    page = client.get(url).content.decode()
    assert 'name="planned_reviews-0-planned_on"' in page

    SupportAgreement.objects.filter(pk=draft.pk).update(
        signed_off_at=timezone.now(), signed_off_by=enrolment.assessor
    )
    page = client.get(url).content.decode()
    assert "27 Aug 2027" in page or "Aug. 27, 2027" in page or "27/08/2027" in page
    assert 'name="planned_reviews-0-planned_on"' not in page
