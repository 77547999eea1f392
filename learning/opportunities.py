"""Where one NQSW stands on the learning opportunities (LEARNING-OPPS), on a date.

The NQSW's home page, `asye_status`, the portfolio and the moderation checklist all read
`opportunities_for`, so they can never disagree. A fixed number of queries (four).

States: "not_offered" (no record, or offered after the date), "offered", "done" (done on or
before the date). "Spend time at MASH" (`from_mash_rota`) is done from the NQSW's first
attended day on a published MASH rota (leave excepted, MASH-ROTA) when nobody recorded it.
"""

from dataclasses import dataclass
from datetime import date

from academy.findings import WARNING, Finding
from cohorts.models import Enrolment
from learning.models import LearningOpportunity, MashDay, OpportunityPolicy, OpportunityRecord
from learning.rota import is_available

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
    record: OpportunityRecord | None = None

    @property
    def name(self) -> str:
        return self.opportunity.name

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    def as_dict(self) -> dict:
        """issue 11's contract: {"name", "state"}."""
        return {"name": self.name, "state": self.state}


def describe_evidence(record: OpportunityRecord) -> str:
    if record.evidence == EvidenceKind.ALLOCATION and record.allocation_id:
        return f"Allocation of case {record.allocation.case.reference}"
    if record.evidence == EvidenceKind.OBSERVATION and record.observation_id:
        return f"Direct observation of {record.observation.observed_on:%d/%m/%Y}"
    if record.evidence == EvidenceKind.LOG and record.reflection_log_id:
        return f"Critical reflection log: {record.reflection_log}"
    return record.note


EvidenceKind = OpportunityRecord.Evidence


def opportunities_for(enrolment: Enrolment, on: date) -> list[OpportunityState]:
    """Every active opportunity (and any inactive one already recorded) for an NQSW's ASYE;
    an empty list for a trainee, who is not yet in the ASYE (LEARNING-OPPS is the ASYE's)."""
    if enrolment.kind != Enrolment.Kind.ASYE:
        return []
    records = {
        r.opportunity_id: r
        for r in OpportunityRecord.objects.filter(enrolment=enrolment).select_related(
            "allocation__case", "observation", "reflection_log"
        )
    }
    catalogue = [o for o in LearningOpportunity.objects.all() if o.active or o.pk in records]
    mash_day = first_mash_day(enrolment, on) if any(o.from_mash_rota for o in catalogue) else None
    states = []
    for opportunity in catalogue:
        record = records.get(opportunity.pk)
        if record is not None and record.done_on is not None and record.done_on <= on:
            states.append(
                OpportunityState(
                    opportunity,
                    DONE,
                    record.offered_on,
                    record.done_on,
                    describe_evidence(record),
                    record,
                )
            )
        elif opportunity.from_mash_rota and mash_day is not None:
            offered = record.offered_on if record else mash_day
            states.append(
                OpportunityState(
                    opportunity,
                    DONE,
                    min(offered, mash_day),
                    mash_day,
                    "A day on the published MASH rota",
                    record,
                )
            )
        elif record is not None and record.offered_on <= on:
            states.append(OpportunityState(opportunity, OFFERED, record.offered_on, record=record))
        else:
            states.append(OpportunityState(opportunity, NOT_OFFERED, record=record))
    return states


def first_mash_day(enrolment: Enrolment, on: date) -> date | None:
    """The NQSW's first day on a published MASH rota up to `on`, leave excepted."""
    days = MashDay.objects.filter(
        enrolment=enrolment, rota__published_at__isnull=False, date__lte=on
    ).order_by("date")
    for day in days.values_list("date", flat=True)[:30]:
        if is_available(enrolment, day):
            return day
    return None


def findings(enrolment: Enrolment, states: list[OpportunityState], on: date) -> list[Finding]:
    """A warning once the NQSW is in (or past) the policy's month and an opportunity is
    still not offered (LEARNING-OPPS; month 9, inferred, OpportunityPolicy)."""
    if enrolment.asye_start is None or on < enrolment.asye_start:
        return []
    month = enrolment.asye_month(on)
    if month is None:
        return []
    by_month = OpportunityPolicy.offer_by_month_on(on)
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
