"""CAPABILITY reaches the moderation panel: an open concern (or a PiP without its outcome)
puts the portfolio on the fail-pathway agenda for full discussion (MOD-FAIL-FULL); once
settled, the panel still sees the outcome but the portfolio is presented briefly."""

import pytest
from django.urls import reverse

from learning import pathway_services as learning_services
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
