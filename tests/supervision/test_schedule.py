"""SUP-WEEKLY, SUP-FORTNIGHTLY, SUP-THREE-WEEKLY, SUP-OVERDUE: the schedule at its edges.

`build_schedule` is pure, so these tests need no database.
"""

from datetime import date, timedelta

from cohorts.months import Shift
from supervision.schedule import (
    ASSESSOR_GROUP,
    JOINT,
    ONE_TO_ONE,
    PM_GROUP,
    Policy,
    SessionRecord,
    SupportPeriod,
    build_schedule,
)

SEPT = date(2026, 9, 1)  # a Tuesday; month 9 is May 2027
JAN = date(2027, 1, 4)  # a Monday; month 9 is September 2027


def days(*isos):
    return tuple(date.fromisoformat(iso) for iso in isos)


def plan(start=SEPT, today=date(2026, 8, 1), **kwargs):
    return build_schedule(start=start, today=today, **kwargs)


def one_to_one(iso, attended=True):
    return SessionRecord(date.fromisoformat(iso), ONE_TO_ONE, attended)


def test_weekly_for_six_weeks_then_fortnightly():
    # start, +7 ... +35 (the last date still in week 6), then +14: week 6 -> 7.
    planned = plan().planned
    assert planned[:8] == days(
        "2026-09-01",
        "2026-09-08",
        "2026-09-15",
        "2026-09-22",
        "2026-09-29",
        "2026-10-06",
        "2026-10-20",
        "2026-11-03",
    )


def test_september_start_goes_three_weekly_from_the_first_planned_date_in_may():
    planned = plan().planned
    assert planned[-7:] == days(
        "2027-04-20",  # month 8: still 14 days on
        "2027-05-04",  # the first planned date in month 9: 21 days from here
        "2027-05-25",
        "2027-06-15",
        "2027-07-06",
        "2027-07-27",
        "2027-08-17",  # the next (7 Sep) is after the last day of the ASYE, 31 Aug
    )
    assert len(planned) == 26


def test_january_start_goes_three_weekly_in_september():
    planned = plan(start=JAN, today=date(2026, 12, 1)).planned
    assert planned[:7] == days(
        "2027-01-04",
        "2027-01-11",
        "2027-01-18",
        "2027-01-25",
        "2027-02-01",
        "2027-02-08",
        "2027-02-22",
    )
    assert planned[-7:] == days(
        "2027-08-23",  # month 8
        "2027-09-06",  # month 9
        "2027-09-27",
        "2027-10-18",
        "2027-11-08",
        "2027-11-29",
        "2027-12-20",
    )


def test_support_flag_keeps_fortnightly_from_its_date():
    supported = plan(support=[SupportPeriod(date(2027, 5, 1))])
    assert supported.planned[-9:] == days(
        "2027-05-04",
        "2027-05-18",
        "2027-06-01",
        "2027-06-15",
        "2027-06-29",
        "2027-07-13",
        "2027-07-27",
        "2027-08-10",
        "2027-08-24",
    )
    # Recorded from June, May's dates still go three-weekly; fortnightly from June's.
    late = plan(support=[SupportPeriod(date(2027, 6, 1))])
    assert late.planned[20:24] == days("2027-05-04", "2027-05-25", "2027-06-15", "2027-06-29")


def test_support_flag_names_the_interval_in_the_status():
    sessions = [one_to_one("2027-05-10")]
    without = plan(today=date(2027, 5, 12), sessions=sessions)
    assert (without.next_due, without.rule, without.supported) == (
        date(2027, 5, 31),
        "SUP-THREE-WEEKLY",
        False,
    )
    with_support = plan(
        today=date(2027, 5, 12), sessions=sessions, support=[SupportPeriod(date(2027, 5, 1))]
    )
    assert (with_support.next_due, with_support.rule, with_support.supported) == (
        date(2027, 5, 24),
        "SUP-FORTNIGHTLY",
        True,
    )


def test_an_extension_moves_month_nine_and_the_last_day():
    # MONTH-2: six months' maternity leave from 16 November holds the months back six.
    extended = plan(shifts=[Shift(date(2026, 11, 16), 6)])
    assert extended.last_day == date(2028, 2, 29)
    # May 2027 is no longer month 9: still fortnightly...
    assert days("2027-05-04", "2027-05-18") == extended.planned[20:22]
    # ...until November 2027, month 9 once the six months are added back.
    assert extended.planned[-6:] == days(
        "2027-11-02",
        "2027-11-23",
        "2027-12-14",
        "2028-01-04",
        "2028-01-25",
        "2028-02-15",
    )


def test_nothing_recorded_the_start_is_due_and_then_overdue():
    before = plan(today=date(2026, 8, 20))
    assert (before.next_due, before.status, before.rule) == (SEPT, "on track", "SUP-WEEKLY")
    assert plan(today=date(2026, 8, 25)).status == "due soon"
    assert plan(today=SEPT).status == "due soon"
    late = plan(today=date(2026, 9, 2))
    assert (late.next_due, late.status, late.days_overdue) == (SEPT, "overdue by 1 day", 1)
    assert plan(today=date(2026, 9, 11)).status == "overdue by 10 days"


