"""Moderation fixtures: a panel with its members around the `people` of tests/conftest.py.

The NQSW (`enrolment`) here began their ASYE a year ago, so their 6-month point and their
completion have both passed: they can be entered for either kind of panel, and every record
of a whole year can be dated (none may be in the future).
"""

from datetime import date, datetime, time, timedelta

import pytest
from django.tasks import task_backends
from django.tasks.backends.dummy import DummyBackend
from django.utils import timezone
from weasyprint.formatting_structure import boxes

from academy.models import Person
from cohorts.models import Programme, ProgrammePoint
from moderation import services
from moderation.models import Panel, PanelMember
from moderation.services import Seat
from tests import factories
from tests.assessment import factories as af


def today() -> date:
    return timezone.localdate()


def finished_start() -> date:
    """An ASYE start whose month 12 ended last month."""
    day = today()
    return date(day.year - 1, day.month, 1)


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def page_texts(document) -> list[str]:
    """Each page's text, footer included, read through WeasyPrint's document API."""

    def texts(box):
        if isinstance(box, boxes.TextBox):
            yield box.text
        for child in getattr(box, "children", []):
            yield from texts(child)

    return [" ".join(texts(page._page_box)) for page in document.pages]


def page_lines(page) -> list[str]:
    """One page's text as a reader sees it: text boxes grouped into lines by where they sit
    on the page, top to bottom and left to right (as `pdftotext -layout` reads a PDF)."""

    def placed(box):
        if isinstance(box, boxes.TextBox):
            yield box.position_y, box.position_x, box.text
        for child in getattr(box, "children", []):
            yield from placed(child)

    lines: list[tuple[float, list[tuple[float, str]]]] = []
    for y, x, text in sorted(placed(page._page_box)):
        if lines and abs(lines[-1][0] - y) < 2:
            lines[-1][1].append((x, text))
        else:
            lines.append((y, [(x, text)]))
    return [" ".join(text for _, text in sorted(words)) for _, words in lines]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Rendered PDFs and ZIPs go to a throwaway directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def enrolment(group):
    return factories.EnrolmentFactory(practice_group=group, asye_start=finished_start())


@pytest.fixture
def crew(people):
    """`people` plus the panel: the chair (people["chair"], the PSW), a deputy chair, the
    L&D officer, the SDL for adults; people["other_gm"] (CLA) moderates as group manager."""
    return {
        **people,
        "deputy": factories.PersonFactory(role=Person.Role.SERVICE_DEVELOPMENT_LEAD),
        "ld": factories.PersonFactory(role=Person.Role.LD_OFFICER),
        "sdl_adults": factories.PersonFactory(role=Person.Role.ADULT_SERVICES_LEAD),
    }


def seats(crew, *moderating_gms):
    gms = moderating_gms or (crew["other_gm"],)
    return [
        Seat(PanelMember.Role.CHAIR, crew["chair"]),
        Seat(PanelMember.Role.DEPUTY_CHAIR, crew["deputy"]),
        Seat(PanelMember.Role.LD_OFFICER, crew["ld"]),
        Seat(PanelMember.Role.SDL_ADULTS, crew["sdl_adults"]),
        *[Seat(PanelMember.Role.GROUP_MANAGER, gm) for gm in gms],
        Seat(PanelMember.Role.SERVICE_USER, name="Pat Example", organisation="Carers' forum"),
        Seat(PanelMember.Role.UNIVERSITY, name="Dr Sam Example", organisation="A university"),
    ]


def make_panel(crew, kind=Panel.Kind.FINAL, held_on=None, **kwargs):
    return services.set_up_panel(
        kind=kind,
        held_on=held_on or today() + timedelta(days=30),
        by=crew["chair"],
        seats=kwargs.pop("seats", None) or seats(crew),
        **kwargs,
    )


def member(panel, person):
    return panel.members.get(person=person)


@pytest.fixture
def portfolio(enrolment):
    """A whole year's portfolio with the assessor's signed PASS recommendation."""
    return af.complete_portfolio(enrolment)


@pytest.fixture
def panel(crew):
    """An open final panel in a month's time; portfolios due in a fortnight."""
    return make_panel(crew)


@pytest.fixture
def entry(panel, enrolment, crew):
    [submission] = services.enter_for_panel(panel=panel, enrolments=[enrolment], by=crew["ld"])
    return submission


@pytest.fixture
def submitted(entry, portfolio, crew):
    return services.submit_portfolio(submission=entry, by=crew["nqsw"])


@pytest.fixture
def allocated(submitted, panel, crew):
    """The submitted portfolio, allocated to the CLA group manager."""
    services.allocate_to(
        submission=submitted, moderator=member(panel, crew["other_gm"]), by=crew["ld"]
    )
    return submitted


COMPLETE_FORM = {
    "agreement": "yes",
    "review_three": "yes",
    "review_six": "yes",
    "final_report": "yes",
    "supervision": "yes",
    "reduced_workload": "yes",
    "protected_time": "yes",
    "reflection_logs": "yes",
    "development_plans": "yes",
    "observations": "yes",
    "accurate": "yes",
    "valid": "yes",
    "robust": "yes",
    "sufficient": "yes",
    "strengths": "Clear analysis throughout.",
    "gaps": "Little on court work.",
    "comments": "The evidence supports the recommendation.",
}


def complete_forms(submission, **changes):
    for allocation in submission.allocations.select_related("moderator__person"):
        services.record_form(
            allocation=allocation,
            by=allocation.moderator.person,
            values={**COMPLETE_FORM, **changes},
            complete=True,
        )


@pytest.fixture
def moderated(allocated):
    """Allocated and every form complete: ready for the panel's decision."""
    complete_forms(allocated)
    return allocated


@pytest.fixture
def queued(monkeypatch):
    """A task queue that keeps jobs instead of running them (no PDFs are rendered)."""
    backend = DummyBackend(alias="default", params={})
    monkeypatch.setattr(task_backends._connections, "default", backend, raising=False)
    return backend


@pytest.fixture
def ecdp(db):
    """A 24-month ECDP with 3-, 6-, 12- and 18-month points; the 6- and 12-month ones are
    moderated (issue 14)."""
    programme = Programme.objects.create(name="ECDP", length_months=24, pcf_applies=False)
    for month, label, moderated in [
        (4, "3-month review", False),
        (7, "6-month review", True),
        (13, "12-month review", True),
        (19, "18-month review", False),
    ]:
        ProgrammePoint.objects.create(
            programme=programme, month=month, label=label, moderated=moderated
        )
    return programme
