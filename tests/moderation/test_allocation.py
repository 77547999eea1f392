"""The automatic allocation (MOD-ALLOCATE) as a pure function: conflicts, continuity, balance.

And the same through the service: a final panel keeps each NQSW with the moderator who read
them at six months, balanced, and refuses by hand what the rule forbids.
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from academy.models import Person
from cohorts.models import Enrolment
from moderation import services
from moderation.allocation import Moderator, Portfolio, allocate
from moderation.models import Allocation, Panel
from tests import factories
from tests.moderation.conftest import at, finished_start, make_panel, member, seats, today


def loads(result, moderators):
    return result.loads(moderators)


def spread(result, moderators):
    values = loads(result, moderators).values()
    return max(values) - min(values)


# --- The pure function ------------------------------------------------------------------------


def test_balanced_when_nothing_else_matters():
    moderators = [Moderator(key) for key in (1, 2, 3)]
    result = allocate([Portfolio(key) for key in range(100, 110)], moderators)
    assert len(result.allocations) == 10 and not result.unallocated
    assert sorted(loads(result, moderators).values()) == [3, 3, 4]


def test_nobody_reads_a_portfolio_they_may_not():
    moderators = [Moderator(1), Moderator(2)]
    portfolios = [Portfolio(10, conflicts=frozenset({1})), Portfolio(11, conflicts=frozenset({2}))]
    result = allocate(portfolios, moderators)
    assert result.allocations == {10: 2, 11: 1}


def test_a_portfolio_nobody_may_read_is_left_for_the_team():
    result = allocate([Portfolio(10, conflicts=frozenset({1, 2}))], [Moderator(1), Moderator(2)])
    assert result.allocations == {} and result.unallocated == [10]


def test_no_moderators_leaves_everything_unallocated():
    result = allocate([Portfolio(10), Portfolio(11)], [])
    assert result.unallocated == [10, 11]


def test_continuity_keeps_the_moderator_from_six_months():
    moderators = [Moderator(key) for key in (1, 2, 3)]
    portfolios = [
        Portfolio(10, previous=3),
        Portfolio(11, previous=3),
        Portfolio(12, previous=1),
        Portfolio(13, previous=2),
        Portfolio(14, previous=2),
        Portfolio(15, previous=1),
    ]
    result = allocate(portfolios, moderators)
    assert result.allocations == {10: 3, 11: 3, 12: 1, 13: 2, 14: 2, 15: 1}
    assert result.continued == {10, 11, 12, 13, 14, 15}


def test_continuity_gives_way_to_balance():
    """One moderator read everyone at six months: they keep their fair share, no more."""
    moderators = [Moderator(key) for key in (1, 2, 3)]
    portfolios = [Portfolio(key, previous=1) for key in range(10, 16)]
    result = allocate(portfolios, moderators)
    assert loads(result, moderators) == {1: 2, 2: 2, 3: 2}
    assert result.continued == {10, 11}


def test_continuity_and_balance_together_stay_within_one():
    moderators = [Moderator(key) for key in (1, 2, 3)]
    # Seven portfolios: the fair shares are 3, 2, 2. Two moderators each read three before.
    portfolios = [Portfolio(10 + n, previous=1 if n < 3 else 2) for n in range(6)]
    portfolios.append(Portfolio(20))
    result = allocate(portfolios, moderators)
    assert spread(result, moderators) <= 1
    assert len(result.continued) == 5  # only one of the two may carry the extra one


def test_continuity_is_not_kept_with_someone_who_now_may_not_read_it():
    result = allocate(
        [Portfolio(10, previous=1, conflicts=frozenset({1}))], [Moderator(1), Moderator(2)]
    )
    assert result.allocations == {10: 2} and not result.continued


def test_continuity_needs_the_moderator_on_this_panel():
    result = allocate([Portfolio(10, previous=9)], [Moderator(1), Moderator(2)])
    assert result.allocations == {10: 1} and not result.continued


def test_existing_loads_count():
    """Allocations made by hand already count towards the balance."""
    moderators = [Moderator(1, load=3), Moderator(2), Moderator(3)]
    result = allocate([Portfolio(key) for key in range(10, 16)], moderators)
    assert loads(result, moderators) == {1: 3, 2: 3, 3: 3}


def test_the_most_constrained_go_first():
    """The portfolio only one member may read still gets them."""
    moderators = [Moderator(1), Moderator(2)]
    portfolios = [Portfolio(10), Portfolio(11, conflicts=frozenset({2}))]
    result = allocate(portfolios, moderators)
    assert result.allocations[11] == 1 and result.allocations[10] == 2


def test_someone_who_knows_the_nqsw_is_passed_over_when_another_is_as_free():
    moderators = [Moderator(1), Moderator(2)]
    result = allocate([Portfolio(10, avoid=frozenset({1}))], moderators)
    assert result.allocations == {10: 2}
    # ...but not at the cost of the balance.
    moderators = [Moderator(1), Moderator(2, load=1)]
    result = allocate([Portfolio(10, avoid=frozenset({1}))], moderators)
    assert result.allocations == {10: 1}


@pytest.mark.parametrize("count, members", [(1, 1), (7, 3), (20, 6), (13, 4), (30, 7)])
def test_balance_holds_for_any_size(count, members):
    moderators = [Moderator(key) for key in range(members)]
    portfolios = [Portfolio(100 + n, previous=n % 2) for n in range(count)]
    result = allocate(portfolios, moderators)
    assert len(result.allocations) == count
    assert spread(result, moderators) <= 1


def test_the_same_inputs_give_the_same_allocation():
    moderators = [Moderator(key) for key in (5, 3, 9)]
    portfolios = [Portfolio(key, previous=(3 if key % 3 else None)) for key in range(20)]
    assert (
        allocate(portfolios, moderators).allocations
        == allocate(list(reversed(portfolios)), list(reversed(moderators))).allocations
    )


# --- Through the service ----------------------------------------------------------------------


def nqsw(group=None):
    return factories.EnrolmentFactory(
        asye_start=finished_start(), **({"practice_group": group} if group else {})
    )


@pytest.mark.django_db
def test_the_final_panel_keeps_each_nqsw_with_their_six_month_moderator(crew, queued):
    enrolments = [nqsw() for _ in range(6)]
    six_held = enrolments[0].month_starts_on(7) + timedelta(days=21)
    six = make_panel(crew, kind=Panel.Kind.SIX_MONTHS, held_on=six_held)
    services.enter_for_panel(panel=six, enrolments=enrolments, by=crew["ld"])
    first = services.allocate_automatically(panel=six, by=crew["ld"])
    assert len(first.allocations) == 6 and not first.continued
    before = {
        a.submission.enrolment_id: a.moderator.person_id
        for a in Allocation.objects.filter(submission__panel=six).select_related(
            "submission", "moderator"
        )
    }

    final = make_panel(crew)
    services.enter_for_panel(panel=final, enrolments=enrolments, by=crew["ld"])
    result = services.allocate_automatically(panel=final, by=crew["ld"])
    after = {
        a.submission.enrolment_id: a.moderator.person_id
        for a in Allocation.objects.filter(submission__panel=final).select_related(
            "submission", "moderator"
        )
    }
    assert after == before
    assert len(result.continued) == 6
    assert all(
        a.continued and a.automatic for a in Allocation.objects.filter(submission__panel=final)
    )
    # Four moderators (deputy, L&D, SDL adults, the CLA group manager): 2, 2, 1, 1.
    per = Counter(
        Allocation.objects.filter(submission__panel=final).values_list(
            "moderator__person_id", flat=True
        )
    )
    assert len(per) == 4 and max(per.values()) - min(per.values()) <= 1


@pytest.mark.django_db
def test_automatic_allocation_never_gives_a_moderator_their_own_nqsw(crew, queued):
    """The deputy chair assesses one NQSW and the L&D officer manages another's team."""
    assessed = factories.EnrolmentFactory(asye_start=finished_start(), assessor=crew["deputy"])
    led_group = factories.PracticeGroupFactory(practice_manager=crew["ld"])
    led = factories.EnrolmentFactory(asye_start=finished_start(), practice_group=led_group)
    panel = make_panel(crew)
    services.enter_for_panel(panel=panel, enrolments=[assessed, led], by=crew["ld"])
    services.allocate_automatically(panel=panel, by=crew["ld"])
    rows = Allocation.objects.filter(submission__panel=panel).select_related(
        "submission", "moderator"
    )
    for row in rows:
        enrolment = row.submission.enrolment
        assert row.moderator.person_id not in (
            enrolment.assessor_id,
            enrolment.practice_group.practice_manager_id,
        )


