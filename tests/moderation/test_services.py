"""The moderation workflows, rule by rule: each refusal names its rule and says what to do.

MOD-PANEL, MOD-POINTS, MOD-SUBMIT, MOD-ALLOCATE (more in test_allocation.py), MOD-CHECKLIST,
MOD-FAIL-FULL, MOD-DECISION, NAT-OUTCOME, MOD-FORM, PROGRESSION, MOD-EXTERNAL.
"""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction

from academy.models import Person
from assessment.models import Recommendation
from cohorts.models import Enrolment
from moderation import services
from moderation.models import (
    CODE_PATTERN,
    Decision,
    ModerationForm,
    ModerationRecord,
    Panel,
    PanelMember,
    ProgressionAuthorisation,
    Submission,
    new_code,
)
from moderation.services import Seat
from tests import factories
from tests.assessment import factories as af
from tests.moderation.conftest import (
    COMPLETE_FORM,
    at,
    complete_forms,
    finished_start,
    make_panel,
    member,
    seats,
    today,
)

pytestmark = pytest.mark.django_db


def meeting(panel, hour=14):
    return at(panel.held_on, hour)


def decide(submission, crew, verdict="verified", sign_off=True, **kwargs):
    return services.record_decision(
        submission=submission,
        by=crew["chair"],
        verdict=verdict,
        reasons=kwargs.pop("reasons", "The evidence supports the assessor."),
        sign_off=sign_off,
        at=kwargs.pop("at", meeting(submission.panel)),
        **kwargs,
    )


# --- MOD-PANEL --------------------------------------------------------------------------------


def test_a_panel_is_set_up_with_its_members_and_deadline(crew):
    panel = make_panel(crew, held_on=today() + timedelta(days=30))
    assert panel.submissions_due_on == panel.held_on - timedelta(days=14)
    roles = sorted(panel.members.values_list("role", flat=True))
    assert roles == sorted(
        [
            "chair",
            "deputy_chair",
            "ld_officer",
            "sdl_adults",
            "group_manager",
            "service_user",
            "university",
        ]
    )
    assert panel.chair == crew["chair"] and panel.deputy_chair == crew["deputy"]


def test_the_chair_is_the_principal_social_worker(crew):
    wrong = [Seat(PanelMember.Role.CHAIR, crew["gm"]), *seats(crew)[1:]]
    with pytest.raises(ValidationError, match="MOD-PANEL: the chair is a"):
        make_panel(crew, seats=wrong)


def test_a_panel_has_one_chair_and_one_deputy(crew):
    without_deputy = [s for s in seats(crew) if s.role != PanelMember.Role.DEPUTY_CHAIR]
    with pytest.raises(ValidationError, match="MOD-PANEL: a panel has one Service Development"):
        make_panel(crew, seats=without_deputy)


def test_group_managers_come_from_services_with_an_academy_team(crew):
    from academy.models import Service

    # FS&P has no academy team in these tests.
    outsider = factories.PersonFactory(
        role=Person.Role.GROUP_MANAGER, service=Service.objects.get(code="FSP")
    )
    with pytest.raises(ValidationError, match="MOD-PANEL: .* manages a service without"):
        make_panel(crew, seats=seats(crew, outsider))


def test_staff_sit_as_themselves_and_externals_by_name(crew):
    odd = [*seats(crew), Seat(PanelMember.Role.GROUP_MANAGER, name="Someone Named")]
    with pytest.raises(ValidationError, match="MOD-PANEL: staff members sit as themselves"):
        make_panel(crew, seats=odd)


def test_an_external_seat_is_not_for_staff(crew):
    """Issue 15 item 2: the external seats take an external member's sign-in, not staff."""
    odd = [*seats(crew), Seat(PanelMember.Role.UNIVERSITY, crew["grade10"])]
    with pytest.raises(ValidationError, match="the university is an external moderation panel"):
        make_panel(crew, seats=odd)