def test_a_recorded_one_to_one_re_anchors_the_chain():
    # Held on 3 Nov 2026 (a planned date) and again early on 10 Nov.
    sessions = [one_to_one("2026-11-03"), one_to_one("2026-11-10")]
    result = plan(today=date(2026, 11, 12), sessions=sessions)
    assert result.next_due == date(2026, 11, 24)
    assert result.last_supervision == date(2026, 11, 10)
    assert result.status == "on track"
    assert result.rule == "SUP-FORTNIGHTLY"
    # The original dates up to the last session, then the chain from it.
    assert result.planned[6:10] == days("2026-10-20", "2026-11-03", "2026-11-24", "2026-12-08")
    assert plan(today=date(2026, 11, 17), sessions=sessions).status == "due soon"
    assert plan(today=date(2026, 11, 26), sessions=sessions).status == "overdue by 2 days"


def test_re_anchoring_in_week_six_switches_to_fortnightly():
    # Day 34 (5 Oct) is before start + 35: the next is a week later, still in week 6.
    assert plan(today=date(2026, 10, 5), sessions=[one_to_one("2026-10-05")]).next_due == date(
        2026, 10, 12
    )
    # Day 35 (6 Oct) is the last weekly date: the next is 14 days on.
    at_35 = plan(today=date(2026, 10, 6), sessions=[one_to_one("2026-10-06")])
    assert (at_35.next_due, at_35.rule) == (date(2026, 10, 20), "SUP-FORTNIGHTLY")


def test_a_pm_group_session_counts_in_weeks_one_to_six_only():
    in_week_6 = SessionRecord(date(2026, 10, 12), PM_GROUP)  # day 41, week 6
    result = plan(today=date(2026, 10, 13), sessions=[one_to_one("2026-09-01"), in_week_6])
    assert result.last_supervision == date(2026, 10, 12)
    assert result.next_due == date(2026, 10, 26)
    in_week_7 = SessionRecord(date(2026, 10, 13), PM_GROUP)  # day 42, week 7
    result = plan(today=date(2026, 10, 14), sessions=[one_to_one("2026-10-06"), in_week_7])
    assert result.last_supervision == date(2026, 10, 6)
    assert result.next_due == date(2026, 10, 20)


def test_an_absence_or_another_kind_does_not_count():
    base = [one_to_one("2026-09-01")]
    for extra in [
        one_to_one("2026-09-08", attended=False),
        SessionRecord(date(2026, 9, 8), PM_GROUP, attended=False),
        SessionRecord(date(2026, 9, 8), ASSESSOR_GROUP),
        SessionRecord(date(2026, 9, 8), JOINT),
        one_to_one("2026-08-25"),  # before the ASYE start
        one_to_one("2026-09-20"),  # after `today`: not happened yet
    ]:
        result = plan(today=date(2026, 9, 10), sessions=[*base, extra])
        assert result.next_due == date(2026, 9, 8), extra
        assert result.status == "overdue by 2 days"


def test_after_the_asye_it_is_complete():
    result = plan(today=date(2027, 9, 1), sessions=[one_to_one("2027-08-20")])
    assert (result.next_due, result.status, result.state) == (None, "ASYE complete", "complete")
    # An enrolment that ended early is complete from the day after it ended.
    ended = plan(today=date(2027, 7, 1), ended=date(2027, 6, 30))
    assert ended.status == "ASYE complete"
    assert ended.planned[-1] <= date(2027, 6, 30)


def test_no_next_date_inside_the_asye_means_nothing_more_is_due():
    result = plan(today=date(2027, 8, 20), sessions=[one_to_one("2027-08-17")])
    assert result.next_due is None
    assert result.status == "on track"
    assert result.planned[-1] == date(2027, 8, 17)


def test_a_later_policy_row_applies_from_its_date_only():
    stricter = Policy(effective_from=date(2027, 1, 1), fortnightly_days=10)
    result = plan(policies=[Policy(), stricter])
    # 29 Dec is under the old row (14 days on); 12 Jan onwards under the new one.
    assert result.planned[11:15] == days("2026-12-29", "2027-01-12", "2027-01-22", "2027-02-01")


def test_required_to_date_counts_the_unsupervised_chain():
    result = plan(today=date(2026, 10, 20), sessions=[one_to_one("2026-09-01")])
    assert result.required_to_date == 7
    assert result.qualifying_sessions == 1
    assert build_schedule(start=SEPT, today=SEPT + timedelta(days=6)).required_to_date == 1


def test_the_rule_in_force_on_the_day_itself():
    """`rule_today` is the rule that sets the interval on that date, whatever was last held:
    weeks 1-6 weekly, then fortnightly, three-weekly from month 9 unless supported."""
    week6_last_day = SEPT + timedelta(days=41)
    assert plan(today=date(2026, 8, 20)).rule_today == "SUP-WEEKLY"  # before the start
    assert plan(today=week6_last_day).rule_today == "SUP-WEEKLY"
    assert plan(today=week6_last_day + timedelta(days=1)).rule_today == "SUP-FORTNIGHTLY"
    assert plan(today=date(2027, 4, 30)).rule_today == "SUP-FORTNIGHTLY"
    assert plan(today=date(2027, 5, 1)).rule_today == "SUP-THREE-WEEKLY"
    supported = [SupportPeriod(starts=date(2027, 5, 1))]
    assert plan(today=date(2027, 5, 3), support=supported).rule_today == "SUP-FORTNIGHTLY"
    # A three-month extension holds month 9 back to August.
    shifted = [Shift(starts=date(2026, 12, 1), months=3)]
    assert plan(today=date(2027, 7, 31), shifts=shifted).rule_today == "SUP-FORTNIGHTLY"
    assert plan(today=date(2027, 8, 1), shifts=shifted).rule_today == "SUP-THREE-WEEKLY"
    assert plan(today=date(2027, 9, 1)).rule_today is None  # the ASYE is over
