"""NAT-AGREEMENT, REVIEWS (issue 14): the agreement plans every review of the programme. The
ASYE's reviews keep their own fields; a 24-month ECDP's other points (the pilot's 12- and
18-month reviews) are PlannedReview rows, asked by the agreement form, written with each
version, kept in order and shown as planned on the portfolio and its print."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from assessment import pdf, portfolio, services
from assessment.forms import AgreementForm
from assessment.models import PlannedReview, SupportAgreement
from cohorts.models import Cohort, Enrolment, Programme, ProgrammePoint
from tests.assessment.test_access import ROLES, login

pytestmark = pytest.mark.django_db

# (month, label, optional): the demo pilot's points (cohorts/demo.py ECDP_POINTS), and an
# optional 21-month one to show an optional point may stay unplanned.
ECDP_POINTS = [
    (4, "3-month review", False),
    (7, "6-month review", False),
    (13, "12-month review", False),
    (19, "18-month review", False),
    (22, "21-month review", True),
]
AGREEMENT = {
    "agreed_on": "2026-09-15",
    "three_month_review_on": "2026-11-30",
    "six_month_review_on": "2027-02-26",
    "final_review_on": "2028-08-14",
    "panel_on": "2028-09-20",
    "supervision_frequency": "Weekly, then fortnightly.",
    "workload_protection": "Within the caps.",
    "protected_time": "Friday afternoons.",
}
ECDP_AGREEMENT = {
    **AGREEMENT,
    "planned_month_13": "2027-08-27",
    "planned_month_19": "2028-02-25",
}


@pytest.fixture
def ecdp_enrolment(people, enrolment):
    """The `people` fixture's NQSW, on a 24-month ECDP: the same assessor, PM and GM."""
    programme = Programme.objects.create(name="ECDP", length_months=24, pcf_applies=False)
    for month, label, optional in ECDP_POINTS:
        ProgrammePoint.objects.create(
            programme=programme, month=month, label=label, optional=optional
        )
    enrolment.cohort = Cohort.for_start(enrolment.asye_start, programme)
    enrolment.save()
    return enrolment


def _url(enrolment):
    return reverse("assessment:agreement", args=[enrolment.pk])


def _form(client, enrolment):
    return client.get(_url(enrolment)).context["form"]


def _page(client, enrolment):
    return client.get(reverse("assessment:portfolio", args=[enrolment.pk])).text


# --- The form ---------------------------------------------------------------------------------


def test_the_ecdp_agreement_form_asks_for_the_programmes_other_points(
    client, people, ecdp_enrolment
):
    login(client, people["assessor"])
    form = _form(client, ecdp_enrolment)
    assert list(form.fields)[:7] == [
        "agreed_on",
        "three_month_review_on",
        "six_month_review_on",
        "planned_month_13",
        "planned_month_19",
        "planned_month_22",
        "final_review_on",
    ]
    assert "nine_month_review_on" not in form.fields  # the ECDP has no month-10 point
    month_13, month_22 = form.fields["planned_month_13"], form.fields["planned_month_22"]
    assert (month_13.label, month_13.required) == ("12-month review", True)
    assert (month_22.label, month_22.required) == ("21-month review (optional)", False)
    # Like the 3- and 6-month dates, they start from when the reviews are due.
    assert month_13.initial == date(2027, 9, 1)


def test_the_asye_agreement_form_is_unchanged(client, people, enrolment):
    login(client, people["assessor"])
    form = _form(client, enrolment)
    assert list(form.fields) == [
        "agreed_on",
        "three_month_review_on",
        "six_month_review_on",
        "nine_month_review_on",
        "final_review_on",
        "panel_on",
        "supervision_frequency",
        "workload_protection",
        "protected_time",
        "other_support",
    ]