def test_an_external_member_sits_with_a_sign_in_or_by_name_not_both(crew):
    external = factories.PersonFactory(role=Person.Role.EXTERNAL_PANEL_MEMBER, service=None)
    both = [
        *seats(crew)[:-1],
        Seat(PanelMember.Role.UNIVERSITY, external, name="Dr Sam Example"),
    ]
    with pytest.raises(ValidationError, match="with a sign-in\\) or by name, not both"):
        make_panel(crew, seats=both)
    signed_in = [*seats(crew)[:-1], Seat(PanelMember.Role.UNIVERSITY, external)]
    seat = make_panel(crew, seats=signed_in).members.get(role=PanelMember.Role.UNIVERSITY)
    assert seat.person == external and seat.moderates and not seat.reads_only_the_pdfs


def test_the_adult_services_seat_is_not_the_professional_practice_lead(crew):
    """Issue 15 item 2: the adult-services seat takes the adult-services lead's own role."""
    odd = [*seats(crew)]
    odd[3] = Seat(
        PanelMember.Role.SDL_ADULTS,
        factories.PersonFactory(role=Person.Role.SERVICE_DEVELOPMENT_LEAD),
    )
    with pytest.raises(ValidationError, match="service development lead – adult services"):
        make_panel(crew, seats=odd)


def test_a_member_with_portfolios_keeps_their_seat(crew, queued, allocated, panel):
    without_gm = seats(crew, crew["gm"])
    with pytest.raises(ValidationError, match="MOD-ALLOCATE: .* has portfolios allocated"):
        services.change_panel(panel=panel, by=crew["ld"], held_on=panel.held_on, seats=without_gm)


def test_moving_the_meeting_moves_the_deadline(crew, panel):
    later = panel.held_on + timedelta(days=7)
    services.change_panel(panel=panel, by=crew["ld"], held_on=later, seats=seats(crew))
    panel.refresh_from_db()
    assert panel.submissions_due_on == later - timedelta(days=14)


# --- MOD-POINTS -------------------------------------------------------------------------------


def test_due_nqsws_come_from_their_derived_dates(crew, enrolment):
    not_yet = factories.EnrolmentFactory(asye_start=today().replace(day=1))
    final = make_panel(crew)
    due = dict(services.due_for_panel(final))
    assert enrolment in due and not_yet not in due
    assert due[enrolment] == enrolment.planned_end()
    six = make_panel(
        crew, kind=Panel.Kind.SIX_MONTHS, held_on=enrolment.month_starts_on(7) + timedelta(days=20)
    )
    assert dict(services.due_for_panel(six))[enrolment] == enrolment.month_starts_on(7)


def test_due_nqsws_can_be_narrowed_to_some_enrolments(crew, enrolment):
    """An assessor's home asks only about their own NQSWs (issue 17)."""
    also_due = factories.EnrolmentFactory(asye_start=enrolment.asye_start)
    final = make_panel(crew)
    assert {e for e, _ in services.due_for_panel(final)} >= {enrolment, also_due}
    assert [e for e, _ in services.due_for_panel(final, among=[also_due.pk])] == [also_due]
    assert services.due_for_panel(final, among=[]) == []


def test_an_extension_moves_the_point(crew, enrolment):
    from cohorts.services import record_extension

    record_extension(
        enrolment=enrolment,
        reason="sickness",
        first_day=enrolment.asye_start + timedelta(days=40),
        last_day=enrolment.asye_start + timedelta(days=40 + 60),
        approved_by=crew["pm"],
    )
    enrolment = Enrolment.objects.for_listing().get(pk=enrolment.pk)
    panel = make_panel(crew, held_on=today() + timedelta(days=20))
    assert enrolment not in dict(services.due_for_panel(panel))
    with pytest.raises(
        ValidationError, match="MOD-POINTS: this panel meets on .* before the NQSW's completion"
    ):
        services.enter_for_panel(panel=panel, enrolments=[enrolment], by=crew["ld"])


def test_entered_and_moderated_nqsws_are_not_due_again(crew, queued, enrolment, entry, panel):
    assert enrolment not in dict(services.due_for_panel(panel))
    other = make_panel(crew, held_on=panel.held_on + timedelta(days=7))
    assert enrolment not in dict(services.due_for_panel(other))  # entered, not yet decided


