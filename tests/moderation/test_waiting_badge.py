"""The navigation badge (issue 11) of the panel's chair (MOD-DECISION, PROGRESSION), the
Professional Practice team (MOD-ALLOCATE) and the NQSW (MOD-SUBMIT): the number is the length
of the list on the page it links to, and costs one query at most on any other page."""

import re

import pytest
from django.urls import reverse

from academy.access import person_of
from home.waiting import waiting_count
from moderation import services
from tests.moderation.conftest import at, member

pytestmark = pytest.mark.django_db


def get(client, user, url=None):
    client.force_login(user)
    response = client.get(url or reverse("home"))
    assert response.status_code == 200
    return response


def badge(response) -> int:
    """The number the navigation shows on Home (0 when there is no badge), with its
    accessible name."""
    found = re.search(
        r'id="waiting-badge">(\d+)<span class="visually-hidden"> waiting on you', response.text
    )
    return int(found[1]) if found else 0


def draft(submission, crew):
    return services.record_decision(
        submission=submission,
        by=crew["chair"],
        verdict="verified",
        reasons="The evidence supports the assessor.",
        sign_off=False,
        at=at(submission.panel.held_on),
    )


def test_the_chair_signs_off_then_authorises_the_pay_progression(client, crew, queued, moderated):
    chair = crew["chair"].user
    home = get(client, chair)
    assert home.context["chair_waiting"] == [] and badge(home) == 0
    decision = draft(moderated, crew)
    home = get(client, chair)
    assert home.context["chair_waiting"] == [decision]
    assert home.context["waiting_count"] == badge(home) == 1
    assert reverse("moderation:decision", args=[moderated.code]) in home.text
    # On another page the badge says the same.
    assert badge(get(client, chair, reverse("moderation:panel_list"))) == 1
    services.sign_off_decision(decision=decision, by=crew["chair"], at=at(moderated.panel.held_on))
    home = get(client, chair)
    assert home.context["chair_waiting"] == [decision]  # now a final PASS to authorise
    assert badge(home) == 1
    assert reverse("moderation:progression", args=[moderated.code]) in home.text
    services.authorise_progression(submission=moderated, by=crew["chair"])
    home = get(client, chair)
    assert home.context["chair_waiting"] == [] and badge(home) == 0
    assert "No decision waits for your sign-off" in home.text


def test_what_waits_on_the_chair_is_not_the_deputys(client, crew, queued, moderated):
    draft(moderated, crew)
    deputy = get(client, crew["deputy"].user)
    assert "chair_waiting" not in deputy.context
    assert badge(deputy) == 0  # their badge is the unallocated portfolios: none


@pytest.mark.parametrize("who", ["ld", "deputy"])
def test_professional_practice_counts_the_next_panels_unallocated_portfolios(
    client, crew, panel, entry, who
):
    user = crew[who].user
    home = get(client, user)
    assert home.context["panel"].unallocated == home.context["waiting_count"] == badge(home) == 1
    # The panel's page (linked from the count) lists that place with no moderator.
    detail = get(client, user, reverse("moderation:panel_detail", args=[panel.pk]))
    unallocated = [r for r in detail.context["rows"] if not r["allocations"] and not r["decision"]]
    assert len(unallocated) == badge(detail) == 1
    services.allocate_to(submission=entry, moderator=member(panel, crew["other_gm"]), by=crew["ld"])
    home = get(client, user)
    assert home.context["panel"].unallocated == badge(home) == 0


def test_the_nqsws_badge_is_their_portfolio_still_to_submit(client, crew, entry, portfolio):
    nqsw = crew["nqsw"].user
    home = get(client, nqsw)
    open_deadlines = [
        d
        for d in home.context["progress"].deadlines
        if d.rule == "MOD-SUBMIT" and d.state != "done"
    ]
    assert len(open_deadlines) == home.context["waiting_count"] == badge(home) == 1
    page = get(client, nqsw, reverse("moderation:panel_list"))
    assert [e for e in page.context["entries"] if not e.is_submitted] == [entry]
    assert badge(page) == 1
    services.submit_portfolio(submission=entry, by=crew["nqsw"])
    assert (
        badge(get(client, nqsw)) == badge(get(client, nqsw, reverse("moderation:panel_list"))) == 0
    )


def test_a_closed_panel_waits_on_nobody(client, crew, queued, panel, entry):
    services.close_panel(panel=panel, by=crew["chair"], at=at(panel.held_on, 18))
    assert badge(get(client, crew["nqsw"].user)) == 0
    assert badge(get(client, crew["ld"].user)) == 0


@pytest.mark.parametrize("who", ["sdl_adults", "other_gm", "assessor", "admin"])
def test_no_badge_for_the_other_panel_members(client, crew, queued, moderated, who):
    draft(moderated, crew)
    for url in (reverse("home"), reverse("moderation:panel_list")):
        assert "waiting-badge" not in get(client, crew[who].user, url).text


def test_no_badge_for_a_superuser(client, crew, queued, moderated, superuser):
    draft(moderated, crew)
    for url in (reverse("home"), reverse("moderation:panel_list")):
        assert "waiting-badge" not in get(client, superuser, url).text


@pytest.mark.parametrize("who", ["chair", "deputy", "ld", "nqsw"])
def test_the_badge_costs_one_query_at_most(
    crew, queued, moderated, who, django_assert_max_num_queries
):
    draft(moderated, crew)
    user = crew[who].user
    person = person_of(user)
    with django_assert_max_num_queries(1):
        assert waiting_count(user, person) == (1 if who == "chair" else 0)
