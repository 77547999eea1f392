"""Every moderation list costs the same number of queries for 3 portfolios or 30.

A panel with 3 NQSWs and one with 30 (ten times as many), each submitted, allocated,
moderated and partly decided; the big one must not take more queries than the small one.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from moderation import services
from moderation.models import Panel
from tests import factories
from tests.moderation.conftest import COMPLETE_FORM, at, finished_start, make_panel, today

pytestmark = pytest.mark.django_db


def filled_panel(crew, size):
    """A 6-month panel that has met: `size` portfolios in, every form complete, the first
    third decided and signed off, one form with concerns and one portfolio on a fail pathway."""
    enrolments = [factories.EnrolmentFactory(asye_start=finished_start()) for _ in range(size)]
    held_on = enrolments[0].month_starts_on(7) + timedelta(days=20)
    panel = make_panel(crew, kind=Panel.Kind.SIX_MONTHS, held_on=held_on)
    entered = services.enter_for_panel(panel=panel, enrolments=enrolments, by=crew["ld"])
    for n, entry in enumerate(entered):
        services.submit_portfolio(
            submission=entry,
            by=entry.enrolment.assessor,
            fail_pathway=n == 0,
            at=at(panel.submissions_due_on),
        )
    services.allocate_automatically(panel=panel, by=crew["ld"])
    for n, entry in enumerate(entered):
        for allocation in entry.allocations.select_related("moderator__person"):
            services.record_form(
                allocation=allocation,
                by=allocation.moderator.person,
                values={
                    **COMPLETE_FORM,
                    "final_report": "na",
                    "concerns": n == 1,
                    "concern_details": "Thin evidence." if n == 1 else "",
                },
                complete=True,
                at=at(panel.held_on),
            )
        if n < size // 3:
            services.record_decision(
                submission=entry,
                by=crew["chair"],
                verdict="verified",
                reasons="Agreed.",
                sign_off=True,
                at=at(panel.held_on),
            )
    return panel


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize(
    "who, url_name",
    [
        ("chair", "agenda"),
        ("chair", "panel_detail"),
        ("other_gm", "reading_list"),
        ("chair", "panel_list"),
        ("other_gm", "panel_list"),
    ],
)
def test_lists_do_not_grow_with_the_portfolios(
    client, crew, queued, django_assert_max_num_queries, who, url_name
):
    client.force_login(crew[who].user)

    def url(panel):
        if url_name in ("agenda", "panel_detail"):
            return reverse(f"moderation:{url_name}", args=[panel.pk])
        return reverse(f"moderation:{url_name}")

    small = filled_panel(crew, 3)
    if url_name in ("agenda", "panel_detail"):
        # One panel's pages: the same world, a panel ten times the size.
        big = filled_panel(crew, 30)
        small_count, _ = count(client, url(small))
    else:
        # Lists across panels: before and after ten times as many portfolios.
        small_count, _ = count(client, url(small))
        big = filled_panel(crew, 30)
    with django_assert_max_num_queries(small_count):
        response = client.get(url(big))
    assert response.status_code == 200
    if url_name == "agenda":
        text = response.text
        # Fail pathway and concerns first (MOD-FAIL-FULL).
        full, brief = text.split("For full discussion")[1].split("Presented briefly")
        codes = {s.code for s in big.submissions.all()}
        in_full = [c for c in codes if c in full]
        assert len(in_full) == 2 and all(c in brief for c in codes - set(in_full))
    if url_name == "reading_list":
        mine = big.submissions.filter(allocations__moderator__person=crew["other_gm"])
        assert mine.exists() and all(s.code in response.text for s in mine)


# --- The NQSWs due for a panel (MOD-POINTS, issue 17) -------------------------------------------


def add_due(crew, count, held_back=0):
    """`count` NQSWs due for a final panel, and `held_back` more whose extension puts their
    completion after it (candidates all the same)."""
    from cohorts.services import record_extension

    added = [factories.EnrolmentFactory(asye_start=finished_start()) for _ in range(count)]
    for _ in range(held_back):
        enrolment = factories.EnrolmentFactory(asye_start=finished_start())
        record_extension(
            enrolment=enrolment,
            reason="sickness",
            first_day=enrolment.asye_start + timedelta(days=40),
            last_day=enrolment.asye_start + timedelta(days=40 + 60),
            approved_by=crew["pm"],
        )
    return added


def due_shown(response) -> list[int]:
    return [int(pk) for pk in response.context["enter_form"].due]


def test_the_panel_page_costs_the_same_with_ten_times_the_nqsws_due(
    client, crew, django_assert_max_num_queries
):
    panel = make_panel(crew)
    url = reverse("moderation:panel_detail", args=[panel.pk])
    add_due(crew, 3, held_back=1)
    client.force_login(crew["chair"].user)
    few, response = count(client, url)
    assert len(due_shown(response)) == 4  # the fixtures' NQSW too
    add_due(crew, 27, held_back=9)
    with django_assert_max_num_queries(min(few, 15)):
        response = client.get(url)
    assert len(due_shown(response)) == 31


def test_the_nqsws_due_are_shown_a_page_at_a_time(client, crew, enrolment, monkeypatch):
    """A page of them, all ticked; once entered they leave the list and the rest move up."""
    from moderation import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    panel = make_panel(crew)
    url = reverse("moderation:panel_detail", args=[panel.pk])
    due = sorted([enrolment, *add_due(crew, 2)], key=lambda e: (e.person.full_name, e.pk))
    client.force_login(crew["chair"].user)
    first = client.get(url)
    assert due_shown(first) == [e.pk for e in due[:2]]
    assert first.context["enter_form"]["enrolments"].initial == [str(e.pk) for e in due[:2]]
    assert "Page 1 of 2 (3 in all)" in first.text
    second = client.get(url, {"page": 2})
    assert due_shown(second) == [due[2].pk]
    response = client.post(
        reverse("moderation:panel_enter", args=[panel.pk]),
        {"enrolments": [str(e.pk) for e in due[:2]]},
    )
    assert response.status_code == 302
    entered = set(panel.submissions.values_list("enrolment_id", flat=True))
    assert entered == {e.pk for e in due[:2]}
    after = client.get(url)
    assert due_shown(after) == [due[2].pk]
    assert "Page 1 of" not in after.text
    # A moderator sees no page of it.
    client.force_login(crew["other_gm"].user)
    assert client.get(url, {"page": 2}).status_code == 403


def test_only_the_nqsws_due_can_be_entered_from_any_page(client, crew, enrolment):
    panel = make_panel(crew)
    not_yet = factories.EnrolmentFactory(asye_start=today().replace(day=1))
    client.force_login(crew["chair"].user)
    response = client.post(
        reverse("moderation:panel_enter", args=[panel.pk]), {"enrolments": [str(not_yet.pk)]}
    )
    assert response.status_code == 302
    assert not panel.submissions.exists()