def test_a_decision_that_did_not_verify_makes_the_nqsw_due_again(crew, queued, moderated):
    """MOD-POINTS: only a standing entry (undecided, or verified) keeps an NQSW off the next
    panel of the kind; the database decides it now, before any point is worked out."""
    enrolment = moderated.enrolment
    later = make_panel(crew, held_on=moderated.panel.held_on + timedelta(days=7))
    assert enrolment.pk not in {d.enrolment_id for d in services.due_list(later)}
    decide(moderated, crew, sign_off=False)  # a draft still stands
    assert enrolment.pk not in {d.enrolment_id for d in services.due_list(later)}
    decide(moderated, crew, verdict="not_verified", reasons="Evidence too thin.")
    [due] = [d for d in services.due_list(later) if d.enrolment_id == enrolment.pk]
    assert due.reached == enrolment.planned_end()
    assert (due.name, due.team) == (enrolment.person.full_name, enrolment.practice_group.name)
    assert enrolment in dict(services.due_for_panel(later))


def test_a_panel_before_the_point_refuses_the_nqsw(crew):
    early = factories.EnrolmentFactory(asye_start=today().replace(day=1) - timedelta(days=60))
    panel = make_panel(crew, kind=Panel.Kind.SIX_MONTHS)
    with pytest.raises(ValidationError, match=r"MOD-POINTS: .*6-month point \(ASYE month 7\)"):
        services.enter_for_panel(panel=panel, enrolments=[early], by=crew["ld"])


def test_a_trainee_is_never_entered(crew):
    trainee = factories.TraineeEnrolmentFactory()
    with pytest.raises(ValidationError, match="MOD-POINTS: .* has no ASYE under way"):
        services.enter_for_panel(panel=make_panel(crew), enrolments=[trainee], by=crew["ld"])


def test_codes_are_random_and_not_derived_from_ids(crew, queued):
    enrolments = [factories.EnrolmentFactory(asye_start=finished_start()) for _ in range(5)]
    entered = services.enter_for_panel(panel=make_panel(crew), enrolments=enrolments, by=crew["ld"])
    codes = [s.code for s in entered]
    assert all(re.match(CODE_PATTERN, code) for code in codes)
    assert len(set(codes)) == 5
    for submission in entered:
        assert submission.enrolment.person.staff_id not in submission.code
    # Made by `secrets`, not a sequence: a thousand fresh codes never repeat.
    assert len({new_code() for _ in range(1000)}) == 1000


# --- MOD-SUBMIT -------------------------------------------------------------------------------


def test_submitting_freezes_an_anonymised_snapshot(crew, queued, submitted, enrolment):
    assert submitted.is_submitted and not submitted.late
    assert submitted.submitted_by == crew["nqsw"]
    assert submitted.recommendation == "pass" and not submitted.fail_pathway
    assert len(submitted.content_hash) == 64
    assert "Direct observations" in submitted.snapshot_html
    assert enrolment.person.full_name not in submitted.snapshot_html
    assert submitted.snapshot["checklist"]["observations"]["total"] == 2
    # A later change to the portfolio does not reach the panel.
    af.LogFactory(enrolment=enrolment, title="Written after submitting", written_on=today())
    submitted.refresh_from_db()
    assert "Written after submitting" not in submitted.snapshot_html


def test_a_submitted_portfolio_is_not_submitted_again(crew, queued, submitted):
    with pytest.raises(
        ValidationError, match="MOD-SUBMIT: this portfolio was submitted on .* frozen"
    ):
        services.submit_portfolio(submission=submitted, by=crew["assessor"])


def test_only_the_nqsw_or_their_assessor_submits(crew, queued, entry, portfolio):
    for who in ("pm", "gm", "chair", "other_assessor"):
        with pytest.raises(ValidationError, match="MOD-SUBMIT: the NQSW or their assessor"):
            services.submit_portfolio(submission=entry, by=crew[who])


