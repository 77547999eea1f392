"""Each current portfolio's standing, kept as one row per enrolment (`PortfolioSummary`),
with its unmet deadlines (`PortfolioDeadline`, for counts by team of what falls due).

`assessment.checks.evaluate` stays the one rule: `refresh` runs it over `facts_for`, in
chunks, and stores the answer. Readers call `fresh(enrolments, on=...)` first, which rebuilds
only the rows that are stale: after the nightly `refresh_summaries` run, the handful whose
portfolio changed today.

A row is stale when it is missing (the services here drop it when they write one of the
portfolio's records), evaluated for another day (due dates move with the date), or older than
a change the services here cannot see, because the organisation ground imports no feature
app: the enrolment itself (a new assessor, a status), its extensions (EXT-1), or the
frameworks and evidence policy. Each of those keeps a simple-history row with its date, as
`caseloads.summaries` reads them.
"""

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import OuterRef
from django.utils import timezone

from academy.summaries import (
    changed_from,
    changed_since,
    earliest_refresh,
    stale_union,
    touched_first,
)
from assessment import checks
from assessment import portfolio as portfolios
from assessment.models import (
    EvidencePolicy,
    Framework,
    FrameworkElement,
    PortfolioDeadline,
    PortfolioSummary,
)
from cohorts.models import Enrolment, Extension

CHUNK = 500


def with_portfolios(enrolments):
    """The enrolments that have a portfolio to judge: current ASYE ones that have started."""
    return enrolments.current().filter(kind=Enrolment.Kind.ASYE, asye_start__isnull=False)


@transaction.atomic
def refresh(enrolment_ids: Iterable[int], *, on: date) -> None:
    """Evaluate and store the summaries of these enrolments on `on`; rows of enrolments that
    no longer have a portfolio to judge are removed."""
    ids = list(enrolment_ids)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        # Taken before reading: a change committed while this runs is newer than the row.
        now = timezone.now()
        judged = list(with_portfolios(Enrolment.objects.filter(pk__in=chunk)).for_listing())
        facts = portfolios.facts_for(judged)
        rows, deadlines = [], []
        for enrolment in judged:
            breaches = [f.rule for f in checks.evaluate(facts[enrolment.pk], on) if f.is_breach]
            deadlines += [
                PortfolioDeadline(summary_id=enrolment.pk, rule=deadline.rule, due=deadline.due)
                for deadline in checks.deadlines(facts[enrolment.pk])
                if not deadline.met and deadline.due is not None
            ]
            rows.append(
                PortfolioSummary(
                    enrolment_id=enrolment.pk,
                    as_of=on,
                    refreshed_at=now,
                    at_risk=bool(breaches),
                    breaches=" ".join(dict.fromkeys(breaches))[:500],
                )
            )
        PortfolioSummary.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["enrolment"],
            update_fields=["as_of", "refreshed_at", "at_risk", "breaches"],
        )
        kept = {row.enrolment_id for row in rows}
        PortfolioSummary.objects.filter(enrolment_id__in=set(chunk) - kept).delete()
        PortfolioDeadline.objects.filter(summary_id__in=kept).delete()
        PortfolioDeadline.objects.bulk_create(deadlines)


# The tables whose any change makes every row stale (the admin, a new framework).
INPUTS = (Framework, FrameworkElement, EvidencePolicy)


def stale(enrolments, *, on: date):
    """The ids of these enrolments whose summary is stale on `on` (the module docstring);
    only the enrolments touched since today's earliest row was written are compared row by
    row (`academy.summaries`)."""
    since = OuterRef("portfolio_summary__refreshed_at")
    earliest = earliest_refresh(PortfolioSummary.objects.all(), on)
    touched_ids = touched_first(
        changed_from(Enrolment, earliest).values("id"),
        changed_from(Extension, earliest).values("enrolment_id"),
    )
    changed = changed_since(Enrolment, since, id=OuterRef("pk")) | changed_since(
        Extension, since, enrolment_id=OuterRef("pk")
    )
    return stale_union(
        with_portfolios(enrolments),
        summary="portfolio_summary",
        on=on,
        inputs=INPUTS,
        changed=touched_ids & changed,
    )


def fresh(enrolments, *, on: date) -> None:
    """Bring the summaries of these enrolments (a queryset) up to `on`."""
    ids = list(stale(enrolments, on=on))
    if ids:  # no transaction (a savepoint's two statements) when nothing is stale
        refresh(ids, on=on)


def refresh_stale(*, on: date) -> int:
    """The nightly run: every portfolio's summary brought up to `on`; returns how many
    were rebuilt. Rows of finished enrolments are dropped."""
    ids = list(stale(Enrolment.objects.all(), on=on))
    refresh(ids, on=on)
    PortfolioSummary.objects.exclude(
        enrolment__in=with_portfolios(Enrolment.objects.all())
    ).delete()
    return len(ids)


def forget(enrolment: Enrolment) -> None:
    """A record of this portfolio changed: its summary is rebuilt when next read."""
    PortfolioSummary.objects.filter(enrolment_id=enrolment.pk).delete()
