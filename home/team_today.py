"""The academy PM's "Who needs me today?" (issue 11): counts over the enrolments the PM
can see, each read from the model that draws the list it links to, so a count and its list
cannot disagree. A fixed number of queries however many NQSWs."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from academy.models import PracticeGroup
from assessment import summaries as portfolio_summaries
from assessment.models import PortfolioDeadline
from caseloads import filters as board_filters
from caseloads import summaries as caseload_summaries
from caseloads.access import requests_waiting_for
from caseloads.states import worker_states
from cohorts.models import Enrolment
from home import waiting
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


def service_by_team(user, today: date, wanted: tuple[str, ...], limit: int | None = None):
    """The group manager's view across the service (issue 11), read from the stored rows
    (issue 17) in a fixed number of queries, whatever the size of the service: for each
    practice group of the current enrolments `user` can see, the PM's counts and the
    length of each of the `wanted` waiting lists in their order, the teams with the most
    waiting first (the first `limit` when given); each list's length across the service;
    and how many teams there are. The rows are those the board (`caseloads.summaries`), the
    supervision overview (`supervision.summaries`) and the portfolios' deadlines
    (`assessment.summaries`) keep, brought up to `today` first, so each count is of the
    same findings as the list it links to."""
    visible = Enrolment.objects.visible_to(user).current()
    caseload_summaries.refresh_stale(on=today, enrolments=visible)
    supervision_summaries.refresh_stale(on=today, enrolments=visible)
    portfolio_summaries.fresh(visible, on=today)

    def flagged(**condition) -> Count:
        return Count("pk", filter=Q(**condition))

    per_group = {
        row.pop("practice_group"): row
        for row in visible.order_by()
        .values("practice_group")
        .annotate(
            waiting_requests=Coalesce(Sum("caseload_summary__requests_waiting"), 0),
            over_cap=flagged(caseload_summary__over_cap=True),
            at_cap=flagged(caseload_summary__at_cap=True),
            under_minimum=flagged(caseload_summary__under_minimum=True),
            with_warnings=flagged(caseload_summary__has_warning=True),
            supervision_overdue=flagged(supervision_summary__state=sched.OVERDUE),
            supervision_due_soon=flagged(supervision_summary__state=sched.DUE_SOON),
            visit_signoff=flagged(caseload_summary__visit_signoff_missing=True),
        )
    }
    # The "due in the next 14 days" lists count deadlines (an NQSW can have two).
    due = {}
    rules = {rule: key for key, rule in waiting.DUE_SOON_RULES.items() if key in wanted}
    for row in (
        PortfolioDeadline.objects.filter(
            summary__enrolment__in=visible,
            summary__as_of=today,
            rule__in=list(rules),
            due__range=waiting.due_soon_window(today),
        )
        .values("summary__enrolment__practice_group", "rule")
        .annotate(found=Count("pk"))
    ):
        due[(row["summary__enrolment__practice_group"], rules[row["rule"]])] = row["found"]

    rows = []
    totals = dict.fromkeys(wanted, 0)
    groups = PracticeGroup.objects.select_related("practice_manager").in_bulk(list(per_group))
    for group_id, counts in per_group.items():
        lists = [
            counts["visit_signoff"] if key == waiting.VISIT_SIGNOFF else due.get((group_id, key), 0)
            for key in wanted
        ]
        for key, found in zip(wanted, lists, strict=True):
            totals[key] += found
        del counts["visit_signoff"]
        rows.append((groups[group_id], TeamToday(**counts), lists))
    rows.sort(key=lambda row: (-_waiting_on(row[1], row[2]), row[0].name, row[0].pk))
    return rows[:limit], totals, len(rows)


def _waiting_on(counts: TeamToday, lists) -> int:
    """Everything a team's row counts: the order of the group manager's table."""
    return sum(vars(counts).values()) + sum(lists)