def test_a_late_portfolio_is_refused_until_the_chair_accepts_it(crew, queued, enrolment, portfolio):
    panel = make_panel(crew, held_on=today() + timedelta(days=7))  # due a week ago
    [entry] = services.enter_for_panel(panel=panel, enrolments=[enrolment], by=crew["ld"])
    assert entry.is_overdue()
    with pytest.raises(
        ValidationError,
        match=r"MOD-SUBMIT: portfolios for the Final moderation panel, .* were due by .*, 14 days "
        r"before it\. This one is late: it is flagged to the chair",
    ):
        services.submit_portfolio(submission=entry, by=crew["nqsw"])
    with pytest.raises(ValidationError, match="MOD-SUBMIT: only the panel's chair accepts"):
        services.accept_late(submission=entry, by=crew["deputy"])
    services.accept_late(submission=entry, by=crew["chair"])
    submitted = services.submit_portfolio(submission=entry, by=crew["nqsw"])
    assert submitted.late and submitted.late_accepted_by == crew["chair"]


def test_an_on_time_portfolio_is_not_accepted_late(crew, queued, entry):
    with pytest.raises(ValidationError, match="MOD-SUBMIT: this portfolio is not late"):
        services.accept_late(submission=entry, by=crew["chair"])


def test_nothing_is_submitted_once_the_panel_has_met(crew, queued, entry, portfolio, panel):
    with pytest.raises(ValidationError, match="MOD-SUBMIT: the panel met on"):
        services.submit_portfolio(submission=entry, by=crew["nqsw"], at=meeting(panel))


def test_a_final_panel_needs_the_signed_recommendation(crew, queued, entry):
    with pytest.raises(
        ValidationError, match="MOD-DECISION: the final panel verifies the assessor's"
    ):
        services.submit_portfolio(submission=entry, by=crew["nqsw"])


def test_a_six_month_portfolio_needs_no_recommendation(crew, queued, enrolment):
    panel = make_panel(crew, kind=Panel.Kind.SIX_MONTHS, held_on=today() + timedelta(days=30))
    [entry] = services.enter_for_panel(panel=panel, enrolments=[enrolment], by=crew["ld"])
    submitted = services.submit_portfolio(submission=entry, by=crew["assessor"])
    assert submitted.recommendation == "" and submitted.snapshot["recommendation"] is None


# --- MOD-FAIL-FULL ----------------------------------------------------------------------------


def test_a_fail_recommendation_puts_the_portfolio_on_the_fail_pathway(
    crew, queued, entry, enrolment
):
    af.complete_portfolio(enrolment)
    af.RecommendationFactory(
        enrolment=enrolment,
        outcome=Recommendation.Outcome.FAIL,
        rationale="Not yet safe to practise alone.",
        change_reason="The PiP outcome came in.",
    )
    submitted = services.submit_portfolio(submission=entry, by=crew["nqsw"])
    assert submitted.recommendation == "fail" and submitted.fail_pathway


def test_only_the_assessor_says_fail_pathway(crew, queued, entry, portfolio):
    with pytest.raises(ValidationError, match="MOD-FAIL-FULL: only the assessor"):
        services.submit_portfolio(submission=entry, by=crew["nqsw"], fail_pathway=True)
    submitted = services.submit_portfolio(submission=entry, by=crew["assessor"], fail_pathway=True)
    assert submitted.fail_pathway


# --- MOD-CHECKLIST and the forms --------------------------------------------------------------


def test_a_completed_form_answers_everything(crew, queued, allocated):
    allocation = allocated.allocations.get()
    draft = services.record_form(
        allocation=allocation, by=crew["other_gm"], values={"agreement": "yes"}
    )
    assert not draft.is_complete
    with pytest.raises(ValidationError) as refused:
        services.record_form(
            allocation=allocation, by=crew["other_gm"], values={"agreement": "yes"}, complete=True
        )
    errors = refused.value.message_dict
    assert errors["observations"] == ["MOD-CHECKLIST: answer “At least three direct observations”."]
    assert errors["robust"] == ["MOD-CHECKLIST: say whether the judgement is robust."]
    form = services.record_form(
        allocation=allocation, by=crew["other_gm"], values=COMPLETE_FORM, complete=True
    )
    assert form.is_complete


