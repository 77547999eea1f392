"""Writing the portfolio: validation, derived facts, signed-off records never edited in place."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction

from academy.models import Person
from assessment import portfolio, services
from assessment.models import (
    DirectObservation,
    Framework,
    FrameworkElement,
    Recommendation,
    Review,
    SupportAgreement,
)
from cohorts import services as cohorts_services
from tests import factories
from tests.assessment import factories as af

pytestmark = pytest.mark.django_db


def facts(enrolment):
    from cohorts.models import Enrolment

    fresh = Enrolment.objects.for_listing().get(pk=enrolment.pk)
    return portfolio.facts_for([fresh])[enrolment.pk]


# --- Observations and ASSESSOR-INDEPENDENT --------------------------------------------------


def test_the_assessor_and_the_pm_make_the_three_observations(people, enrolment):
    af.ObservationFactory(enrolment=enrolment, observed_on=date(2026, 9, 20))
    af.ObservationFactory(enrolment=enrolment, observed_on=date(2026, 10, 20))
    assert facts(enrolment).observations_by_assessor == (True, True)
    af.ObservationFactory(enrolment=enrolment, observer=people["pm"], observed_on=date(2026, 11, 2))
    assert facts(enrolment).observations_by_assessor == (True, True, False)
    assert not [
        f for f in portfolio.checks.evaluate(facts(enrolment), None) if f.rule == "OBS-THREE"
    ]


def test_an_nqsw_cannot_observe_themselves(people, enrolment):
    with pytest.raises(ValidationError, match="OBS-THREE"):
        af.ObservationFactory(enrolment=enrolment, observer=people["nqsw"])


@pytest.mark.parametrize("reference", ["cp-1", "AB", "Jane Smith", "A" * 21, "CP-1\n"])
def test_an_observation_names_a_case_by_its_reference_only(enrolment, reference):
    with pytest.raises(ValidationError, match="case reference"):
        af.ObservationFactory(enrolment=enrolment, case_reference=reference)


def test_the_database_refuses_a_bad_case_reference_too(people, enrolment):
    observation = af.ObservationFactory(enrolment=enrolment)
    with pytest.raises(IntegrityError), transaction.atomic():
        DirectObservation.objects.filter(pk=observation.pk).update(case_reference="jane smith")


def test_evidence_is_dated_within_the_asye_and_not_in_the_future(enrolment):
    with pytest.raises(ValidationError, match="before the ASYE"):
        af.ObservationFactory(enrolment=enrolment, observed_on=date(2026, 8, 31))
    with pytest.raises(ValidationError, match="future"):
        af.LogFactory(enrolment=enrolment, written_on=date.today() + timedelta(days=1))


def test_a_changed_assessor_keeps_the_earlier_observations_as_the_assessors(people, enrolment):
    """Whether the observer was the assessor is derived from the enrolment on the day."""
    first = af.ObservationFactory(enrolment=enrolment, observed_on=date(2026, 9, 20))
    new_assessor = factories.PersonFactory(role=Person.Role.ASSESSOR)
    cohorts_services.change_assessor(enrolment=enrolment, assessor=new_assessor)
    # The change is recorded today, after the observation's day.
    timeline = portfolio._timelines([enrolment.pk])[enrolment.pk]
    assert (
        portfolio.assessor_on(timeline, first.observed_on, new_assessor.pk) == people["assessor"].pk
    )
    assert portfolio.assessor_on(timeline, date.today(), new_assessor.pk) == new_assessor.pk


def test_assessor_independent_holds_when_the_assessor_changes(people, enrolment):
    with pytest.raises(ValidationError, match="ASSESSOR-INDEPENDENT"):
        cohorts_services.change_assessor(enrolment=enrolment, assessor=people["pm"])
    enrolment.refresh_from_db()
    assert enrolment.assessor == people["assessor"]


def test_only_the_assessor_signs_and_assesses(people, enrolment):
    work = af.WrittenWorkFactory(enrolment=enrolment, completed_on=date(2026, 10, 1))
    with pytest.raises(ValidationError, match="Only the NQSW's assessor"):
        services.assess_written_work(work=work, assessor=people["pm"], comments="Fine.")
    with pytest.raises(ValidationError, match="Only the NQSW's assessor"):
        af.AgreementFactory(enrolment=enrolment, by=people["pm"])


def test_signing_rechecks_assessor_independence(people, enrolment):
    # Data that slipped past validation (the assessor became the group's PM).
    group = enrolment.practice_group
    group.practice_manager = people["assessor"]
    group.save()
    enrolment.refresh_from_db()
    with pytest.raises(ValidationError, match="ASSESSOR-INDEPENDENT"):
        af.AgreementFactory(enrolment=enrolment)


# --- Evidence mapping (EVIDENCE) ------------------------------------------------------------


def test_evidence_maps_only_to_frameworks_in_force(enrolment):
    other = Framework.objects.create(
        code="OLD",
        kind="standard",
        name="Old",
        version="1",
        source="t",
        in_force_until=date(2020, 1, 1),
    )
    stray = FrameworkElement.objects.create(framework=other, number=1, title="x", statement="y")
    log = af.LogFactory(enrolment=enrolment, written_on=date(2026, 10, 1))
    with pytest.raises(ValidationError, match="EVIDENCE"):
        services.map_evidence(record=log, elements=[stray])
    services.map_evidence(record=log, elements=af.elements("KSS", 9, 10))
    assert sorted(e.number for e in log.elements.all()) == [9, 10]
    # The mapping keeps its history.
    assert log.history.count() >= 2


# --- Self-assessments (NAT-SELF) ------------------------------------------------------------


def test_a_self_assessment_rates_every_statement_of_the_standard(enrolment):
    kss = Framework.objects.get(code="KSS")
    some = {e: (3, "") for e in kss.elements.all()[:9]}
    with pytest.raises(ValidationError, match="rate every one of the 10 statements"):
        services.complete_self_assessment(
            enrolment=enrolment,
            by=enrolment.person,
            stage="start",
            completed_on=date(2026, 9, 10),
            ratings=some,
        )
    done = af.self_assessment(enrolment, "start", date(2026, 9, 10))
    assert done.ratings.count() == 10 and done.framework == kss
    again = af.self_assessment(enrolment, "start", date(2026, 9, 12), rating=4)
    assert again.pk == done.pk and {r.rating for r in again.ratings.all()} == {4}
    assert facts(enrolment).self_assessments == {"start"}


# --- Signed-off versions --------------------------------------------------------------------


def test_a_draft_is_edited_in_place_until_it_is_signed_off(enrolment):
    draft = af.AgreementFactory(enrolment=enrolment, sign_off=False)
    edited = af.AgreementFactory(
        enrolment=enrolment, sign_off=False, protected_time="Friday afternoons."
    )
    assert (edited.pk, edited.version) == (draft.pk, 1)
    signed = af.AgreementFactory(enrolment=enrolment, protected_time="Friday afternoons.")
    assert signed.pk == draft.pk and signed.is_signed_off
    assert SupportAgreement.objects.filter(enrolment=enrolment).count() == 1


def test_changing_a_signed_off_review_records_a_new_version(people, enrolment):
    first = af.ReviewFactory(enrolment=enrolment, held_on=date(2026, 11, 20))
    with pytest.raises(ValidationError, match="say why"):
        af.ReviewFactory(enrolment=enrolment, held_on=date(2026, 11, 20), progress="Changed.")
    second = services.save_review(
        enrolment=enrolment,
        by=people["assessor"],
        kind=Review.Kind.THREE_MONTHS,
        sign_off=True,
        change_reason="The NQSW's comments were left out.",
        held_on=date(2026, 11, 20),
        progress=first.progress,
        nqsw_comments="I agree with the review.",
        elements=af.elements("PCF", 1, 2, 3),
    )
    assert (second.version, second.pk != first.pk) == (2, True)
    first.refresh_from_db()
    assert first.nqsw_comments == "" and first.is_signed_off  # untouched
    current = Review.objects.filter(enrolment=enrolment, kind="three_months").latest("version")
    assert current == second
    assert sorted(e.number for e in second.elements.all()) == [1, 2, 3]


def test_an_unchanged_resubmission_is_refused(enrolment):
    review = af.ReviewFactory(enrolment=enrolment, held_on=date(2026, 11, 20))
    with pytest.raises(ValidationError, match="Nothing has changed"):
        services.save_review(
            enrolment=enrolment,
            by=enrolment.assessor,
            kind=review.kind,
            change_reason="No reason",
            held_on=review.held_on,
            progress=review.progress,
            nqsw_comments="",
            next_steps="",
            elements=review.elements.all(),
        )


def test_a_signed_off_row_cannot_be_edited_in_place_by_validation(enrolment):
    review = af.ReviewFactory(enrolment=enrolment, held_on=date(2026, 11, 20))
    review.progress = "Rewritten quietly."
    with pytest.raises(ValidationError, match="signed off and cannot be changed"):
        review.full_clean()


@pytest.mark.parametrize("model", [SupportAgreement, Review, Recommendation])
def test_the_database_refuses_to_update_a_signed_off_row(enrolment, model):
    af.AgreementFactory(enrolment=enrolment)
    af.ReviewFactory(enrolment=enrolment, kind="final", held_on=date(2026, 11, 20))
    af.RecommendationFactory(enrolment=enrolment)
    row = model.objects.get(enrolment=enrolment)
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        model.objects.filter(pk=row.pk).update(change_reason="tampered")
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        row.save()


def test_the_database_numbers_versions_once(enrolment):
    af.ReviewFactory(enrolment=enrolment, held_on=date(2026, 11, 20))
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(
            enrolment=enrolment,
            kind="three_months",
            version=1,
            held_on=date(2026, 11, 20),
            progress="x",
            recorded_by=enrolment.assessor,
        )
    # A second version needs its reason.
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(
            enrolment=enrolment,
            kind="three_months",
            version=2,
            held_on=date(2026, 11, 20),
            progress="x",
            recorded_by=enrolment.assessor,
        )


def test_one_draft_at_a_time(enrolment):
    af.ReviewFactory(enrolment=enrolment, sign_off=False, held_on=date(2026, 11, 20))
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(
            enrolment=enrolment,
            kind="three_months",
            version=2,
            change_reason="second draft",
            held_on=date(2026, 11, 20),
            progress="x",
            recorded_by=enrolment.assessor,
        )


def test_the_recommendation_waits_for_the_final_review_and_is_versioned(enrolment):
    with pytest.raises(ValidationError, match="sign off the final review first"):
        af.RecommendationFactory(enrolment=enrolment)
    af.ReviewFactory(enrolment=enrolment, kind="final", held_on=date(2026, 11, 20))
    passed = af.RecommendationFactory(enrolment=enrolment)
    failed = services.save_recommendation(
        enrolment=enrolment,
        by=enrolment.assessor,
        sign_off=True,
        change_reason="The PiP outcome came in (CAPABILITY).",
        outcome=Recommendation.Outcome.FAIL,
        rationale="Capability concerns were not resolved.",
    )
    assert (passed.version, failed.version) == (1, 2)
    passed.refresh_from_db()
    assert passed.outcome == "pass"
    assert facts(enrolment).recommendation == "fail"


def test_nat_outcome_only_pass_or_fail(enrolment):
    af.ReviewFactory(enrolment=enrolment, kind="final", held_on=date(2026, 11, 20))
    with pytest.raises(ValidationError):
        af.RecommendationFactory(enrolment=enrolment, outcome="deferred")


def test_the_agreement_keeps_its_reviews_in_order(enrolment):
    with pytest.raises(ValidationError, match="in order"):
        af.AgreementFactory(enrolment=enrolment, six_month_review_on=date(2026, 11, 1))


# --- Facts for the checks -------------------------------------------------------------------


def test_facts_for_a_complete_portfolio_meet_every_minimum():
    enrolment = af.complete_portfolio(af.past_enrolment(), copies=3)
    found = portfolio.checks.evaluate(facts(enrolment), date(2027, 9, 1))
    assert found == []


def test_facts_count_only_the_current_review_versions_for_evidence(enrolment):
    af.ReviewFactory(
        enrolment=enrolment, held_on=date(2026, 11, 20), elements=af.elements("PCF", 9)
    )
    assert "PCF 9" not in facts(enrolment).uncovered
    services.save_review(
        enrolment=enrolment,
        by=enrolment.assessor,
        kind="three_months",
        change_reason="Mapped wrongly.",
        held_on=date(2026, 11, 20),
        progress="Progressing well against the PCF and the KSS.",
        elements=af.elements("PCF", 8),
    )
    assert "PCF 9" in facts(enrolment).uncovered
