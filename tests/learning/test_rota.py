"""The MASH planner's rules at their boundaries (MASH-ROTA)."""

from collections import Counter
from datetime import date, timedelta

import pytest

from cohorts.services import record_extension
from learning.rota import in_mash_season, mash_season_start, plan, weeks_of
from tests import factories
from tests.learning.conftest import loaded, monday_of, team_of

# Academy year 2026/27: 1 January 2027 is a Friday, so the MASH starts on Monday 4 January.
SEASON = date(2027, 1, 4)


def by_week(slots):
    return Counter((slot.enrolment.pk, monday_of(slot.day)) for slot in slots)


def test_the_season_starts_on_the_first_working_day_of_january():
    assert mash_season_start(date(2026, 9, 1)) == SEASON
    assert mash_season_start(date(2027, 8, 31)) == SEASON
    assert mash_season_start(date(2027, 9, 1)) == date(2028, 1, 4)  # Sat 1st, Mon 3rd holiday
    assert mash_season_start(date(2026, 3, 1)) == date(2026, 1, 2)  # Thu 1st
    assert not in_mash_season(date(2027, 1, 1))
    assert not in_mash_season(date(2026, 12, 31))
    assert in_mash_season(SEASON)
    assert not in_mash_season(date(2027, 1, 9))  # a Saturday
    assert not in_mash_season(date(2028, 1, 3))  # the substitute bank holiday
    assert in_mash_season(date(2028, 1, 4))


def test_nothing_before_january_and_every_nqsw_in_the_first_week(team):
    slots = plan(loaded(team), date(2026, 12, 21), 3, capacity=1)
    assert slots
    assert min(slot.day for slot in slots) >= SEASON
    assert all(slot.day.weekday() < 5 for slot in slots)
    first_week = [slot for slot in slots if slot.day < SEASON + timedelta(days=7)]
    assert sorted(slot.enrolment.pk for slot in first_week) == sorted(e.pk for e in team)


def test_the_first_week_of_january_when_new_year_falls_on_a_saturday(db):
    members = team_of(5, start=date(2027, 9, 1))
    slots = plan(loaded(members), date(2028, 1, 3), 1, capacity=1)
    # Monday 3 January 2028 is the substitute bank holiday: four days for five NQSWs.
    assert {slot.day for slot in slots} == {date(2028, 1, d) for d in (4, 5, 6, 7)}
    assert len(slots) == 4


def test_each_nqsw_exactly_once_a_week_rotating_weekdays(team):
    slots = plan(loaded(team), SEASON, 10, capacity=1)
    counts = by_week(slots)
    assert set(counts.values()) == {1}
    assert len(counts) == 3 * 10
    for enrolment in team:
        weekdays = Counter(s.day.weekday() for s in slots if s.enrolment.pk == enrolment.pk)
        assert set(weekdays) == {0, 1, 2, 3, 4}
        assert max(weekdays.values()) == 2


def test_capacity_per_team_per_day(db):
    group = factories.PracticeGroupFactory()
    members = team_of(7, group)
    other = team_of(2)
    slots = plan(loaded(members + other), SEASON, 4, capacity=1)
    per_day = Counter((s.day, s.enrolment.practice_group_id) for s in slots)
    assert max(per_day.values()) == 1
    # Two teams may share a day; five places a week for seven NQSWs.
    assert sum(1 for s in slots if s.enrolment.practice_group_id == group.pk) == 5 * 4
    assert max(by_week(slots).values()) == 1
    # The two left out rotate: over four weeks nobody is left out every week.
    placed = Counter(s.enrolment.pk for s in slots if s.enrolment.practice_group_id == group.pk)
    assert set(placed) == {e.pk for e in members}

    roomy = plan(loaded(members), SEASON, 2, capacity=2)
    assert max(Counter(s.day for s in roomy).values()) <= 2
    assert set(by_week(roomy).values()) == {1} and len(by_week(roomy)) == 14


def test_no_trainees(db):
    group = factories.PracticeGroupFactory()
    trainee = factories.TraineeEnrolmentFactory(practice_group=group)
    ou = factories.TraineeEnrolmentFactory(
        practice_group=group, programme="OU_BA", asye_start=date(2027, 1, 4)
    )
    nqsw = factories.EnrolmentFactory(practice_group=group)
    slots = plan(loaded([trainee, ou, nqsw]), SEASON, 2, capacity=1)
    assert {s.enrolment.pk for s in slots} == {nqsw.pk}


def test_never_before_the_asye_start(db):
    late = factories.EnrolmentFactory(asye_start=date(2027, 1, 13))  # a Wednesday
    slots = plan(loaded([late]), SEASON, 3, capacity=1)
    days = [s.day for s in slots]
    assert all(day >= date(2027, 1, 13) for day in days)
    # Available from Wednesday in week two, so once that week too.
    assert len(days) == 2


def test_finished_and_ended_enrolments_are_left_out(db):
    passed = factories.EnrolmentFactory(status="passed", end_date=date(2027, 1, 6))
    assert plan(loaded([passed]), SEASON, 2, capacity=1) == []


def test_never_on_recorded_leave(db):
    enrolment = factories.EnrolmentFactory()
    pm = enrolment.practice_group.practice_manager
    # Leave from Tuesday 5 January 2027 for 7 weeks: only Monday of the first week is open.
    record_extension(
        enrolment=enrolment,
        reason="maternity",
        first_day=date(2027, 1, 5),
        last_day=date(2027, 2, 22),  # a Monday
        approved_by=pm,
    )
    slots = plan(loaded([enrolment]), SEASON, 9, capacity=1)
    days = [s.day for s in slots]
    assert all(not (date(2027, 1, 5) <= day <= date(2027, 2, 22)) for day in days)
    assert date(2027, 1, 4) in days
    # The week of the leave's last day (a Monday): Tuesday to Friday are open.
    assert any(date(2027, 2, 23) <= day <= date(2027, 2, 26) for day in days)
    assert max(by_week(slots).values()) == 1


def test_caller_unavailable_days_are_skipped(db):
    enrolment = factories.EnrolmentFactory()
    week = [SEASON + timedelta(days=n) for n in range(4)]
    slots = plan(
        loaded([enrolment]), SEASON, 1, capacity=1, unavailable={(enrolment.pk, d) for d in week}
    )
    assert [s.day for s in slots] == [SEASON + timedelta(days=4)]


def test_a_period_from_midweek_clips_its_weeks():
    weeks = list(weeks_of(date(2027, 1, 6), 2))
    assert [days for _, days in weeks] == [
        [date(2027, 1, 6), date(2027, 1, 7), date(2027, 1, 8)],
        [date(2027, 1, d) for d in (11, 12, 13, 14, 15)],
        [date(2027, 1, 18), date(2027, 1, 19)],
    ]


def test_a_midweek_period_still_places_each_nqsw_once_per_week(team):
    slots = plan(loaded(team), date(2027, 1, 6), 2, capacity=1)
    counts = by_week(slots)
    assert set(counts.values()) == {1}
    # Wednesday to Friday, a full week, then Monday and Tuesday: two places for three.
    assert len(counts) == 3 + 3 + 2


@pytest.mark.parametrize("weeks,capacity", [(0, 1), (1, 0)])
def test_bad_arguments(weeks, capacity):
    with pytest.raises(ValueError):
        plan([], SEASON, weeks, capacity)