def test_concerns_say_what_they_are(crew, queued, allocated):
    with pytest.raises(ValidationError, match="MOD-FAIL-FULL: say what the concerns are"):
        services.record_form(
            allocation=allocated.allocations.get(),
            by=crew["other_gm"],
            values={**COMPLETE_FORM, "concerns": True},
            complete=True,
        )


def test_only_the_allocated_moderator_fills_in_their_form(crew, queued, allocated):
    with pytest.raises(ValidationError, match="MOD-ALLOCATE: only the moderator"):
        services.record_form(
            allocation=allocated.allocations.get(), by=crew["chair"], values=COMPLETE_FORM
        )


def test_no_form_before_the_portfolio_is_in(crew, queued, entry, panel):
    allocation = services.allocate_to(
        submission=entry, moderator=member(panel, crew["other_gm"]), by=crew["ld"]
    )
    with pytest.raises(ValidationError, match="MOD-SUBMIT: this portfolio has not been submitted"):
        services.record_form(allocation=allocation, by=crew["other_gm"], values=COMPLETE_FORM)


def test_the_database_refuses_a_completed_form_with_gaps(crew, queued, allocated):
    allocation = allocated.allocations.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ModerationForm.objects.create(allocation=allocation, completed_at=at(today()))


# --- MOD-DECISION -----------------------------------------------------------------------------


def test_no_decision_before_every_allocated_form_is_in(crew, queued, allocated, panel):
    services.allocate_to(submission=allocated, moderator=member(panel, crew["ld"]), by=crew["ld"])
    services.record_form(
        allocation=allocated.allocations.get(moderator__person=crew["ld"]),
        by=crew["ld"],
        values=COMPLETE_FORM,
        complete=True,
    )
    with pytest.raises(
        ValidationError,
        match=r"MOD-DECISION: 1 of 2 moderation forms are in; waiting for .*\. The panel decides "
        "once every allocated form is complete",
    ):
        decide(allocated, crew)


def test_no_decision_without_a_moderator(crew, queued, submitted):
    with pytest.raises(ValidationError, match="MOD-ALLOCATE: no moderator has been allocated"):
        decide(submitted, crew)


def test_no_decision_before_the_meeting(crew, queued, moderated):
    with pytest.raises(ValidationError, match="MOD-DECISION: the panel decides at its meeting on"):
        decide(moderated, crew, at=at(today()))


def test_only_the_chair_signs_off(crew, queued, moderated):
    for who in ("deputy", "ld"):
        with pytest.raises(ValidationError, match="MOD-DECISION: only the panel's chair signs"):
            decide(moderated, {"chair": crew[who]})
    draft = services.record_decision(
        submission=moderated,
        by=crew["deputy"],
        verdict="verified",
        reasons="Agreed at the meeting.",
        at=meeting(moderated.panel),
    )
    with pytest.raises(ValidationError, match="MOD-DECISION: only the panel's chair signs"):
        services.sign_off_decision(decision=draft, by=crew["deputy"], at=meeting(moderated.panel))
    signed = services.sign_off_decision(
        decision=draft, by=crew["chair"], at=meeting(moderated.panel)
    )
    assert signed.is_signed_off and signed.signed_off_by == crew["chair"]


def test_outsiders_record_no_decision(crew, queued, moderated):
    with pytest.raises(ValidationError, match="MOD-DECISION: the panel's chair, deputy chair or"):
        services.record_decision(
            submission=moderated,
            by=crew["other_gm"],
            verdict="verified",
            reasons="x",
            at=meeting(moderated.panel),
        )


