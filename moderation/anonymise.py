"""The portfolio as moderators read it: anonymised (MOD-ANON), frozen at submission.

Moderators see a portfolio code, never the NQSW's name. The snapshot is built from the same
section templates as the portfolio page and PDF (assessment/portfolio_sections.html, in
print mode, so there are no links back to the identified portfolio), with three changes:

* the people around the NQSW appear by their part, not their name ("the assessor", "the
  practice manager", "another observer"): an assessor's or manager's name would narrow the
  NQSW down to a handful;
* the cover (moderation/submission_print.html) carries the code and the service, never the
  name, staff id, team or office;
* everything the NQSW or anyone else typed is scrubbed of the NQSW's name, parts of it
  (first name or surname alone, in any letter case, or run together), staff id, email,
  registration number and login, and of the names of the staff above: people write their
  own names into reflections more often than one would think.

Only the text between tags is scrubbed, so the markup stays intact.
"""

import re
from collections.abc import Iterable
from datetime import date

from django.template.loader import render_to_string
from django.utils.html import escape

from academy.models import Person
from assessment import portfolio as portfolios
from assessment.models import POINT_KIND_PREFIX
from assessment.portfolio import SECTIONS
from cohorts.models import Enrolment
from moderation.models import OTHER_REVIEWS

NAME_REMOVED = "[name removed]"
ID_REMOVED = "[removed]"

THE_ASSESSOR = "the assessor"
THE_PRACTICE_MANAGER = "the practice manager"
ANOTHER_OBSERVER = "another observer"

# The snapshot's sections: the portfolio's, then the supervision summary moderators need for
# MOD-CHECKLIST's "supervision at the agreed frequency".
SNAPSHOT_SECTIONS = [*SECTIONS, ("supervision", "Supervision record")]


def _stand_in(label: str) -> Person:
    """An unsaved Person that renders as a part ("the assessor") wherever a name would."""
    return Person(full_name=label)


def _part(person_id, *, assessor_id, manager_id) -> str:
    if person_id is not None and person_id == assessor_id:
        return THE_ASSESSOR
    if person_id is not None and person_id == manager_id:
        return THE_PRACTICE_MANAGER
    return ANOTHER_OBSERVER


def replace_people(portfolio: portfolios.Portfolio, enrolment: Enrolment) -> list[Person]:
    """Put parts in place of the staff named in a loaded portfolio; return who they were.

    Only in memory: the loaded objects are rendered and dropped, never saved.
    """
    manager_id = enrolment.practice_group.practice_manager_id
    named: list[Person] = []

    def swap(record, attribute: str, label: str) -> None:
        person = getattr(record, attribute)
        if person is not None:
            named.append(person)
            setattr(record, attribute, _stand_in(label))

    for observation in portfolio.observations:
        # Whether the observer was the assessor on the day is the portfolio's own reading.
        if observation.by_assessor:
            label = THE_ASSESSOR
        else:
            label = _part(observation.observer_id, assessor_id=None, manager_id=manager_id)
        swap(observation, "observer", label)
    for log in portfolio.logs:
        for feedback in log.assessor_feedback.all():
            swap(feedback, "given_by", THE_ASSESSOR)
    for work in portfolio.written_work:
        if work.assessed_by_id:
            swap(work, "assessed_by", THE_ASSESSOR)
    versioned = [*portfolio.agreement_versions, *portfolio.recommendation_versions]
    for slot in portfolio.reviews:
        versioned.extend(slot.versions)
    for record in versioned:
        if record.signed_off_by_id:
            swap(record, "signed_off_by", THE_ASSESSOR)
    return named


# --- Scrubbing free text ----------------------------------------------------------------------


def identifiers(enrolment: Enrolment, staff: Iterable[Person] = ()) -> tuple[list, list]:
    """(exact strings, name parts) to remove: the NQSW's identity and the staff's names."""
    person = enrolment.person
    exact = [person.full_name, person.staff_id, person.email, person.swe_registration]
    user = getattr(person, "user", None)
    if user is not None:
        exact += [user.username, user.email, user.get_full_name()]
    people = [person, *staff]
    for other in (enrolment.assessor, enrolment.practice_group.practice_manager):
        if other is not None:
            people.append(other)
    parts = []
    for someone in people:
        exact.append(someone.full_name)
        words = someone.full_name.replace("-", " ").split()
        parts.extend(words)
        # Names run together, as in logins and hashtags: "SofiaMarques", "sofia_marques".
        if len(words) > 1:
            exact.extend(joiner.join(words) for joiner in ("", ".", "_", "-"))
    exact = sorted({s for s in exact if s and len(s) >= 3}, key=len, reverse=True)
    # Each part of a name alone, as a whole word in any letter case ("Sofia", "marques",
    # "MARQUES"): anonymity outweighs the odd "hope" the word lost along with Hope the name.
    # Lower-case particles ("van", "de") are not names on their own and stay.
    parts = sorted({p for p in parts if len(p) >= 3 and p[0].isupper()}, key=len, reverse=True)
    return exact, parts


def _pattern(strings: list[str], *, ignore_case: bool) -> re.Pattern | None:
    if not strings:
        return None
    variants = {v for s in strings for v in (s, str(escape(s)))}
    alternatives = "|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE if ignore_case else 0)


