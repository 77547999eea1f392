"""What waits on a staff member (issue 11): the PM's reviews and observations due soon and
NQSWs with no visit sign-off, the assessor's logs, observations, reviews, recommendations and
panel submissions.

Each home-page count is the length of one list here, and the list page
(`home:waiting`) shows that same list, so a count and its list cannot disagree. Nothing here
decides a rule: the deadlines are `assessment.checks.deadlines` (REVIEWS, OBS-THREE), the
recommendation is `assessment.checks.nat_outcome`, the visit sign-off is the caseload rules'
VISIT-SIGNOFF finding (`caseloads.states`), and who is due for a panel is moderation's
`due_list` (MOD-POINTS) with the submission deadline of MOD-SUBMIT.

Decisions where the issue is silent:

- "Due in the next 14 days" is an unmet deadline whose due date is today or up to 14 days
  ahead; an overdue one is the checks' business (it already shows as a finding).
- The assessor's "reviews due" are every unmet review due by 14 days from today, overdue
  included, since an overdue review still waits on them; "observations still needed" are the
  NQSWs whose OBS-THREE deadline is unmet, by the final review's date.
- A log's days waiting count from the day it was written (the log's own date).
- The next panel is the earliest open panel meeting today or later.

A fixed number of queries whatever the number of enrolments. The navigation badge
(`waiting_count`, below) is one count per role, read from the owning app's queryset.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from academy.models import Person
from assessment import checks
from assessment import portfolio as portfolios
from assessment.models import AssessorFeedback, ReflectionLog
from caseloads.access import requests_waiting_for
from caseloads.states import worker_states
from cohorts.models import Enrolment
from learning.pathway_access import absences_awaiting_gm
from moderation.access import waiting_for_chair
from moderation.models import Panel, Submission
from moderation.services.submissions import due_list

AHEAD_DAYS = 14

REVIEWS_DUE = "reviews-due"
OBSERVATIONS_DUE = "observations-due"
VISIT_SIGNOFF = "visit-signoff"
LOGS_AWAITING = "logs-awaiting"
OBSERVATIONS_NEEDED = "observations-needed"
REVIEWS_TO_DO = "reviews-to-do"
PANEL_SUBMISSIONS = "panel-submissions"

TITLES = {
    REVIEWS_DUE: f"Reviews due in the next {AHEAD_DAYS} days",
    OBSERVATIONS_DUE: f"Direct observations due in the next {AHEAD_DAYS} days",
    VISIT_SIGNOFF: "NQSWs with no visit sign-off while they hold a CP or CLA case",
    LOGS_AWAITING: "Reflection logs awaiting your feedback, oldest first",
    OBSERVATIONS_NEEDED: "Direct observations still needed",
    REVIEWS_TO_DO: "Reviews and recommendations due",
    PANEL_SUBMISSIONS: "Submissions due for the next panel",
}
# Which lists each kind of home page offers.
PM_LISTS = (REVIEWS_DUE, OBSERVATIONS_DUE, VISIT_SIGNOFF)
ASSESSOR_LISTS = (LOGS_AWAITING, OBSERVATIONS_NEEDED, REVIEWS_TO_DO, PANEL_SUBMISSIONS)


# The "due in the next 14 days" lists and the rule of the deadlines each one lists.
DUE_SOON_RULES = {REVIEWS_DUE: "REVIEWS", OBSERVATIONS_DUE: "OBS-THREE"}


def due_soon_window(today: date) -> tuple[date, date]:
    """ "Due in the next 14 days": an unmet deadline due from today to AHEAD_DAYS ahead,
    inclusive (the lists here, and the group manager's counts by team read it too)."""
    return today, today + timedelta(days=AHEAD_DAYS)


@dataclass(frozen=True)
class Item:
    """One thing waiting: whose, what, under which rule, by when, and its state."""

    enrolment: Enrolment
    rule: str
    what: str
    due: date | None
    state: str  # as the NQSW's deadlines say it: "to do by ...", "overdue", ...
    days_waiting: int | None = None

    @property
    def url(self) -> str:
        """Where it is dealt with: the worker's caseload for a visit sign-off, else the
        portfolio."""
        if self.rule == "VISIT-SIGNOFF":
            return reverse("caseloads:worker", args=[self.enrolment.pk])
        return reverse("assessment:portfolio", args=[self.enrolment.pk])


def _label(deadline: checks.Deadline, today: date) -> str:
    if deadline.state(today) == checks.OVERDUE:
        return "overdue"
    return f"to do by {checks.format_day(deadline.due)}"


def _portfolio_lists(
    enrolments: list[Enrolment], today: date, tables=None
) -> dict[str, list[Item]]:
    """The lists read from the portfolios' facts (ASYE enrolments with a start only)."""
    asye = [e for e in enrolments if e.kind == Enrolment.Kind.ASYE and e.asye_start is not None]
    if tables is None:
        facts = portfolios.facts_for(asye)
    else:
        facts = portfolios.facts_for(asye, tables.frameworks, tables.evidence)
    soon_from, ahead = due_soon_window(today)
    found = {key: [] for key in (REVIEWS_DUE, OBSERVATIONS_DUE, OBSERVATIONS_NEEDED)}
    found[REVIEWS_TO_DO], found[LOGS_AWAITING] = [], []
    for enrolment in asye:
        fact = facts[enrolment.pk]
        for deadline in checks.deadlines(fact):
            if deadline.met:
                continue
            label = _label(deadline, today)
            item = Item(enrolment, deadline.rule, deadline.what, deadline.due, label)
            soon = soon_from <= deadline.due <= ahead
            if deadline.rule == DUE_SOON_RULES[REVIEWS_DUE]:
                if soon:
                    found[REVIEWS_DUE].append(item)
                if deadline.due <= ahead:
                    found[REVIEWS_TO_DO].append(item)
            elif deadline.rule == DUE_SOON_RULES[OBSERVATIONS_DUE]:
                if soon:
                    found[OBSERVATIONS_DUE].append(item)
                found[OBSERVATIONS_NEEDED].append(item)
        for finding in checks.nat_outcome(
            status=fact.status,
            asye_start=fact.asye_start,
            final_review_signed_off=checks.FINAL in fact.reviews_signed_off,
            recommendation=fact.recommendation,
            due=fact.due.final,
            today=today,
        ):
            if finding.due == fact.due.final:  # the recommendation, not the deferral limit
                found[REVIEWS_TO_DO].append(
                    Item(
                        enrolment,
                        finding.rule,
                        "PASS or FAIL recommendation",
                        finding.due,
                        _label(checks.Deadline(finding.rule, "", finding.due, False), today),
                    )
                )
        for written_on in fact.logs_awaiting_feedback:
            found[LOGS_AWAITING].append(
                Item(
                    enrolment,
                    "LOGS",
                    f"Reflection log of {checks.format_day(written_on)}",
                    None,
                    "awaiting feedback",
                    days_waiting=(today - written_on).days,
                )
            )
    for key in (REVIEWS_DUE, OBSERVATIONS_DUE, OBSERVATIONS_NEEDED, REVIEWS_TO_DO):
        found[key].sort(key=lambda item: (item.due, item.enrolment.person.full_name))
    found[LOGS_AWAITING].sort(key=lambda item: -item.days_waiting)
    return found


def visit_signoff_missing(states, today: date) -> list[Item]:
    """VISIT-SIGNOFF: the workers whose caseload rules warn of a missing sign-off."""
    items = [
        Item(
            state.enrolment,
            "VISIT-SIGNOFF",
            "Sign off their CP and CLA visits",
            None,
            "no sign-off",
        )
        for state in states
        if state.misses_visit_signoff
    ]
    return sorted(items, key=lambda item: item.enrolment.person.full_name)


def next_panels(today: date):
    """The open panels meeting today or later, the next one first."""
    return Panel.objects.open().filter(held_on__gte=today).order_by("held_on", "pk")


def next_panel(today: date) -> Panel | None:
    return next_panels(today).first()


def panel_submissions(enrolments: list[Enrolment], today: date) -> list[Item]:
    """MOD-SUBMIT for the next panel: entered and not yet submitted (or late), and due for it
    but not yet entered (MOD-POINTS)."""
    panel = next_panel(today)
    if panel is None:
        return []
    ids = {e.pk: e for e in enrolments}
    items = []
    entered = Submission.objects.filter(
        panel=panel, enrolment_id__in=list(ids), submitted_at__isnull=True
    )
    for submission in entered:
        submission.panel = panel
        late = submission.is_overdue(today)
        items.append(
            Item(
                ids[submission.enrolment_id],
                "MOD-SUBMIT",
                f"Portfolio for the {panel.title}",
                panel.submissions_due_on,
                "late" if late else f"to do by {checks.format_day(panel.submissions_due_on)}",
            )
        )
    for due in due_list(panel, among=list(ids)):
        if due.enrolment_id in ids:
            items.append(
                Item(
                    ids[due.enrolment_id],
                    "MOD-POINTS",
                    f"Due for the {panel.title}, not yet entered",
                    panel.submissions_due_on,
                    "not entered",
                )
            )
    items.sort(key=lambda item: item.enrolment.person.full_name)
    return items


def waiting_lists(
    enrolments: list[Enrolment], today: date, wanted: tuple[str, ...], states=None, tables=None
) -> dict[str, list[Item]]:
    """The lists in `wanted` for `enrolments` (`home.team_today.team_enrolments`: the
    current ones the user can see) on `today`; pass their `worker_states` and the
    `home.policy.policy_tables()` if already read."""
    found = _portfolio_lists(enrolments, today, tables)
    if VISIT_SIGNOFF in wanted:
        states = worker_states(enrolments, today) if states is None else states
        found[VISIT_SIGNOFF] = visit_signoff_missing(states, today)
    if PANEL_SUBMISSIONS in wanted:
        found[PANEL_SUBMISSIONS] = panel_submissions(enrolments, today)
    return {key: found[key] for key in wanted}


# --- The navigation badge: what waits on the signed-in person, in one query -------------------


# Professional Practice's roles that allocate portfolios to moderators (MOD-ALLOCATE); the
# Principal Social Worker's badge is what waits on them as chair instead.
ALLOCATES = frozenset({Person.Role.SERVICE_DEVELOPMENT_LEAD, Person.Role.LD_OFFICER})


def waiting_count(user, person, today: date | None = None) -> int:
    """The navigation badge (issue 11), by role, in one query; each is the length of a list
    a page shows (its home page passes the count it already made instead):

    - a PM: requests waiting for their decision (ALLOC-APPROVE: the requests page);
    - an assessor: reflection logs awaiting their feedback (LOGS: the LOGS_AWAITING list),
      counted as `assessment.portfolio.facts_for` finds them: no feedback on the log's
      current version;
    - a group manager: absences from pathway training with no GM decision yet
      (TRAINING-MANDATORY: the list on the training pathway page). ALLOC-APPROVE routes no
      request to a GM, so none are counted;
    - the Principal Social Worker: decisions to sign off and pay progressions to authorise
      on the panels they chair (MOD-DECISION, PROGRESSION: the list on their home);
    - the Service Development Lead – Professional Practice and the L&D officer: the next
      panel's portfolios not yet allocated to a moderator (MOD-ALLOCATE: their home's next
      panel, the panel's page);
    - an NQSW: their portfolios entered for an open panel and not yet submitted (MOD-SUBMIT:
      the MOD-SUBMIT deadlines on their home not done, the moderation page). Not every
      overdue deadline: those are read from the whole portfolio, which no other page can
      afford to read for a badge;
    - anyone else (a trainee has no portfolio to submit, an administrator, a superuser): 0.
    """
    if person is None:
        return 0
    if person.role == Person.Role.ASSESSOR:
        asye = (
            Enrolment.objects.visible_to(user)
            .current()
            .filter(kind=Enrolment.Kind.ASYE, asye_start__isnull=False)
        )
        answered = AssessorFeedback.objects.filter(
            log=OuterRef("pk"), log_version=OuterRef("version")
        )
        return ReflectionLog.objects.filter(enrolment__in=asye).exclude(Exists(answered)).count()
    if person.role == Person.Role.PRACTICE_MANAGER:
        # By role, so that nobody else's every page pays a query to learn they lead no team.
        return requests_waiting_for(user).count()
    if person.role == Person.Role.GROUP_MANAGER:
        return absences_awaiting_gm(user).count()
    if person.role == Person.Role.PRINCIPAL_SOCIAL_WORKER:
        return waiting_for_chair(user).count()
    if person.role in ALLOCATES:
        return unallocated_for_next_panel(today or timezone.localdate()).count()
    if person.role == Person.Role.NQSW:
        own = Enrolment.objects.current().filter(person=person)
        return Submission.objects.filter(enrolment__in=own).awaiting_submission().count()
    return 0


def unallocated_for_next_panel(today: date):
    """MOD-ALLOCATE: the next panel's portfolios with no moderator yet, in one query."""
    panel = Subquery(next_panels(today).values("pk")[:1])
    return Submission.objects.filter(panel=panel).unallocated()
