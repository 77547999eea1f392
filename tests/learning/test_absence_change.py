"""TRAINING-MANDATORY: a PM's or GM's decision on an absence from pathway training changes,
with a reason, by the manager in that role (learning:absence_change); the authorisation,
the unauthorised-absence flag and the repeated-cancellation flag follow the verdict in
force; nothing changes once the ASYE is over."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from academy.findings import BREACH
from academy.models import Person
from cohorts.models import Enrolment
from learning import pathway_services as services
from learning.models import AbsenceDecision, Attendance
from tests import factories

TODAY = date(2027, 3, 1)
pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def clock():
    with time_machine.travel(TODAY, tick=False):
        yield


def cancelled_place(enrolment, ld, n=1):
    course = services.publish_course(
        kind="course",
        title=f"Course {n}",
        held_on=date(2027, 2, n),
        places=10,
        cohort=enrolment.cohort,
        by=ld,
    )
    place = services.book_place(course=course, enrolment=enrolment, by=ld)
    return services.record_attendance(attendance=place, status=Attendance.Status.CANCELLED, by=ld)


def authorised_by_both(place):
    group = place.enrolment.practice_group
    pm = services.decide_absence(
        attendance=place, as_role="pm", authorised=True, by=group.practice_manager
    )
    services.decide_absence(attendance=place, as_role="gm", authorised=True, by=group.group_manager)
    return pm


@pytest.fixture
def place(enrolment, ld):
    return cancelled_place(enrolment, ld)


def finish(enrolment, status):
    Enrolment.objects.filter(pk=enrolment.pk).update(status=status, end_date=date(2027, 2, 26))


def fresh(place):
    return Attendance.objects.for_listing().get(pk=place.pk)


def test_the_pm_changes_their_decision_and_the_flag_moves_and_back(place):
    pm = place.enrolment.practice_group.practice_manager
    decision = authorised_by_both(place)
    assert (fresh(place).authorisation, fresh(place).is_unauthorised_absence) == (
        "authorised",
        False,
    )

    services.change_absence_decision(
        decision=decision,
        authorised=False,
        note="Court was not a reason to miss it",
        reason="The GM told me it was not a court day",
        by=pm,
    )
    now = fresh(place)
    assert (now.authorisation, now.is_unauthorised_absence) == ("refused", True)
    [flag] = services.attendance_findings(now, flag_at=3, cancellations=1)
    assert flag.severity == BREACH and "not authorised (refused)" in flag.message

    services.change_absence_decision(
        decision=decision, authorised=True, reason="Court day confirmed after all", by=pm
    )
    now = fresh(place)
    assert (now.authorisation, now.is_unauthorised_absence) == ("authorised", False)
    assert services.attendance_findings(now, flag_at=3, cancellations=1) == []

    decision.refresh_from_db()
    assert (decision.note, decision.change_reason) == ("", "Court day confirmed after all")
    reasons = list(decision.history.values_list("history_change_reason", "authorised"))
    assert reasons == [
        (f"Changed to authorised by {pm.full_name}: Court day confirmed after all", True),
        (f"Changed to refused by {pm.full_name}: The GM told me it was not a court day", False),
        (None, True),
    ]


def test_a_refusal_needs_its_reason_and_a_change_needs_one_too(place):
    pm = place.enrolment.practice_group.practice_manager
    decision = authorised_by_both(place)
    with pytest.raises(ValidationError, match="not authorised"):
        services.change_absence_decision(decision=decision, authorised=False, reason="r", by=pm)
    with pytest.raises(ValidationError, match="say why the decision changes"):
        services.change_absence_decision(
            decision=decision, authorised=False, note="n", reason=" ", by=pm
        )
    with pytest.raises(ValidationError, match="already recorded"):
        services.change_absence_decision(decision=decision, authorised=True, reason="r", by=pm)


def test_nobody_but_the_manager_in_that_role_changes_it(place, people):
    decision = authorised_by_both(place)
    group = place.enrolment.practice_group
    for who in [group.group_manager, people["assessor"], people["other_pm"], people["admin"]]:
        with pytest.raises(ValidationError, match="only the NQSW's practice manager"):
            services.change_absence_decision(
                decision=decision, authorised=False, note="n", reason="r", by=who
            )
    assert AbsenceDecision.objects.get(pk=decision.pk).authorised


def test_the_new_pm_of_the_team_changes_the_previous_pms_decision(place):
    decision = authorised_by_both(place)
    group = place.enrolment.practice_group
    before = group.practice_manager
    group.practice_manager = factories.PersonFactory(role=Person.Role.PRACTICE_MANAGER)
    group.save()
    with pytest.raises(ValidationError, match="only the NQSW's practice manager"):
        services.change_absence_decision(
            decision=decision, authorised=False, note="n", reason="r", by=before
        )
    changed = services.change_absence_decision(
        decision=decision, authorised=False, note="n", reason="r", by=group.practice_manager
    )
    assert changed.decided_by == group.practice_manager


def test_the_third_cancellation_flag_follows_cancellations_not_authorisation(enrolment, ld):
    """The guidance flags NQSWs "frequently cancelling", authorised or not: a changed
    decision moves the unauthorised flag, while the third cancellation stays flagged and
    the second is not."""
    places = [cancelled_place(enrolment, ld, n) for n in (1, 2)]
    decisions = [authorised_by_both(p) for p in places]
    flagged = services.cancellation_counts(Enrolment.objects.all(), TODAY)
    assert list(flagged) == []  # two cancellations: not flagged
    third = cancelled_place(enrolment, ld, 3)
    authorised_by_both(third)
    [row] = services.cancellation_counts(Enrolment.objects.all(), TODAY)
    assert (row.pk, row.cancellations) == (enrolment.pk, 3)

    pm = enrolment.practice_group.practice_manager
    services.change_absence_decision(
        decision=decisions[0], authorised=False, note="n", reason="r", by=pm
    )
    [row] = services.cancellation_counts(Enrolment.objects.all(), TODAY)
    assert row.cancellations == 3
    findings = services.attendance_findings(fresh(places[0]), 3, row.cancellations)
    assert [f.numbers.get("cancellations") for f in findings] == [None, 3]
    services.change_absence_decision(decision=decisions[0], authorised=True, reason="r2", by=pm)
    findings = services.attendance_findings(fresh(places[0]), 3, row.cancellations)
    assert [f.numbers.get("cancellations") for f in findings] == [3]


@pytest.mark.parametrize("status", ["passed", "failed", "withdrawn"])
def test_frozen_once_the_enrolment_is_finished(place, status):
    decision = authorised_by_both(place)
    finish(place.enrolment, status)
    with pytest.raises(ValidationError, match="is over"):
        services.change_absence_decision(
            decision=decision,
            authorised=False,
            note="n",
            reason="r",
            by=place.enrolment.practice_group.practice_manager,
        )


def test_a_deferred_nqsw_is_still_in_the_asye(place):
    decision = authorised_by_both(place)
    Enrolment.objects.filter(pk=place.enrolment_id).update(status="deferred")
    services.change_absence_decision(
        decision=decision,
        authorised=False,
        note="n",
        reason="r",
        by=place.enrolment.practice_group.practice_manager,
    )


# --- The view (learning:absence_change) ----------------------------------------------


@pytest.fixture
def decided(place):
    """The PM's and the GM's authorisations: {role: decision}."""
    authorised_by_both(place)
    return {d.as_role: d for d in AbsenceDecision.objects.filter(attendance=place)}


def post(client, decision, **data):
    url = reverse("learning:absence_change", args=[decision.pk])
    return client.post(url, {"note": "Not a reason", "reason": "Facts changed", **data})


def test_anonymous_is_sent_to_sign_in(client, decided):
    response = post(client, decided["pm"])
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "who, role, status",
    [("pm", "pm", 302), ("gm", "gm", 302), ("gm", "pm", 403), ("pm", "gm", 403)]
    + [("nqsw", "pm", 403), ("assessor", "pm", 403), ("admin", "pm", 403)]
    + [("chair", "pm", 403), ("other_pm", "pm", 404), ("other_gm", "gm", 404)]
    + [("grade10", "pm", 404), ("superuser", "pm", 403)],
)
def test_who_may_change_a_decision(client, people, decided, who, role, status, superuser):
    client.force_login(superuser if who == "superuser" else people[who].user)
    response = post(client, decided[role])
    assert response.status_code == status
    changed = not AbsenceDecision.objects.get(pk=decided[role].pk).authorised
    assert changed == (status == 302)


def test_the_course_page_offers_the_change_and_shows_it(client, people, place, decided):
    client.force_login(people["pm"].user)
    course = reverse("learning:course", args=[place.course_id])
    page = client.get(course).content.decode()
    assert page.count("Change your decision as practice manager") == 1
    assert "Change your decision as group manager" not in page
    response = post(client, decided["pm"])
    assert response["Location"] == course
    page = client.get(course).content.decode()
    assert "Decision changed" in page
    assert "refused — Not a reason" in page and "Facts changed" in page
    assert "not authorised (refused)" in page


def test_a_refused_change_is_said_on_the_course_page(client, people, place, decided):
    finish(place.enrolment, "passed")
    client.force_login(people["pm"].user)
    response = post(client, decided["pm"])
    page = client.get(response["Location"]).content.decode()
    assert "is over (passed)" in page
    assert "Change your decision" not in page
    assert AbsenceDecision.objects.get(pk=decided["pm"].pk).authorised


def test_a_change_without_a_reason_is_refused(client, people, decided):
    client.force_login(people["pm"].user)
    response = post(client, decided["pm"], reason="")
    assert response.status_code == 302
    assert AbsenceDecision.objects.get(pk=decided["pm"].pk).authorised
