"""Each current portfolio's standing, kept as one row per enrolment (`PortfolioSummary`).

`assessment.checks.evaluate` stays the one rule: `refresh` runs it over `facts_for`, in
chunks, and stores the answer. Readers call `fresh(enrolments, on=...)` first, which rebuilds
only the rows that are missing or dated before `on`: after the nightly `refresh_summaries`
run that is the handful whose records changed today (the services drop those rows).

What the services here cannot see, such as a change to the enrolment itself (an extension,
a new assessor) or to the frameworks, reaches the summary at the next nightly run: counts
that read it say when they were made.
"""

from collections.abc import Iterable
from datetime import date

from assessment import checks
from assessment import portfolio as portfolios
from assessment.models import PortfolioSummary
from cohorts.models import Enrolment

CHUNK = 500


def with_portfolios(enrolments):
    """The enrolments that have a portfolio to judge: current ASYE ones that have started."""
    return enrolments.current().filter(kind=Enrolment.Kind.ASYE, asye_start__isnull=False)


def refresh(enrolment_ids: Iterable[int], *, on: date) -> None:
    """Evaluate and store the summaries of these enrolments on `on`; rows of enrolments that
    no longer have a portfolio to judge are removed."""
    ids = list(enrolment_ids)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        judged = list(with_portfolios(Enrolment.objects.filter(pk__in=chunk)).for_listing())
        facts = portfolios.facts_for(judged)
        rows = []
        for enrolment in judged:
            breaches = [f.rule for f in checks.evaluate(facts[enrolment.pk], on) if f.is_breach]
            rows.append(
                PortfolioSummary(
                    enrolment_id=enrolment.pk,
                    as_of=on,
                    at_risk=bool(breaches),
                    breaches=" ".join(dict.fromkeys(breaches))[:500],
                )
            )
        PortfolioSummary.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["enrolment"],
            update_fields=["as_of", "at_risk", "breaches"],
        )
        kept = {row.enrolment_id for row in rows}
        PortfolioSummary.objects.filter(enrolment_id__in=set(chunk) - kept).delete()


def stale(enrolments, *, on: date):
    """The ids of these enrolments whose summary is missing or older than `on`."""
    return (
        with_portfolios(enrolments)
        .exclude(portfolio_summary__as_of__gte=on)
        .values_list("pk", flat=True)
        .order_by()
    )


def fresh(enrolments, *, on: date) -> None:
    """Bring the summaries of these enrolments (a queryset) up to `on`."""
    refresh(list(stale(enrolments, on=on)), on=on)


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
