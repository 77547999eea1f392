"""CAPABILITY reaches the moderation panel: an open concern (or a PiP without its outcome)
puts the portfolio on the fail-pathway agenda for full discussion (MOD-FAIL-FULL); once
settled, the panel still sees the outcome but the portfolio is presented briefly. And
TRAINING-MANDATORY's absence decisions freeze once the portfolio is at the final panel."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from learning import pathway_services as learning_services
from learning.models import Attendance
from moderation import services as moderation_services
from moderation.models import Panel
from tests.moderation import conftest as moderation

# The moderation tests' fixtures, used here as they are there.
crew, enrolment, entry = moderation.crew, moderation.enrolment, moderation.entry
panel, portfolio, queued = moderation.panel, moderation.portfolio, moderation.queued
submitted, media_root, today = moderation.submitted, moderation.media_root, moderation.today

pytestmark = pytest.mark.django_db


def sections(client, panel):
    text = client.get(reverse("moderation:agenda", args=[panel.pk])).text
    full, brief = text.split("For full discussion")[1].split("Presented briefly")
    return full, brief


def test_an_open_concern_puts_the_portfolio_on_the_fail_pathway_agenda(
    client, crew, panel, submitted, queued
):
    client.force_login(crew["chair"].user)
    code = submitted.code
    full, brief = sections(client, panel)
    assert code in brief and code not in full
    concern = learning_services.raise_concern(
        enrolment=submitted.enrolment,
        what="Risk analysis",
        evidence="Observation 3",
        raised_on=today(),
        by=crew["assessor"],
    )
    full, brief = sections(client, panel)
    assert code in full and "open: discussed in full" in full
    learning_services.resolve_concern(concern=concern, resolved_on=today(), by=crew["deputy"])
    full, brief = sections(client, panel)
    assert code in brief and code not in full and "Capability (CAPABILITY)" in brief


def cancelled_and_authorised(enrolment, crew):
    course = learning_services.publish_course(
        kind="course",
        title="Assessment and analysis",
        held_on=enrolment.asye_start + timedelta(days=40),
        places=10,
        cohort=enrolment.cohort,
        by=crew["ld"],
    )
    place = learning_services.book_place(course=course, enrolment=enrolment, by=crew["ld"])
    place = learning_services.record_attendance(
        attendance=place, status=Attendance.Status.CANCELLED, by=crew["ld"]
    )
    return learning_services.decide_absence(
        attendance=place, as_role="pm", authorised=True, by=crew["pm"]
    )


def test_absence_decisions_freeze_once_the_portfolio_is_at_the_final_panel(
    crew, entry, portfolio, queued
):
    """TRAINING-MANDATORY: the final panel reads the record as submitted, so the decisions
    on the NQSW's absences stay as they were from then on; entered but not yet submitted,
    or submitted to a 6-month panel (the ASYE goes on), they may still change."""
    decision = cancelled_and_authorised(entry.enrolment, crew)

    def change(authorised):
        return learning_services.change_absence_decision(
            decision=decision, authorised=authorised, note="n", reason="r", by=crew["pm"]
        )

    change(False)  # entered for the panel, not submitted
    submitted = moderation_services.submit_portfolio(submission=entry, by=crew["nqsw"])
    with pytest.raises(ValidationError, match="submitted to the final moderation panel"):
        change(True)
    Panel.objects.filter(pk=submitted.panel_id).update(kind=Panel.Kind.SIX_MONTHS)
    change(True)
