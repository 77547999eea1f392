"""The Principal Social Worker's overview (issue 13): places, rounds, applicants by stage
with days left, ASWPs in post with their caseload against CAP-ASWP and their consultations
this quarter. A constant number of queries, however many rows."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, Q

from academy.models import Person
from aswp import services
from aswp.models import Application, AswpPolicy, NamedSupervisor, Round, Stage
from caseloads.models import CapRule, counting_q


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


@dataclass
class ApplicantRow:
    application: Application
    stage: str
    deadline: date | None
    days_left: int | None
    findings: list = field(default_factory=list)


@dataclass
class AswpRow:
    person: Person
    cases: int
    cap: int
    consultations: int
    supervisor: Person | None


def aswp_cap(on: date) -> int:
    """CAP-ASWP, from the cap table in force (caseloads' policy rows)."""
    rows = [row for row in CapRule.objects.rows_in_force(on) if row.applies_to == "aswp"]
    return rows[0].maximum if rows else 13


def build(today: date) -> dict:
    # A handful of dated rows, read once: each assessment runs on the row of its start.
    policies = list(AswpPolicy.objects.all())

    def policy_on(day: date) -> AswpPolicy:
        return next(
            (p for p in policies if p.effective_from <= day), AswpPolicy(effective_from=day)
        )

    policy = policy_on(today)
    held = services.aswps_in_post().count()
    rounds = list(
        Round.objects.annotate(
            submitted=Count("applications", filter=Q(applications__submitted_at__isnull=False))
        ).order_by("-closes_on")
    )
    applications = (
        Application.objects.filter(submitted_at__isnull=False)
        .for_stage()
        .select_related("applicant")
        .order_by("round__closes_on", "applicant__full_name")
    )
    by_stage: dict[str, list[ApplicantRow]] = {}
    in_assessment = 0
    for application in applications:
        stage = application.stage
        own_policy = policy_on(application.assessment_starts_on or today)
        deadline = application.deadline(own_policy)
        live = stage == Stage.IN_ASSESSMENT
        in_assessment += live
        by_stage.setdefault(stage, []).append(
            ApplicantRow(
                application=application,
                stage=stage,
                deadline=deadline,
                days_left=(deadline - today).days if deadline and live else None,
                findings=(
                    services.assessment_findings(application, today, own_policy) if live else []
                ),
            )
        )
    stages = [(Stage(s).label, by_stage[s]) for s in Stage.values if s in by_stage]
    since = quarter_start(today)
    cap = aswp_cap(today)
    aswps = (
        services.aswps_in_post()
        .annotate(
            cases=Count(
                "allocations__case",
                filter=counting_q(today, through="allocations__"),
                distinct=True,
            ),
            consultations=Count(
                "aswp_consultations",
                filter=Q(aswp_consultations__held_on__gte=since),
                distinct=True,
            ),
        )
        .prefetch_related(
            Prefetch(
                "aswp_supervisor", queryset=NamedSupervisor.objects.select_related("supervisor")
            )
        )
        .order_by("full_name")
    )
    rows = []
    for person in aswps:
        named = getattr(person, "aswp_supervisor", None)
        rows.append(
            AswpRow(
                person=person,
                cases=person.cases,
                cap=cap,
                consultations=person.consultations,
                supervisor=named.supervisor if named else None,
            )
        )
    return {
        "policy": policy,
        "places": policy.places,
        "held": held,
        "vacant": max(policy.places - held, 0),
        "in_assessment": in_assessment,
        "rounds": rounds,
        "stages": stages,
        "aswps": rows,
        "quarter_start": since,
    }