def test_a_signed_decision_changes_only_by_a_new_recorded_one(crew, queued, moderated):
    first = decide(moderated, crew)
    with pytest.raises(ValidationError, match="MOD-DECISION: version 1 was signed off: say why"):
        decide(moderated, crew, verdict="deferred", reasons="More evidence needed.")
    with pytest.raises(ValidationError, match="MOD-DECISION: nothing has changed since version 1"):
        decide(moderated, crew, change_reason="again")
    second = decide(
        moderated,
        crew,
        verdict="deferred",
        reasons="More evidence needed.",
        change_reason="The assessor raised new information after the meeting.",
        at=meeting(moderated.panel) + timedelta(days=3),
    )
    assert second.version == 2 and second.change_reason
    first.refresh_from_db()
    assert first.verdict == "verified" and first.is_signed_off  # untouched
    assert [d.version for d in moderated.decisions.order_by("version")] == [1, 2]


def test_a_signed_decision_is_refused_by_validation(crew, queued, moderated):
    decision = decide(moderated, crew)
    decision.reasons = "Quietly rewritten."
    with pytest.raises(ValidationError, match="MOD-DECISION: this decision was signed off"):
        decision.full_clean()


def test_the_database_refuses_to_update_a_signed_decision(crew, queued, moderated):
    decision = decide(moderated, crew)
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(reasons="tampered")
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(verdict="not_verified")
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        decision.save()
    decision.refresh_from_db()
    assert decision.reasons == "The evidence supports the assessor."


def test_a_draft_can_still_be_changed(crew, queued, moderated):
    draft = decide(moderated, crew, sign_off=False)
    Decision.objects.filter(pk=draft.pk).update(reasons="Reworded before sign-off.")
    again = decide(moderated, crew, sign_off=False, reasons="Reworded again.")
    assert again.pk == draft.pk and again.version == 1


def test_the_database_numbers_decisions_and_keeps_one_draft(crew, queued, moderated):
    decide(moderated, crew, sign_off=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            submission=moderated,
            version=2,
            verdict="verified",
            reasons="x",
            change_reason="y",
            recorded_by=crew["chair"],
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            submission=moderated,
            version=1,
            verdict="verified",
            reasons="x",
            recorded_by=crew["chair"],
        )


def test_the_forms_close_once_the_panel_has_decided(crew, queued, moderated):
    decide(moderated, crew)
    with pytest.raises(ValidationError, match="MOD-DECISION: the panel has decided"):
        services.record_form(
            allocation=moderated.allocations.get(), by=crew["other_gm"], values=COMPLETE_FORM
        )


# --- NAT-OUTCOME and MOD-FORM -----------------------------------------------------------------


def test_a_signed_final_pass_passes_the_asye(crew, queued, moderated, enrolment):
    decision = decide(moderated, crew)
    enrolment.refresh_from_db()
    assert decision.outcome == "passed"
    assert enrolment.status == Enrolment.Status.PASSED
    assert enrolment.end_date == moderated.panel.held_on


def test_an_unsigned_decision_changes_nothing(crew, queued, moderated, enrolment):
    decide(moderated, crew, sign_off=False)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert not ModerationRecord.objects.exists()


def test_a_verified_fail_fails_and_a_deferral_defers(crew, queued, enrolment, panel):
    af.complete_portfolio(enrolment)
    af.RecommendationFactory(
        enrolment=enrolment, outcome="fail", rationale="Not yet.", change_reason="PiP outcome."
    )
    [entry] = services.enter_for_panel(panel=panel, enrolments=[enrolment], by=crew["ld"])
    services.submit_portfolio(submission=entry, by=crew["assessor"])
    services.allocate_to(submission=entry, moderator=member(panel, crew["other_gm"]), by=crew["ld"])
    complete_forms(entry)
    decide(entry, crew)
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.end_date) == ("failed", panel.held_on)
    decide(
        entry,
        crew,
        verdict="deferred",
        reasons="Paused: long-term sickness.",
        change_reason="The NQSW's absence was not known at the meeting.",
        at=meeting(panel) + timedelta(days=2),
    )
    enrolment.refresh_from_db()
    assert enrolment.status == "deferred"