def scrub(html: str, exact: list[str], parts: list[str]) -> str:
    """Remove the identifiers from the text of `html`, leaving its tags alone."""
    exact_re = _pattern(exact, ignore_case=True)
    part_re = _pattern(parts, ignore_case=True)
    pieces = re.split(r"(<[^>]*>)", html)
    for i, piece in enumerate(pieces):
        if not piece or piece.startswith("<"):
            continue
        if exact_re is not None:
            piece = exact_re.sub(NAME_REMOVED, piece)
        if part_re is not None:
            piece = part_re.sub(NAME_REMOVED, piece)
        pieces[i] = piece
    return "".join(pieces)


# --- The snapshot -----------------------------------------------------------------------------


def _day(iso: str | None) -> date | None:
    return date.fromisoformat(iso) if iso else None


def _supervision(enrolment: Enrolment, on: date) -> dict:
    """How the NQSW's supervision stood on the day of submission (SUP-*), for the checklist."""
    from supervision.models import schedule_for

    schedule = schedule_for(enrolment, today=on)
    if schedule is None:
        return {}
    return {
        "qualifying_sessions": schedule.qualifying_sessions,
        "last_supervision": schedule.last_supervision.isoformat()
        if schedule.last_supervision
        else None,
        "status": schedule.status,
        "overdue": schedule.is_overdue,
        "rule": schedule.rule,
        "interval_days": schedule.interval_days,
    }


def _other_reviews(portfolio: portfolios.Portfolio, panel_on: date | None) -> list[dict]:
    """The programme's reviews other than the ASYE's 3-, 6- and 9-month and the final that
    fall due by the panel (issue 14: the ECDP's 12- and 18-month), for the checklist's
    extra question (moderation.models.OTHER_REVIEWS)."""
    if panel_on is None:
        return []
    return [
        {
            "label": slot.label,
            "due": slot.due.isoformat(),
            "signed_off": bool(slot.current and slot.current.is_signed_off),
        }
        for slot in portfolio.reviews
        if slot.key.startswith(POINT_KIND_PREFIX) and slot.due <= panel_on
    ]


def facts(
    portfolio: portfolios.Portfolio, enrolment: Enrolment, on: date, panel_on: date | None = None
) -> dict:
    """What the portfolio holds, as plain JSON, for the moderation form's checklist.

    No names and no ids: counts, yes/no and dates only. `panel_on`: the panel's day, for the
    programme's other reviews due by it (none for the ASYE, whose facts stay as they were).
    """
    f = portfolio.facts
    reviews = set(f.reviews_signed_off)
    month = enrolment.asye_month(on)
    data = {
        "service": enrolment.practice_group.service.code,
        "service_name": enrolment.practice_group.service.name,
        "asye_month": month,
        "completed": month is None and on > (enrolment.planned_end() or on),
        "extended": bool(enrolment.shifts()),
        "recommendation": f.recommendation,
        "checklist": {
            "agreement": f.agreement_agreed_on is not None,
            "review_three": "three_months" in reviews,
            "review_six": "six_months" in reviews,
            "final_report": "final" in reviews and f.recommendation is not None,
            "reflection_logs": {
                "logs": len(portfolio.logs),
                "awaiting_feedback": len(f.logs_awaiting_feedback),
                "six_months": f.reflection_six_months,
                "twelve_months": f.reflection_twelve_months,
            },
            "development_plans": sorted(f.plans),
            "observations": {
                "total": len(f.observations_by_assessor),
                "by_assessor": sum(1 for b in f.observations_by_assessor if b),
            },
            "supervision": _supervision(enrolment, on),
            # LEARNING-OPPS: how many of the opportunities were done, offered, not offered.
            "learning_opportunities": portfolio.learning.opportunity_counts()
            if portfolio.learning
            else {},
            # PROTECTED-TIME: the share of working time to date against the 10%.
            "protected_time": portfolio.learning.protected.as_dict()
            if portfolio.learning and portfolio.learning.protected
            else {},
        },
        "requirements": [
            {
                "rules": r.rules,
                "what": r.what,
                "required": r.required,
                "recorded": r.recorded,
                "met": r.met,
            }
            for r in portfolio.requirements
        ],
    }
    others = _other_reviews(portfolio, panel_on)
    if others:
        data["checklist"][OTHER_REVIEWS] = others
    return data


def snapshot(enrolment: Enrolment, on: date, panel_on: date | None = None) -> tuple[str, dict]:
    """The anonymised sections (HTML) and facts (JSON) of the portfolio as it is on `on`,
    submitted to the panel held on `panel_on`.

    `enrolment` should come from `Enrolment.objects.for_listing()`.
    """
    portfolio = portfolios.load(enrolment)
    data = facts(portfolio, enrolment, on, panel_on)
    staff = replace_people(portfolio, enrolment)
    html = render_to_string(
        "moderation/snapshot_sections.html",
        {
            "portfolio": portfolio,
            # Print mode: no links back to the identified portfolio, nothing judged by date.
            "print": True,
            "findings": portfolio.findings(None),
            "requirement_rows": portfolio.requirement_rows(None),
            "supervision": data["checklist"]["supervision"],
            "last_supervision": _day(data["checklist"]["supervision"].get("last_supervision")),
            "agreement": portfolio.agreement,
        },
    )
    exact, parts = identifiers(enrolment, staff)
    return scrub(html, exact, parts), data
