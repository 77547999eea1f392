"""Where one NQSW stands on the learning opportunities (LEARNING-OPPS), on a date.

The NQSW's home page, `asye_status`, the portfolio and the moderation checklist all read
`opportunities_for`, so they can never disagree. A fixed number of query.

States: "not_offered" (no record, or offered after the date), "offered", "done" (done on or
before the date). "Spend time at MASH" (`from_mash_rota`) is done from the NQSW's first
attended day on a published MASH rota (leave excepted, MASH-ROTA) when nobody recorded it.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q, Subquery

from academy.findings import WARNING, Finding
from cohorts.models import Enrolment, Extension
from learning.models import LearningOpportunity, MashDay, OpportunityPolicy, OpportunityRecord

NOT_OFFERED, OFFERED, DONE = "not_offered", "offered", "done"
STATE_LABELS = {NOT_OFFERED: "Not offered", OFFERED: "Offered", DONE: "Done"}
RULE = "LEARNING-OPPS"


@dataclass(frozen=True)
class OpportunityState:
    opportunity: LearningOpportunity
    state: str
    offered_on: date | None = None
    done_on: date | None = None
    evidence: str = ""

    @property
    def name(self) -> str:
        return self.opportunity.name

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    def as_dict(self) -> dict:
        """issue 11's contract: {"name", "state"}."""
        return {"name": self.name, "state": self.state}


def describe_evidence(row) -> str:
    """The evidence of a done opportunity, from the annotations of `opportunities_for`."""
    if row.my_evidence == EvidenceKind.ALLOCATION and row.my_case:
        return f"Allocation of case {row.my_case}"
    if row.my_evidence == EvidenceKind.OBSERVATION and row.my_observed_on:
        return f"Direct observation of {row.my_observed_on:%d/%m/%Y}"
    if row.my_evidence == EvidenceKind.LOG and row.my_log:
        return f"Critical reflection log: {row.my_log}"
    return row.my_note or ""


EvidenceKind = OpportunityRecord.Evidence


def _catalogue(enrolment: Enrolment, on: date):
    """The opportunities with this NQSW's record, the month policy in force and their first
    MASH day annotated: one query (the NQSW's home page counts them)."""
    mine = OpportunityRecord.objects.filter(enrolment=enrolment, opportunity=OuterRef("pk"))

    def field(name):
        return Subquery(mine.values(name)[:1])

    on_leave = Extension.objects.filter(
        enrolment=enrolment, first_day__lte=OuterRef("date"), last_day__gte=OuterRef("date")
    )
    mash_day = (
        MashDay.objects.filter(
            enrolment=enrolment,
            rota__published_at__isnull=False,
            date__lte=on,
            date__gte=enrolment.asye_start or on,
        )
        .exclude(Exists(on_leave))
        .order_by("date")
        .values("date")[:1]
    )
    policy = (
        OpportunityPolicy.objects.filter(effective_from__lte=on)
        .order_by("-effective_from")
        .values("offer_by_month")[:1]
    )
    return (
        LearningOpportunity.objects.annotate(
            recorded=Exists(mine),
            my_offered_on=field("offered_on"),
            my_done_on=field("done_on"),
            my_evidence=field("evidence"),
            my_note=field("note"),
            my_case=field("allocation__case__reference"),
            my_observed_on=field("observation__observed_on"),
            my_log=field("reflection_log__title"),
            first_mash_day=Subquery(mash_day),
            offer_by_month=Subquery(policy),
        )
        .filter(Q(active=True) | Q(recorded=True))
        .order_by("position", "name")
    )


def opportunities_for(enrolment: Enrolment, on: date) -> list[OpportunityState]:
    """Every active opportunity (and any inactive one already recorded) for an NQSW's ASYE;
    an empty list for a trainee, who is not yet in the ASYE (LEARNING-OPPS is the ASYE's)."""
    if enrolment.kind != Enrolment.Kind.ASYE:
        return []
    states = []
    for row in _catalogue(enrolment, on):
        mash_day = row.first_mash_day if row.from_mash_rota else None
        if row.my_done_on is not None and row.my_done_on <= on:
            states.append(
                OpportunityState(
                    row, DONE, row.my_offered_on, row.my_done_on, describe_evidence(row)
                )
            )
        elif mash_day is not None:
            offered = min(row.my_offered_on or mash_day, mash_day)
            states.append(
                OpportunityState(row, DONE, offered, mash_day, "A day on the published MASH rota")
            )
        elif row.my_offered_on is not None and row.my_offered_on <= on:
            states.append(OpportunityState(row, OFFERED, row.my_offered_on))
        else:
            states.append(OpportunityState(row, NOT_OFFERED))
    return states


def findings(enrolment: Enrolment, states: list[OpportunityState], on: date) -> list[Finding]:
    """A warning once the NQSW is in (or past) the policy's month and an opportunity is
    still not offered (LEARNING-OPPS; month 9, inferred, OpportunityPolicy)."""
    if enrolment.asye_start is None or on < enrolment.asye_start:
        return []
    month = enrolment.asye_month(on)
    if month is None:
        return []
    # Annotated by `_catalogue`; the policy's default when no row is in force.
    by_month = next((s.opportunity.offer_by_month for s in states), None) or 9
    if month < by_month:
        return []
    missing = [s.name for s in states if s.state == NOT_OFFERED]
    if not missing:
        return []
    return [
        Finding(
            RULE,
            WARNING,
            f"{RULE}: by ASYE month {by_month} every learning opportunity should have been "
            f"offered; {len(missing)} of {len(states)} still not offered: {', '.join(missing)}.",
            numbers={"month": month, "offer_by_month": by_month, "not_offered": len(missing)},
        )
    ]