@pytest.mark.django_db
def test_allocation_by_hand_refuses_the_nqsws_assessor(crew, queued):
    enrolment = factories.EnrolmentFactory(asye_start=finished_start(), assessor=crew["deputy"])
    panel = make_panel(crew)
    [entry] = services.enter_for_panel(panel=panel, enrolments=[enrolment], by=crew["ld"])
    with pytest.raises(ValidationError, match="MOD-ALLOCATE: .* is this NQSW's assessor"):
        services.allocate_to(
            submission=entry, moderator=member(panel, crew["deputy"]), by=crew["ld"]
        )


@pytest.mark.django_db
def test_allocation_by_hand_refuses_the_nqsws_practice_manager(crew, queued):
    led_group = factories.PracticeGroupFactory(practice_manager=crew["ld"])
    enrolment = factories.EnrolmentFactory(asye_start=finished_start(), practice_group=led_group)
    panel = make_panel(crew)
    [entry] = services.enter_for_panel(panel=panel, enrolments=[enrolment], by=crew["ld"])
    with pytest.raises(ValidationError, match="MOD-ALLOCATE: .* is this NQSW's practice manager"):
        services.allocate_to(submission=entry, moderator=member(panel, crew["ld"]), by=crew["ld"])


@pytest.mark.django_db
def test_the_chair_and_the_external_members_are_not_allocated(crew, queued, entry, panel):
    for person_or_role in [crew["chair"]]:
        with pytest.raises(ValidationError, match="MOD-ALLOCATE: .* does not moderate"):
            services.allocate_to(
                submission=entry, moderator=member(panel, person_or_role), by=crew["ld"]
            )
    university = panel.members.get(role="university")
    with pytest.raises(ValidationError, match="MOD-ALLOCATE"):
        services.allocate_to(submission=entry, moderator=university, by=crew["ld"])