def test_not_verified_leaves_the_asye_running(crew, queued, moderated, enrolment):
    decision = decide(moderated, crew, verdict="not_verified", reasons="Evidence too thin.")
    enrolment.refresh_from_db()
    assert decision.outcome == "" and enrolment.status == "active" and enrolment.end_date is None


def test_a_six_month_decision_sets_no_outcome(crew, queued, enrolment):
    panel = make_panel(crew, kind=Panel.Kind.SIX_MONTHS)
    [entry] = services.enter_for_panel(panel=panel, enrolments=[enrolment], by=crew["ld"])
    services.submit_portfolio(submission=entry, by=crew["nqsw"])
    services.allocate_to(submission=entry, moderator=member(panel, crew["other_gm"]), by=crew["ld"])
    complete_forms(entry, final_report="na")
    decide(entry, crew)
    enrolment.refresh_from_db()
    assert enrolment.status == "active"


def test_every_signed_decision_adds_a_moderation_form_to_the_portfolio(
    crew, queued, moderated, enrolment
):
    first = decide(moderated, crew)
    second = decide(
        moderated,
        crew,
        verdict="not_verified",
        reasons="Second thoughts.",
        change_reason="New information.",
        at=meeting(moderated.panel) + timedelta(days=1),
    )
    records = ModerationRecord.objects.filter(enrolment=enrolment).order_by("pk")
    assert [r.decision for r in records] == [first, second]
    assert [job.args or job.kwargs for job in queued.results][-1] == {"record_id": records[1].pk}


# --- PROGRESSION ------------------------------------------------------------------------------


def test_progression_needs_a_signed_final_pass(crew, queued, moderated):
    with pytest.raises(
        ValidationError, match="PROGRESSION: pay progression follows a final moderated PASS"
    ):
        services.authorise_progression(submission=moderated, by=crew["chair"])
    decide(moderated, crew, sign_off=False)
    with pytest.raises(ValidationError, match="PROGRESSION: pay progression follows"):
        services.authorise_progression(submission=moderated, by=crew["chair"])


def test_progression_is_the_chairs_and_scp32(crew, queued, moderated, enrolment):
    decide(moderated, crew)
    with pytest.raises(ValidationError, match="PROGRESSION: the panel's chair signs"):
        services.authorise_progression(submission=moderated, by=crew["deputy"])
    authorisation = services.authorise_progression(submission=moderated, by=crew["chair"])
    assert authorisation.progression_point == "SCP32"
    assert authorisation.effective_from == moderated.panel.held_on
    assert services.authorise_progression(submission=moderated, by=crew["chair"]) == authorisation


def test_no_progression_after_a_six_month_panel(crew, queued, enrolment):
    panel = make_panel(crew, kind=Panel.Kind.SIX_MONTHS)
    [entry] = services.enter_for_panel(panel=panel, enrolments=[enrolment], by=crew["ld"])
    services.submit_portfolio(submission=entry, by=crew["nqsw"])
    services.allocate_to(submission=entry, moderator=member(panel, crew["other_gm"]), by=crew["ld"])
    complete_forms(entry, final_report="na")
    decide(entry, crew)
    with pytest.raises(ValidationError, match="PROGRESSION"):
        services.authorise_progression(submission=entry, by=crew["chair"])


def test_a_later_decision_withdraws_the_authorisation(crew, queued, moderated):
    decide(moderated, crew)
    authorisation = services.authorise_progression(submission=moderated, by=crew["chair"])
    decide(
        moderated,
        crew,
        verdict="deferred",
        reasons="Paused.",
        change_reason="A complaint under investigation.",
        at=meeting(moderated.panel) + timedelta(days=1),
    )
    authorisation.refresh_from_db()
    assert (
        authorisation.is_withdrawn
        and "A complaint under investigation." in authorisation.withdrawn_reason
    )
    assert ProgressionAuthorisation.objects.count() == 1


# --- Closing the panel ------------------------------------------------------------------------