def test_the_assessor_saves_the_ecdp_agreement_and_the_portfolio_shows_the_planned_dates(
    client, people, ecdp_enrolment
):
    login(client, people["assessor"])
    response = client.post(_url(ecdp_enrolment), {**ECDP_AGREEMENT, "action": "sign_off"})
    assert response.status_code == 302, response.context["form"].errors
    agreement = SupportAgreement.objects.get(enrolment=ecdp_enrolment)
    assert agreement.is_signed_off
    assert agreement.planned_dates() == {
        "month_13": date(2027, 8, 27),
        "month_19": date(2028, 2, 25),
    }

    page = _page(client, ecdp_enrolment)
    # The agreement lists every review it plans; the schedule shows them as planned.
    assert "<dt>12-month review</dt><dd>27 August 2027</dd>" in page
    assert "<dt>18-month review</dt><dd>25 February 2028</dd>" in page
    assert "<dt>21-month review</dt><dd>Not planned</dd>" in page
    assert "9-month review" not in page
    assert "<td>27 Aug 2027</td>" in page and "<td>25 Feb 2028</td>" in page

    # The print (PDF) renders the same sections.
    listed = Enrolment.objects.for_listing().get(pk=ecdp_enrolment.pk)
    loaded = portfolio.load(listed)
    [month_13] = [slot for slot in loaded.reviews if slot.key == "month_13"]
    assert month_13.planned == date(2027, 8, 27)


def test_the_pdf_shows_the_planned_dates(client, people, ecdp_enrolment):
    login(client, people["assessor"])
    client.post(_url(ecdp_enrolment), {**ECDP_AGREEMENT, "action": "sign_off"})
    html = pdf.portfolio_html(Enrolment.objects.for_listing().get(pk=ecdp_enrolment.pk))
    assert "<dt>12-month review</dt><dd>27 August 2027</dd>" in html


