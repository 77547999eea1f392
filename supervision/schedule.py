"""When an NQSW's next supervision is due (SUP-WEEKLY, SUP-FORTNIGHTLY, SUP-THREE-WEEKLY,
SUP-OVERDUE) as one pure function of plain values: no database, no clock.

Every page, list, feed, email and command calls `build_schedule`, so they can never
disagree about a date. The callers turn rows into the plain values below
(`supervision.models.schedule_for`).

The definition
--------------
`step(p)`, the interval after a supervision (or planned date) on day `p`:

* 7 days (SUP-WEEKLY) while the next date would still fall within week 6 of the ASYE,
  i.e. `p < start + 35` days with the seeded policy (weeks are counted from the start date
  itself, as `cohorts.months.week_of_asye` does);
* otherwise 21 days (SUP-THREE-WEEKLY) when `p` is in ASYE month 9 or later (MONTH-1 and
  MONTH-2: `cohorts.months.asye_month` with the approved extensions' shifts) and no "more
  frequent support" period covers `p`;
* otherwise 14 days (SUP-FORTNIGHTLY). A support period in month 9+ keeps 14 days and the
  rule reported is SUP-FORTNIGHTLY (the interval in force), with `supported` set.

Planned dates with no supervision recorded: the ASYE start, then `p + step(p)` repeatedly
while the date is on or before the last day of the ASYE (`cohorts.months.asye_last_day`,
moved by extensions).

A qualifying supervision re-anchors the chain. Qualifying: attended by the worker, held on
or after the ASYE start, on or before both `today` and the last day of the ASYE, and either
a 1:1, or a PM group supervision held in weeks 1-6 (SUP-WEEKLY: "1:1 or group"). From week 7
only a 1:1 counts (SUP-FORTNIGHTLY: "1:1 supervision"). Assessor group sessions and joint
supervisions of a co-worked case never count towards the frequency: they are recorded for
SUP-GROUP and COWORK-LEAD. With L the latest qualifying supervision:

* next due = L + step(L);
* planned = the no-supervision dates up to and including L, then L + step(L) and onwards.

Decisions where the rules are silent
------------------------------------
* Sessions dated after `today` have not happened yet and are ignored (the forms refuse
  future dates anyway). Several qualifying sessions on one day count as one.
* Before the ASYE start the first due date is the start itself and the status is worked
  out as usual (due soon within the due-soon window, else on track).
* After the last day of the ASYE (or after `ended`, the day an enrolment actually ended)
  next due is None and the status "ASYE complete".
* During the ASYE, when L + step(L) falls after the last day, nothing more is required:
  next due is None and the status "on track".
* The policy values used for `step(p)` are those of the policy row in force on `p`, so a
  new policy row changes dates from its effective date only and earlier planned dates stay
  as they were; the due-soon window is the one in force on `today`.
* "Overdue by N days" counts the days since the due date (the day after the due date is
  overdue by 1 day); "due soon" covers the due date itself and the `due_soon_days` before.
* The status text says "1 day" rather than "1 days".
* An approved extension moves the ASYE months (and so the switch to 21 days) and the last
  day, as MONTH-2 says.

Recorded absences (EXT-1)
-------------------------
An absence recorded for an extension (maternity leave, long sickness) pauses the chain:

* from its first day to its last day inclusive the state is "on leave until DD/MM/YYYY"
  (the last day of absence): never overdue, never due soon, so no reminder is sent; a debt
  from before the leave is not carried through it;
* the return date (the day after the last day) re-anchors the chain as a supervision would:
  next due = return + step(return), the interval in force on the return date (so a return
  in month 9+ goes to 21 days unless support is recorded). Decision: the return day itself
  is not a due date, so a worker is not overdue on their second day back;
* planned dates that would fall during an absence are dropped, and the chain resumes from
  the return date as above, also for an absence recorded in advance;
* sessions held during an absence (keeping-in-touch days) are recorded, but the return
  re-anchors after them.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from cohorts.months import ASYE_LENGTH_MONTHS, Shift, add_days, asye_last_day, asye_month

ONE_TO_ONE = "one_to_one"
PM_GROUP = "pm_group"
ASSESSOR_GROUP = "assessor_group"
JOINT = "joint"

SUP_WEEKLY = "SUP-WEEKLY"
SUP_FORTNIGHTLY = "SUP-FORTNIGHTLY"
SUP_THREE_WEEKLY = "SUP-THREE-WEEKLY"

ON_TRACK = "on_track"
DUE_SOON = "due_soon"
OVERDUE = "overdue"
COMPLETE = "complete"
ON_LEAVE = "on_leave"  # issue 11's asye_status JSON uses this value


@dataclass(frozen=True)
class Policy:
    """The values of one SupervisionPolicy row (the defaults are the seeded ones)."""

    effective_from: date = date(2000, 1, 1)
    weekly_days: int = 7  # SUP-WEEKLY
    weekly_weeks: int = 6  # SUP-WEEKLY: "the first 6 weeks"
    fortnightly_days: int = 14  # SUP-FORTNIGHTLY
    three_weekly_days: int = 21  # SUP-THREE-WEEKLY
    three_weekly_from_month: int = 9  # SUP-THREE-WEEKLY: "during May" = month 9
    second_year_from_month: int = 13  # a two-year programme's months 13-24 (issue 14)
    second_year_days: int = 21  # inferred: the month-12 value
    due_soon_days: int = 7
    cowork_joint_days: int = 14  # COWORK-LEAD (inferred)


DEFAULT_POLICY = Policy()


@dataclass(frozen=True)
class SupportPeriod:
    """The PM's record that the worker still needs fortnightly supervision from month 9."""

    starts: date
    ends: date | None = None

    def covers(self, day: date) -> bool:
        return self.starts <= day and (self.ends is None or day <= self.ends)