def test_a_panel_closes_after_it_has_decided(crew, queued, moderated, panel):
    with pytest.raises(ValidationError, match="MOD-DECISION: the panel meets on .* close it after"):
        services.close_panel(panel=panel, by=crew["chair"])
    with pytest.raises(ValidationError, match=r"MOD-DECISION: 1 submitted portfolio\(s\) have no"):
        services.close_panel(panel=panel, by=crew["chair"], at=meeting(panel))
    decide(moderated, crew)
    closed = services.close_panel(panel=panel, by=crew["chair"], at=meeting(panel, 17))
    assert not closed.is_open
    with pytest.raises(ValidationError, match="MOD-DECISION: the .* is closed"):
        services.allocate_automatically(panel=closed, by=crew["ld"])


# --- The frozen submission in the database ----------------------------------------------------


def test_the_database_refuses_to_change_a_code(crew, queued, entry):
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        Submission.objects.filter(pk=entry.pk).update(code="AAAA-BBBB")


def test_the_database_refuses_to_change_a_submitted_snapshot(crew, queued, submitted):
    for change in [
        {"snapshot_html": "<p>another portfolio</p>"},
        {"snapshot": {"recommendation": "fail"}},
        {"recommendation": "fail"},
        {"submitted_at": at(today() - timedelta(days=30))},
        {"late": True},
    ]:
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
            Submission.objects.filter(pk=submitted.pk).update(**change)
    # The background task may still write the PDF.
    Submission.objects.filter(pk=submitted.pk).update(pdf_status="failed")


def test_the_database_refuses_a_half_submission(crew, queued, entry):
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.filter(pk=entry.pk).update(submitted_at=at(today()))


# --- MOD-EXTERNAL -----------------------------------------------------------------------------


def test_the_external_sample_is_the_professional_practice_teams(crew, queued, submitted):
    with pytest.raises(ValidationError, match="MOD-EXTERNAL: the Professional Practice team"):
        services.build_external_sample(title="S", submissions=[submitted], by=crew["other_gm"])
    with pytest.raises(ValidationError, match="MOD-EXTERNAL: choose at least one"):
        services.build_external_sample(title="S", submissions=[], by=crew["ld"])
    sample = services.build_external_sample(title="S", submissions=[submitted], by=crew["ld"])
    assert list(sample.submissions.all()) == [submitted]


def test_an_unsubmitted_portfolio_is_not_sampled(crew, queued, entry):
    with pytest.raises(ValidationError, match="MOD-EXTERNAL: .* has not been submitted"):
        services.build_external_sample(title="S", submissions=[entry], by=crew["ld"])


# --- History ----------------------------------------------------------------------------------


def test_every_step_keeps_its_history(crew, queued, moderated):
    decision = decide(moderated, crew, sign_off=False)
    services.sign_off_decision(decision=decision, by=crew["chair"], at=meeting(moderated.panel))
    assert decision.history.count() == 2
    assert moderated.history.count() >= 2  # entered, submitted
    assert moderated.allocations.get().history.count() == 1
    assert moderated.allocations.get().form.history.count() == 1
    assert moderated.panel.members.first().history.count() == 1


def test_the_panel_page_reminds_of_missing_members(client, crew):
    panel = make_panel(
        crew, seats=[s for s in seats(crew) if s.role != PanelMember.Role.SERVICE_USER]
    )
    assert services.missing_seats(panel) == ["Service user"]
    client.force_login(crew["chair"].user)
    text = client.get(f"/moderation/panels/{panel.pk}/").text
    assert "MOD-PANEL also names: Service user." in text


def test_the_portfolio_page_lists_the_moderation_forms(client, crew, moderated, enrolment):
    # MOD-FORM: the form PDF is added to the NQSW's portfolio once the decision is signed.
    from django.urls import reverse

    decide(moderated, crew)
    record = ModerationRecord.objects.get(enrolment=enrolment)
    assert record.status == "ready"
    client.force_login(enrolment.person.user)
    page = client.get(reverse("assessment:portfolio", args=[enrolment.pk])).text
    assert reverse("moderation:record_pdf", args=[record.pk]) in page
    assert reverse("moderation:enrolment_moderation", args=[enrolment.pk]) in page