@pytest.mark.parametrize(
    "changes, field, message",
    [
        (
            {"planned_month_13": "2027-02-01"},
            "planned_month_13",
            "the 12-month review must be later than the 6-month review (26/02/2027)",
        ),
        (
            {"planned_month_19": "2027-08-27"},
            "planned_month_19",
            "the 18-month review must be later than the 12-month review (27/08/2027)",
        ),
        (
            {"planned_month_19": "2028-09-01"},
            "planned_month_19",
            "the 18-month review must be earlier than the final review (14/08/2028)",
        ),
        ({"planned_month_13": ""}, "planned_month_13", "This field is required."),
    ],
)
def test_a_bad_order_is_refused_on_the_points_field(
    client, people, ecdp_enrolment, changes, field, message
):
    login(client, people["assessor"])
    response = client.post(_url(ecdp_enrolment), {**ECDP_AGREEMENT, **changes, "action": "draft"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in errors[field][0]
    assert not SupportAgreement.objects.exists()


@pytest.mark.parametrize("who", ROLES)
def test_only_the_assessor_records_the_ecdp_agreement(client, people, ecdp_enrolment, who):
    login(client, people[who])
    response = client.post(_url(ecdp_enrolment), {**ECDP_AGREEMENT, "action": "draft"})
    assert (response.status_code == 302) == (who == "assessor"), who
    assert SupportAgreement.objects.exists() == (who == "assessor")


def test_a_superuser_does_not_record_the_ecdp_agreement(client, superuser, ecdp_enrolment):
    client.force_login(superuser)
    response = client.post(_url(ecdp_enrolment), {**ECDP_AGREEMENT, "action": "draft"})
    assert response.status_code in (403, 404)
    assert not PlannedReview.objects.exists()


# --- The service: versions keep their own dates -----------------------------------------------


def _values(**changes):
    values = {k: v for k, v in AGREEMENT.items()}
    values = {
        **{k: date.fromisoformat(v) for k, v in values.items() if k.endswith("_on")},
        **{k: v for k, v in values.items() if not k.endswith("_on")},
    }
    return {**values, **changes}


PLANNED = {"month_13": date(2027, 8, 27), "month_19": date(2028, 2, 25)}


def test_each_version_keeps_its_own_planned_dates(ecdp_enrolment):
    by = ecdp_enrolment.assessor
    first = services.save_agreement(
        enrolment=ecdp_enrolment, by=by, sign_off=True, planned=PLANNED, **_values()
    )
    with pytest.raises(ValidationError, match="Nothing has changed"):
        services.save_agreement(
            enrolment=ecdp_enrolment,
            by=by,
            change_reason="Same.",
            planned=PLANNED,
            **_values(),
        )
    # Only a planned date moves: that is a change, recorded as a new version.
    moved = {**PLANNED, "month_19": date(2028, 3, 3)}
    second = services.save_agreement(
        enrolment=ecdp_enrolment,
        by=by,
        change_reason="The 18-month review moved.",
        planned=moved,
        **_values(),
    )
    assert second.version == 2
    first.refresh_from_db()
    assert first.planned_dates() == PLANNED
    assert second.planned_dates() == moved
    # Saving the draft again changes its rows, not a new version's.
    services.save_agreement(
        enrolment=ecdp_enrolment,
        by=by,
        change_reason="The 18-month review moved.",
        planned={**moved, "month_22": date(2028, 5, 26)},
        **_values(),
    )
    assert second.planned_dates() == {**moved, "month_22": date(2028, 5, 26)}
    assert PlannedReview.objects.count() == 5


def test_the_service_refuses_a_bad_order_and_writes_nothing(ecdp_enrolment):
    with pytest.raises(ValidationError) as raised:
        services.save_agreement(
            enrolment=ecdp_enrolment,
            by=ecdp_enrolment.assessor,
            planned={"month_13": date(2028, 9, 1), "month_19": date(2028, 2, 25)},
            **_values(),
        )
    assert set(raised.value.message_dict) == {"month_19"}
    with pytest.raises(ValidationError, match="plan the 12-month review"):
        services.save_agreement(
            enrolment=ecdp_enrolment,
            by=ecdp_enrolment.assessor,
            planned={"month_19": date(2028, 2, 25)},
            **_values(),
        )
    assert not SupportAgreement.objects.exists()


def test_the_service_refuses_a_point_the_programme_does_not_have(ecdp_enrolment, enrolment):
    with pytest.raises(TypeError, match="month_16"):
        services.save_agreement(
            enrolment=ecdp_enrolment,
            by=ecdp_enrolment.assessor,
            planned={**PLANNED, "month_16": date(2027, 12, 1)},
            **_values(),
        )


def test_the_asye_agreement_has_no_planned_rows(people):
    asye = Enrolment.objects.exclude(cohort__programme__name="ECDP").first()
    agreement = services.save_agreement(
        enrolment=asye, by=asye.assessor, **_values(final_review_on=date(2027, 8, 13))
    )
    assert agreement.planned_dates() == {}
    assert agreement.planned_on("six_months") == date(2027, 2, 26)


def test_the_database_keeps_one_date_per_point_and_only_other_points(ecdp_enrolment):
    agreement = services.save_agreement(
        enrolment=ecdp_enrolment, by=ecdp_enrolment.assessor, planned=PLANNED, **_values()
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        PlannedReview.objects.create(agreement=agreement, kind="month_13", planned_on=date.today())
    with pytest.raises(IntegrityError), transaction.atomic():
        PlannedReview.objects.create(
            agreement=agreement, kind="six_months", planned_on=date(2027, 3, 1)
        )


def test_the_form_without_points_is_the_plain_model_form():
    assert "nine_month_review_on" in AgreementForm().fields


def test_a_signed_off_agreements_planned_dates_are_frozen_in_the_database(ecdp_enrolment):
    """As the agreement row itself (0004): a change is a new version with its own rows."""
    draft = services.save_agreement(
        enrolment=ecdp_enrolment, by=ecdp_enrolment.assessor, planned=PLANNED, **_values()
    )
    # A draft's dates may still be corrected in place.
    draft.planned_reviews.filter(kind="month_13").update(planned_on=date(2027, 8, 20))
    signed = services.save_agreement(
        enrolment=ecdp_enrolment,
        by=ecdp_enrolment.assessor,
        sign_off=True,
        planned=PLANNED,
        **_values(),
    )
    assert signed.signed_off_at is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        signed.planned_reviews.filter(kind="month_13").update(planned_on=date(2027, 8, 1))
    assert signed.planned_on("month_13") == PLANNED["month_13"]
    # Deleting stays possible (retention), as for the agreement row.
    signed.planned_reviews.all().delete()


def test_a_draft_signed_off_with_a_changed_date_keeps_the_new_date(ecdp_enrolment):
    by = ecdp_enrolment.assessor
    services.save_agreement(enrolment=ecdp_enrolment, by=by, planned=PLANNED, **_values())
    changed = {**PLANNED, "month_13": date(2027, 8, 20)}
    signed = services.save_agreement(
        enrolment=ecdp_enrolment, by=by, sign_off=True, planned=changed, **_values()
    )
    assert signed.version == 1 and signed.signed_off_at is not None
    assert signed.planned_dates() == changed