@dataclass(frozen=True)
class Absence:
    """A recorded absence (an EXT-1 extension's first and last day of absence)."""

    first_day: date
    last_day: date

    @property
    def returns_on(self) -> date:
        return add_days(self.last_day, 1)

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


@dataclass(frozen=True)
class SessionRecord:
    """One recorded supervision as the worker experienced it."""

    held_on: date
    kind: str
    attended: bool = True


@dataclass(frozen=True)
class Schedule:
    planned: tuple[date, ...]
    next_due: date | None
    state: str  # ON_TRACK, DUE_SOON, OVERDUE, ON_LEAVE or COMPLETE
    status: str  # "on track", "due soon", "overdue by N days", "on leave until …", …
    rule: str  # the rule ID that sets the interval leading to next_due
    interval_days: int
    supported: bool  # a "more frequent support" period keeps the interval at 14 days
    days_overdue: int
    last_supervision: date | None  # the latest qualifying supervision
    qualifying_sessions: int
    required_to_date: int  # planned dates, with none recorded, from the start to today
    last_day: date
    # The rule in force on `today` itself (`rule_on`); None once the ASYE is over.
    rule_today: str | None = None
    on_leave_until: date | None = None  # the last day of the absence covering `today`

    @property
    def is_overdue(self) -> bool:
        return self.state == OVERDUE

    @property
    def is_on_leave(self) -> bool:
        return self.state == ON_LEAVE

    @property
    def missed_to_date(self) -> int:
        return missed(self.required_to_date, self.qualifying_sessions)


def missed(required_to_date: int, qualifying_sessions: int) -> int:
    """Scheduled dates passed without a supervision. The status looks only at the next
    due date, so a worker whose supervision restarted is on track with dates missed."""
    return max(0, required_to_date - qualifying_sessions)


def policy_on(policies: Sequence[Policy], day: date) -> Policy:
    """The latest policy whose effective date is on or before `day` (defaults otherwise)."""
    found = None
    for policy in policies:
        if policy.effective_from <= day and (
            found is None or policy.effective_from > found.effective_from
        ):
            found = policy
    return found or DEFAULT_POLICY


def rule_on(
    *,
    start: date,
    day: date,
    shifts: Iterable[Shift] = (),
    policies: Sequence[Policy] = (),
    support: Iterable[SupportPeriod] = (),
    length: int = ASYE_LENGTH_MONTHS,
) -> tuple[int, str, bool]:
    """The rule in force on `day` itself, as the rules file states it: (interval in days,
    rule ID, kept fortnightly by a support period).

    SUP-WEEKLY in weeks 1-6 from the start (and before it: the first due date is the start,
    in the weekly weeks); then SUP-THREE-WEEKLY from ASYE month 9 unless a support period
    covers the day; otherwise SUP-FORTNIGHTLY. `build_schedule`'s step differs only in
    looking ahead (the last weekly step is the one whose next date still falls in week 6).
    """
    shifts = list(shifts)
    policy = policy_on(policies, day)
    if day < add_days(start, 7 * policy.weekly_weeks):
        return policy.weekly_days, SUP_WEEKLY, False
    month = asye_month(start, day, shifts, length=length) or 0
    return _after_the_weekly_weeks(policy, month, day, support)


def _after_the_weekly_weeks(
    policy: Policy, month: int, day: date, support
) -> tuple[int, str, bool]:
    """SUP-FORTNIGHTLY, then SUP-THREE-WEEKLY from its month; in a two-year programme the
    months from `second_year_from_month` (13) use `second_year_days`, which the rules file
    does not give: it ships as the month-12 interval, 21 days (inferred, issue 14)."""
    if month >= policy.three_weekly_from_month:
        if any(period.covers(day) for period in support):
            return policy.fortnightly_days, SUP_FORTNIGHTLY, True
        if month >= policy.second_year_from_month:
            return policy.second_year_days, SUP_THREE_WEEKLY, False
        return policy.three_weekly_days, SUP_THREE_WEEKLY, False
    return policy.fortnightly_days, SUP_FORTNIGHTLY, False


