"""The ASWP workflows through aswp.services, each rule at its boundary (issue 13)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from academy.models import Person
from aswp import services
from aswp.models import AswpPolicy, Decision, Stage
from tests import factories
from tests.aswp.conftest import TEXT, complete_steps, in_assessment, open_round, submitted


def message(excinfo) -> str:
    return " ".join(excinfo.value.messages)


def test_seeded_policy_is_seven_places_twelve_weeks_one_colleague(db, today):
    policy = AswpPolicy.in_force(today)
    assert (policy.places, policy.assessment_weeks, policy.min_colleague_interviews) == (7, 12, 1)


def test_a_draft_is_saved_incomplete_and_submitted_once_complete(cast, round_, today):
    draft = services.save_application(
        round=round_, applicant=cast["applicant"], experience="Ten years", today=today
    )
    assert draft.stage == Stage.DRAFT
    with pytest.raises(ValidationError) as excinfo:
        services.save_application(
            round=round_, applicant=cast["applicant"], submit=True, today=today
        )
    assert set(excinfo.value.error_dict) == {"practice_reflection", "advanced_evidence"}
    done = services.save_application(
        round=round_, applicant=cast["applicant"], submit=True, today=today, **TEXT
    )
    assert done.pk == draft.pk and done.stage == Stage.AWAITING_STATEMENT
    with pytest.raises(ValidationError, match="submitted"):
        services.save_application(
            round=round_, applicant=cast["applicant"], experience="x", today=today
        )


def test_no_submission_after_the_closing_date(cast, round_, today):
    services.save_application(round=round_, applicant=cast["applicant"], today=today, **TEXT)
    with pytest.raises(ValidationError, match="closed"):
        services.save_application(
            round=round_,
            applicant=cast["applicant"],
            submit=True,
            today=round_.closes_on + timedelta(days=1),
        )


@pytest.mark.parametrize("role", ["nqsw", "trainee", "practice_manager", "group_manager", "aswp"])
def test_only_experienced_social_workers_apply(cast, round_, today, role):
    person = factories.PersonFactory(role=role, swe_registration="")
    with pytest.raises(ValidationError) as excinfo:
        services.save_application(round=round_, applicant=person, today=today, **TEXT)
    assert "ASWP-PATHWAY: the route is for experienced social workers" in message(excinfo)


@pytest.mark.parametrize("role", ["grade10", "social_worker"])
def test_grade10_and_social_workers_apply(cast, round_, today, role):
    person = factories.PersonFactory(role=role)
    assert services.save_application(round=round_, applicant=person, today=today, **TEXT).pk


@pytest.mark.parametrize("writer", ["pm", "gm"])
def test_the_statement_is_written_by_the_applicants_pm_or_gm(cast, round_, today, writer):
    application = submitted(round_, cast["applicant"], cast[writer], today)
    assert application.statement_by == cast[writer]
    assert application.stage == Stage.AWAITING_ASSESSMENT


@pytest.mark.parametrize("writer", ["other_pm", "psw", "applicant", "panel"])
def test_nobody_else_writes_the_statement(cast, round_, today, writer):
    application = services.save_application(
        round=round_, applicant=cast["applicant"], submit=True, today=today, **TEXT
    )
    with pytest.raises(ValidationError, match="manager writes the supporting statement"):
        services.write_statement(application=application, statement="Yes", by=cast[writer])


def test_interview_first_shortlists_with_panel_and_reasons(cast, today):
    round_ = open_round(cast, today, interview_first=True)
    application = submitted(round_, cast["applicant"], cast["pm"], today)
    assert application.stage == Stage.AWAITING_INTERVIEW
    with pytest.raises(ValidationError, match="shortlisting"):
        services.start_assessment(application=application, starts_on=today, by=cast["panel"])
    with pytest.raises(ValidationError, match="panel and reasons"):
        services.record_shortlisting(
            application=application, shortlisted=True, panel="", reasons="", by=cast["panel"]
        )
    services.record_shortlisting(
        application=application,
        shortlisted=True,
        panel="Director, two heads of service",
        reasons="Strong evidence.",
        by=cast["panel"],
    )
    assert application.stage == Stage.AWAITING_ASSESSMENT


def test_a_decision_without_the_colleague_interview_is_refused(cast, round_, today):
    application = in_assessment(round_, cast["applicant"], cast["pm"], today)
    for kind in ("observation", "applicant", "manager"):
        services.record_step(
            application=application, kind=kind, held_on=today, seen="x", notes="", by=cast["panel"]
        )
    with pytest.raises(ValidationError) as excinfo:
        services.decide(
            application=application,
            outcome="not_appointed",
            reasons="r",
            panel="p",
            appointed_from=None,
            by=cast["panel"],
        )
    assert "ASWP-PATHWAY" in message(excinfo) and "people they work with" in message(excinfo)
    assert not Decision.objects.exists()


def test_an_appointment_makes_the_person_an_aswp_in_their_history(cast, round_, today):
    application = in_assessment(round_, cast["applicant"], cast["pm"], today)
    complete_steps(application, cast["panel"], today)
    decision = services.decide(
        application=application,
        outcome="appointed",
        reasons="Excellent practice.",
        panel="PSW, two heads of service",
        appointed_from=today + timedelta(days=7),
        by=cast["panel"],
        today=today,
    )
    person = Person.objects.get(pk=cast["applicant"].pk)
    assert person.role == Person.Role.ASWP
    latest = person.history.first()
    assert latest.role == Person.Role.ASWP
    assert f"ASWP from {decision.appointed_from:%d/%m/%Y}" in latest.history_change_reason
    application.refresh_from_db()
    assert application.stage == Stage.APPOINTED


def test_the_eighth_appointment_with_seven_places_is_refused(cast, round_, today):
    for _ in range(6):
        factories.PersonFactory(role=Person.Role.ASWP)  # with cast["aswp"]: 7 held
    application = in_assessment(round_, cast["applicant"], cast["pm"], today)
    complete_steps(application, cast["panel"], today)
    with pytest.raises(ValidationError) as excinfo:
        services.decide(
            application=application,
            outcome="appointed",
            reasons="r",
            panel="p",
            appointed_from=today,
            by=cast["panel"],
        )
    assert message(excinfo) == (
        f"ASWP-PLACES: there are 7 ASWP places and 7 are held, so appointing "
        f"{cast['applicant'].full_name} would make 8."
    )
    assert Person.objects.get(pk=cast["applicant"].pk).role == Person.Role.SOCIAL_WORKER
    assert not Decision.objects.exists()


def test_the_seventh_appointment_fills_the_last_place(cast, round_, today):
    for _ in range(5):
        factories.PersonFactory(role=Person.Role.ASWP)  # 6 held
    application = in_assessment(round_, cast["applicant"], cast["pm"], today)
    complete_steps(application, cast["panel"], today)
    services.decide(
        application=application,
        outcome="appointed",
        reasons="r",
        panel="p",
        appointed_from=today,
        by=cast["panel"],
    )
    assert services.aswps_in_post().count() == 7


def test_more_places_from_a_date(cast, today):
    services.set_places(places=8, effective_from=today, by=cast["psw"])
    assert AswpPolicy.in_force(today).places == 8
    assert AswpPolicy.in_force(today - timedelta(days=1)).places == 7


def test_a_signed_decision_is_never_updated(cast, round_, today):
    application = in_assessment(round_, cast["applicant"], cast["pm"], today)
    complete_steps(application, cast["panel"], today)
    decision = services.decide(
        application=application,
        outcome="not_appointed",
        reasons="Not yet.",
        panel="p",
        appointed_from=None,
        by=cast["panel"],
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(reasons="Changed")
    with pytest.raises(ValidationError, match="already decided"):
        services.decide(
            application=application,
            outcome="not_appointed",
            reasons="Again",
            panel="p",
            appointed_from=None,
            by=cast["panel"],
        )


def test_day_84_is_on_time_and_day_85_is_flagged(cast, round_, today):
    application = in_assessment(
        round_, cast["applicant"], cast["pm"], today, starts_on=today - timedelta(days=85)
    )
    complete_steps(application, cast["panel"], today)
    late = services.assessment_findings(application, today)
    assert [f.rule for f in late] == ["ASWP-PATHWAY"] and "day 85" in late[0].message
    assert services.assessment_findings(application, today - timedelta(days=1)) == []


def test_steps_before_the_start_are_refused(cast, round_, today):
    application = in_assessment(round_, cast["applicant"], cast["pm"], today)
    with pytest.raises(ValidationError, match="the assessment began"):
        services.record_step(
            application=application,
            kind="observation",
            held_on=today - timedelta(days=1),
            seen="x",
            notes="",
            by=cast["panel"],
        )


def test_consultations_are_recorded_by_aswps_with_a_case_reference(cast, today):
    consultation = services.record_consultation(
        aswp=cast["aswp"], held_on=today, colleague=cast["nqsw"], case_reference="cp-1234"
    )
    assert consultation.case_reference == "CP-1234"
    with pytest.raises(ValidationError, match="recorded by ASWPs"):
        services.record_consultation(
            aswp=cast["colleague"], held_on=today, colleague=cast["nqsw"], case_reference="CP-1"
        )
    with pytest.raises(ValidationError):
        services.record_consultation(
            aswp=cast["aswp"], held_on=today, colleague=cast["nqsw"], case_reference="Jo Bloggs"
        )


def test_the_named_supervisor_is_a_service_manager(cast, today):
    named = services.name_supervisor(
        aswp=cast["aswp"], supervisor=cast["gm"], from_date=today, by=cast["psw"]
    )
    assert named.supervisor == cast["gm"]
    with pytest.raises(ValidationError, match="ASWP-ROLE"):
        services.name_supervisor(
            aswp=cast["aswp"], supervisor=cast["pm"], from_date=today, by=cast["psw"]
        )


def test_the_peer_support_group_takes_a_register_of_aswps(cast, today):
    other = factories.PersonFactory(role=Person.Role.ASWP)
    session = services.record_peer_session(
        held_on=today,
        topic="Complex cases",
        attendance=[(cast["aswp"], True), (other, False)],
        by=cast["aswp"],
    )
    assert [(a.aswp, a.attended) for a in session.attendances.order_by("pk")] == [
        (cast["aswp"], True),
        (other, False),
    ]
    with pytest.raises(ValidationError, match="for ASWPs"):
        services.record_peer_session(
            held_on=today, topic="x", attendance=[(cast["pm"], True)], by=cast["psw"]
        )