@pytest.mark.django_db
def test_hand_adjustment_moves_a_portfolio_until_the_form_is_started(
    crew, queued, allocated, panel
):
    deputy = member(panel, crew["deputy"])
    services.set_moderators(submission=allocated, moderators=[deputy], by=crew["ld"])
    assert [a.moderator for a in allocated.allocations.all()] == [deputy]
    services.record_form(
        allocation=allocated.allocations.get(),
        by=crew["deputy"],
        values={"comments": "Started."},
        at=at(today()),
    )
    with pytest.raises(ValidationError, match="MOD-ALLOCATE: .* has started the form"):
        services.set_moderators(
            submission=allocated, moderators=[member(panel, crew["ld"])], by=crew["ld"]
        )


# --- MOD-ANON: nobody moderates a portfolio whose name they know --------------------------------


def service_gm(crew):
    """A second group manager of the NQSW's own service (CAI), on the panel."""
    return factories.PersonFactory(role=Person.Role.GROUP_MANAGER, service=crew["gm"].service)


@pytest.mark.django_db
def test_allocation_by_hand_refuses_a_group_manager_of_the_nqsws_service(crew, queued, enrolment):
    """Issue 10 item 9: a GM of the NQSW's service can open the named portfolio."""
    colleague = service_gm(crew)
    panel = make_panel(crew, seats=seats(crew, crew["other_gm"], crew["gm"], colleague))
    [entry] = services.enter_for_panel(panel=panel, enrolments=[enrolment], by=crew["ld"])
    for gm in (crew["gm"], colleague):
        with pytest.raises(ValidationError, match="MOD-ANON: .* can open this NQSW's named"):
            services.allocate_to(submission=entry, moderator=member(panel, gm), by=crew["ld"])
        with pytest.raises(ValidationError, match="MOD-ANON"):
            services.set_moderators(submission=entry, moderators=[member(panel, gm)], by=crew["ld"])
    assert not entry.allocations.exists()
    # The CLA group manager does not know this NQSW, and may moderate them.
    services.allocate_to(submission=entry, moderator=member(panel, crew["other_gm"]), by=crew["ld"])


@pytest.mark.django_db
def test_automatic_allocation_never_gives_a_moderator_an_nqsw_they_can_see(crew, queued, group):
    """Both group managers of the NQSW's service sit on the panel, and are the least loaded:
    they still get none of their service's portfolios; the CLA portfolio may go to them."""
    colleague = service_gm(crew)
    ours = [factories.EnrolmentFactory(practice_group=group, asye_start=finished_start())]
    ours.append(
        factories.EnrolmentFactory(
            practice_group=factories.PracticeGroupFactory(service=group.service),
            asye_start=finished_start(),
        )
    )
    theirs = [nqsw(crew["other_gm"].managed_groups.first()) for _ in range(2)]
    panel = make_panel(crew, seats=seats(crew, crew["gm"], colleague))
    services.enter_for_panel(panel=panel, enrolments=[*ours, *theirs], by=crew["ld"])
    result = services.allocate_automatically(panel=panel, by=crew["ld"])
    assert len(result.allocations) == 4 and not result.unallocated
    rows = Allocation.objects.filter(submission__panel=panel).select_related(
        "submission__enrolment", "moderator__person__user"
    )
    given = {(row.moderator.person, row.submission.enrolment) for row in rows}
    assert not {(gm, e) for gm in (crew["gm"], colleague) for e in ours} & given
    assert {e for gm, e in given if gm in (crew["gm"], colleague)} <= set(theirs)
    for person, enrolment in given:
        named = Enrolment.objects.visible_to(person.user).filter(pk=enrolment.pk)
        assert not named.exists() or person.is_professional_practice


@pytest.mark.django_db
def test_the_professional_practice_team_moderates_though_it_sees_every_cohort(
    crew, queued, enrolment
):
    panel = make_panel(crew, seats=seats(crew, crew["gm"]))
    [entry] = services.enter_for_panel(panel=panel, enrolments=[enrolment], by=crew["ld"])
    for person in ("deputy", "ld", "sdl_adults"):
        # The Professional Practice team may resolve codes (MOD-ANON) and may moderate.
        services.allocate_to(submission=entry, moderator=member(panel, crew[person]), by=crew["ld"])
    assert crew["gm"] not in {a.moderator.person for a in entry.allocations.all()}