def build_schedule(
    *,
    start: date,
    today: date,
    shifts: Iterable[Shift] = (),
    policies: Sequence[Policy] = (),
    support: Iterable[SupportPeriod] = (),
    sessions: Iterable[SessionRecord] = (),
    ended: date | None = None,
    absences: Iterable[Absence] = (),
    length: int = ASYE_LENGTH_MONTHS,
) -> Schedule:
    """The worker's supervision schedule on `today` (see the module docstring); `length`
    is the programme's, in months (12 for the ASYE, issue 14)."""
    shifts = list(shifts)
    support = list(support)
    absences = sorted(absences, key=lambda a: a.first_day)
    last_day = asye_last_day(start, shifts, length)
    if ended is not None and ended < last_day:
        last_day = ended

    def interval(day: date) -> tuple[int, str, bool]:
        policy = policy_on(policies, day)
        if day < add_days(start, policy.weekly_weeks * 7 - policy.weekly_days):
            return policy.weekly_days, SUP_WEEKLY, False
        month = asye_month(start, day, shifts, length=length) or 0
        return _after_the_weekly_weeks(policy, month, day, support)

    def away_on(day: date) -> Absence | None:
        return next((a for a in absences if a.covers(day)), None)

    def chain(first: date) -> list[date]:
        days = []
        day = first
        while day <= last_day:
            absence = away_on(day)
            if absence is not None:
                if absence.last_day >= last_day:
                    break  # away until the end: nothing more falls due
                # Paused: the chain restarts from the return date.
                back = absence.returns_on
                day = add_days(back, interval(back)[0])
                continue
            days.append(day)
            following = add_days(day, interval(day)[0])
            if following == day:
                break  # at the end of the calendar (a stored far-future date)
            day = following
        return days

    def qualifies(session: SessionRecord) -> bool:
        if not session.attended or session.held_on < start:
            return False
        if session.held_on > today or session.held_on > last_day:
            return False
        if session.kind == ONE_TO_ONE:
            return True
        weekly_weeks = policy_on(policies, session.held_on).weekly_weeks
        in_first_weeks = session.held_on < add_days(start, 7 * weekly_weeks)
        return session.kind == PM_GROUP and in_first_weeks

    unsupervised = chain(start)
    held = sorted({s.held_on for s in sessions if qualifies(s)})
    # A return from leave on or before today re-anchors the chain like a supervision.
    returned = [a.returns_on for a in absences if start < a.returns_on <= min(today, last_day)]
    anchor = max(held + returned) if held or returned else None
    if anchor is not None:
        days, rule, supported = interval(anchor)
        following = chain(add_days(anchor, days))
        planned = [day for day in unsupervised if day <= anchor] + following
    else:
        days, rule, supported = interval(start)
        following = unsupervised
        planned = unsupervised
    next_due = following[0] if following else None
    away = away_on(today)

    due_soon_days = policy_on(policies, today).due_soon_days
    overdue_by = 0
    if today > last_day:
        next_due, state, status = None, COMPLETE, "ASYE complete"
    elif away is not None:
        # Paused (EXT-1): the next due date is the first after the return.
        back = away.returns_on
        resumed = chain(add_days(back, interval(back)[0]))
        days, rule, supported = interval(back)
        next_due = resumed[0] if resumed else None
        state, status = ON_LEAVE, f"on leave until {away.last_day:%d/%m/%Y}"
    elif next_due is None:
        state, status = ON_TRACK, "on track"
    elif today > next_due:
        overdue_by = (today - next_due).days
        state = OVERDUE
        status = f"overdue by {overdue_by} day{'' if overdue_by == 1 else 's'}"
    elif (next_due - today).days <= due_soon_days:
        state, status = DUE_SOON, "due soon"
    else:
        state, status = ON_TRACK, "on track"

    return Schedule(
        planned=tuple(planned),
        next_due=next_due,
        state=state,
        status=status,
        rule=rule,
        interval_days=days,
        supported=supported,
        days_overdue=overdue_by,
        last_supervision=held[-1] if held else None,
        qualifying_sessions=len(held),
        required_to_date=sum(1 for day in unsupervised if day <= today),
        last_day=last_day,
        rule_today=None
        if state == COMPLETE
        else rule_on(
            start=start,
            day=today,
            shifts=shifts,
            policies=policies,
            support=support,
            length=length,
        )[1],
        on_leave_until=away.last_day if away is not None else None,
    )
