"""The academy PM's "Who needs me today?" (issue 11): counts over the enrolments the PM
can see, each read from the model that draws the list it links to, so a count and its list
cannot disagree. A fixed number of queries however many NQSWs."""

from dataclasses import dataclass
from datetime import date

from caseloads import filters as board_filters
from caseloads.access import requests_waiting_for
from caseloads.states import worker_states
from cohorts.models import Enrolment
from supervision import schedule as sched
from supervision import summaries as supervision_summaries


@dataclass(frozen=True)
class TeamToday:
    waiting_requests: int  # ALLOC-APPROVE: the requests page
    over_cap: int  # CAP-MAX breaches: the board's "over the cap"
    at_cap: int  # no headroom left: the board's "at the cap"
    under_minimum: int  # CAP-MIN: the board's "under the band's minimum"
    with_warnings: int  # any caseload warning: the board's "any warning"
    supervision_overdue: int  # the supervision overview's "overdue"
    supervision_due_soon: int  # the supervision overview's "due this week"


def team_enrolments(user) -> list[Enrolment]:
    """The current enrolments `user` can see, by name, with what the lists need."""
    return list(Enrolment.objects.visible_to(user).current().for_listing())


def team_today(user, today: date, enrolments=None, states=None, supervision=None) -> TeamToday:
    """What waits on `user` among the current enrolments they can see on `today`.

    The home page passes the `team_enrolments`, their `worker_states` and their supervision
    states (`supervision_states`) it already read, so they are read once.
    """
    enrolments = team_enrolments(user) if enrolments is None else enrolments
    states = worker_states(enrolments, today) if states is None else states
    supervision = supervision_states(enrolments, today) if supervision is None else supervision
    return _counts(enrolments, states, supervision, requests_waiting_for(user))


def supervision_states(enrolments, today: date) -> dict[int, str]:
    """Each enrolment's supervision state on `today`, from the overview's stored rows: the
    same rows the supervision overview's "overdue" and "due this week" filters read."""
    return supervision_summaries.states_of(enrolments, on=today)


def by_team(today: date, enrolments, states, supervision=None) -> list[tuple[object, TeamToday]]:
    """The group manager's view (issue 11): the PM's counts for each practice group of the
    enrolments, by group name, in the same fixed number of queries as one team."""
    supervision = supervision_states(enrolments, today) if supervision is None else supervision
    groups = {}
    for enrolment, state in zip(enrolments, states, strict=True):
        found = groups.setdefault(enrolment.practice_group_id, (enrolment.practice_group, [], []))
        found[1].append(enrolment)
        found[2].append(state)
    rows = []
    for group, members, member_states in groups.values():
        # The requests waiting for the team's PM: each worker's, from the same snapshot.
        waiting = sum(len(state.requests) for state in member_states)
        rows.append((group, _counts(members, member_states, supervision, waiting)))
    return sorted(rows, key=lambda row: (row[0].name, row[0].pk))


def _counts(enrolments, states, supervision_of, requests) -> TeamToday:
    def board_count(wanted: str) -> int:
        return sum(1 for state in states if board_filters.needs_attention(state, wanted))

    # Only ASYE enrolments with a start have a schedule, so a row (supervision.summaries).
    supervision = [supervision_of[e.pk] for e in enrolments if e.pk in supervision_of]
    return TeamToday(
        waiting_requests=requests if isinstance(requests, int) else requests.count(),
        over_cap=board_count(board_filters.OVER_CAP),
        at_cap=board_count(board_filters.AT_CAP),
        under_minimum=board_count(board_filters.UNDER_MINIMUM),
        with_warnings=board_count(board_filters.WARNINGS),
        supervision_overdue=supervision.count(sched.OVERDUE),
        supervision_due_soon=supervision.count(sched.DUE_SOON),
    )
