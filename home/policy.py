"""The policy tables a home page reads, in one query (issue 11: at most 15 a page); on the
NQSW's home, with the rows of their own enrolment the apps would each read in a query of
their own (extensions, visit sign-off, supervision record, submissions, programme points).

The cap table (CAP-MAX, CAP-MIN) with its services, the inferred thresholds, the supervision
intervals (SUP-*), the evidence minimums and the frameworks with their elements: each app
reads its own table in one query of a handful of rows; a home page needs them all, so it
reads them here together (`academy.tables.read_together`) and hands each app its rows.
Nothing here decides a rule: each table is turned into the values its app's functions take
(`CapRule.as_row`, `SupervisionPolicy.as_policy`, `assessment.portfolio.with_elements`).
"""

from dataclasses import dataclass, field

from academy.models import Service
from academy.tables import read_together
from assessment import portfolio as portfolios
from assessment.models import EvidencePolicy, Framework, FrameworkElement
from caseloads.models import CapRule, RuleSetting, VisitSignOff
from cohorts.models import Enrolment, Extension, ProgrammePoint
from moderation.models import Panel, Submission
from supervision.models import Attendance, Session, SupervisionPolicy, SupportRecord


@dataclass(frozen=True)
class PolicyTables:
    cap_table: list  # caseloads.rules.CapRow, every version
    setting_rows: list  # caseloads.models.RuleSetting, every version
    supervision: list  # supervision.schedule.Policy, every version
    evidence: list  # assessment.models.EvidencePolicy
    frameworks: list  # as assessment.portfolio.all_frameworks()
    # On the NQSW's home: their moderation submissions (MOD-SUBMIT) by enrolment id.
    submissions: dict = field(default_factory=dict)


def _tables():
    return [
        CapRule.objects.all(),
        Service.objects.all(),
        RuleSetting.objects.all(),
        SupervisionPolicy.objects.all(),
        EvidencePolicy.objects.all(),
        Framework.objects.all(),
        FrameworkElement.objects.all(),
        Framework.programmes.through.objects.all(),
    ]


def policy_tables() -> PolicyTables:
    return _policy(*read_together(*_tables()))


def policy_tables_and(*also) -> tuple[PolicyTables, list[list]]:
    """`policy_tables()`, and the rows of each of `also` (a few more small querysets the page
    reads), in the same one query."""
    tables = _tables()
    found = read_together(*tables, *also)
    return _policy(*found[: len(tables)]), found[len(tables) :]


def worker_tables(enrolments: list[Enrolment]) -> PolicyTables:
    """`policy_tables()`, and the rows of `enrolments` (from `for_listing()`, one worker's)
    that `caseloads.states`, `supervision.models.schedule_for`, `Enrolment.key_dates` and
    the submission deadlines read, set on them as their prefetches would be: one query.
    """
    ids = [e.pk for e in enrolments]
    attendances = Attendance.objects.filter(enrolment_id__in=ids)
    submissions = Submission.objects.filter(enrolment_id__in=ids)
    programmes = {e.programme_run.pk: e.programme_run for e in enrolments}
    *tables, extensions, signoffs, support, attended, sessions, entered, panels, points = (
        read_together(
            *_tables(),
            Extension.objects.filter(enrolment_id__in=ids),
            VisitSignOff.objects.filter(enrolment_id__in=ids),
            SupportRecord.objects.filter(enrolment_id__in=ids),
            attendances.only("session", "enrolment", "attended"),
            Session.objects.filter(pk__in=attendances.values("session_id")).only("kind", "held_on"),
            submissions.only("panel", "enrolment", "submitted_at"),
            Panel.objects.filter(pk__in=submissions.values("panel_id")),
            ProgrammePoint.objects.filter(programme_id__in=list(programmes)),
        )
    )
    sessions = {s.pk: s for s in sessions}
    for attendance in attended:
        attendance.session = sessions[attendance.session_id]
    panels = {p.pk: p for p in panels}
    for submission in entered:
        submission.panel = panels[submission.panel_id]
    signoff_of = {s.enrolment_id: s for s in signoffs}
    for enrolment in enrolments:
        _prefetched(
            enrolment, "extensions", [e for e in extensions if e.enrolment_id == enrolment.pk]
        )
        Enrolment.visit_signoff.related.set_cached_value(enrolment, signoff_of.get(enrolment.pk))
        # `schedule_for` reads these (`supervision.models.with_schedule_data`'s names).
        enrolment.schedule_support = [r for r in support if r.enrolment_id == enrolment.pk]
        enrolment.schedule_attendances = [a for a in attended if a.enrolment_id == enrolment.pk]
    for programme in programmes.values():
        _prefetched(programme, "points", [p for p in points if p.programme_id == programme.pk])
    found = _policy(*tables)
    for submission in entered:
        found.submissions.setdefault(submission.enrolment_id, []).append(submission)
    return found


def _prefetched(instance, name: str, rows: list) -> None:
    """Set `rows` as the prefetched result of the relation `name` of `instance`."""
    cached = getattr(instance, name).all()
    cached._result_cache, cached._prefetch_done = rows, True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = cached


def _policy(caps, services, settings, supervision, evidence, frameworks, elements, links):
    by_pk = {service.pk: service for service in services}
    for row in caps:
        row.service = by_pk.get(row.service_id)
    return PolicyTables(
        cap_table=[row.as_row() for row in caps],
        setting_rows=settings,
        supervision=[row.as_policy() for row in supervision],
        evidence=evidence,
        frameworks=portfolios.with_elements(frameworks, elements, links),
    )
