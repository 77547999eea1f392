"""Who may see and do what in moderation, for every view and every role.

The Professional Practice team (the chair is the Principal Social Worker, the deputy the
Service Development Lead, the L&D officer) and administrators run panels; a moderator (here
the CLA group manager, a panel member) reads only the portfolios allocated to them, by code,
while the panel is open; the NQSW and their assessor submit; the portfolio's readers (the
NQSW, assessor, PM, GM) see what the panel decided and the documents added to the portfolio.
Outsiders get 404; people who may know of a thing but not do what they ask get 403;
anonymous users are sent to sign in; wrong methods get 405.
"""

from datetime import timedelta

import pytest
from django.urls import reverse

from moderation import pdf, services
from moderation.models import ExternalSample, ModerationRecord, ProgressionAuthorisation
from tests import factories
from tests.assessment import factories as af
from tests.moderation.conftest import COMPLETE_FORM, at, make_panel, member, today

pytestmark = pytest.mark.django_db

ROLES = [
    "nqsw",
    "pm",
    "gm",
    "assessor",
    "chair",
    "deputy",
    "ld",
    "admin",
    "moderator",
    "other_nqsw",
    "other_pm",
    "other_assessor",
    "grade10",
]
TEAM = {"chair", "deputy", "ld", "admin"}  # the Professional Practice team and administrators
READERS = {"nqsw", "pm", "gm", "assessor"}  # who reads the NQSW's portfolio


def statuses(ok=(), forbidden=()):
    """200 for `ok`, 403 for `forbidden`, 404 for everyone else."""
    return {r: 200 if r in ok else (403 if r in forbidden else 404) for r in ROLES}


EVERYONE = statuses(ok=ROLES)
TEAM_ONLY = statuses(ok=TEAM, forbidden=set(ROLES) - TEAM)
PANEL_PAGE = statuses(ok=TEAM, forbidden={"moderator"})
MODERATOR_READS = statuses(ok=TEAM | {"moderator"})
MODERATOR_WRITES = statuses(ok={"moderator"}, forbidden=TEAM)
PORTFOLIO_READERS = statuses(ok=TEAM | READERS)
SUBMITTERS = statuses(ok={"nqsw", "assessor"}, forbidden=TEAM | {"pm", "gm"})
SAMPLE = statuses(ok=TEAM)


@pytest.fixture
def fast_pdf(monkeypatch):
    """WeasyPrint is tested in test_pdf.py; here a PDF is just bytes."""
    monkeypatch.setattr(pdf, "write_pdf", lambda html, fetcher=None: b"%PDF-1.7 test")


@pytest.fixture
def world(crew, enrolment, fast_pdf):
    """A final panel that met yesterday and is still open: the NQSW's portfolio submitted in
    time, read by the moderator, decided and signed off, pay progression authorised, and the
    portfolio in an external sample."""
    af.complete_portfolio(enrolment)
    panel = make_panel(crew, held_on=today() - timedelta(days=1))
    [submission] = services.enter_for_panel(panel=panel, enrolments=[enrolment], by=crew["ld"])
    submission = services.submit_portfolio(
        submission=submission, by=crew["nqsw"], at=at(panel.submissions_due_on)
    )
    allocation = services.allocate_to(
        submission=submission, moderator=member(panel, crew["other_gm"]), by=crew["ld"]
    )
    services.record_form(
        allocation=allocation,
        by=crew["other_gm"],
        values=COMPLETE_FORM,
        complete=True,
        at=at(panel.held_on - timedelta(days=2)),
    )
    services.record_decision(
        submission=submission,
        by=crew["chair"],
        verdict="verified",
        reasons="Sound evidence.",
        sign_off=True,
        at=at(panel.held_on),
    )
    authorisation = services.authorise_progression(submission=submission, by=crew["chair"])
    sample = services.build_external_sample(title="Sample", submissions=[submission], by=crew["ld"])
    submission.refresh_from_db()
    return {
        "panel": panel,
        "submission": submission,
        "record": ModerationRecord.objects.get(),
        "authorisation": authorisation,
        "sample": sample,
        "enrolment": enrolment,
    }


def who(crew, role):
    return crew["other_gm"] if role == "moderator" else crew[role]


def get_urls(world):
    panel, code = world["panel"].pk, world["submission"].code
    enrolment = world["enrolment"].pk
    return [
        ("panel_list", [], EVERYONE),
        ("panel_new", [], TEAM_ONLY),
        ("panel_detail", [panel], PANEL_PAGE),
        ("panel_edit", [panel], PANEL_PAGE),
        ("agenda", [panel], PANEL_PAGE),
        ("reading_list", [], EVERYONE),
        ("read", [code], MODERATOR_READS),
        ("submission_pdf", [code], MODERATOR_READS),
        ("moderation_form", [code], MODERATOR_WRITES),
        ("moderators", [code], PANEL_PAGE),
        ("decision", [code], PANEL_PAGE),
        ("progression", [code], PANEL_PAGE),
        ("progression_pdf", [world["authorisation"].pk], PORTFOLIO_READERS),
        ("record_pdf", [world["record"].pk], PORTFOLIO_READERS),
        ("enrolment_moderation", [enrolment], PORTFOLIO_READERS),
        ("submit", [enrolment, panel], SUBMITTERS),
        ("external_list", [], TEAM_ONLY),
        ("external_new", [], TEAM_ONLY),
        ("external_detail", [world["sample"].pk], SAMPLE),
        ("external_download", [world["sample"].pk], SAMPLE),
    ]


CHAIR_ONLY = statuses(ok={"chair"}, forbidden=(TEAM - {"chair"}) | {"moderator"})
TEAM_POSTS = statuses(ok=TEAM, forbidden={"moderator"})


def post_urls(world):
    """POST-only views: (name, args, who may post: 200 stands for the redirect after it)."""
    panel, code = world["panel"].pk, world["submission"].code
    return [
        ("panel_enter", [panel], TEAM_POSTS),
        ("panel_allocate", [panel], TEAM_POSTS),
        ("accept_late", [code], CHAIR_ONLY),
        ("sign_off", [code], CHAIR_ONLY),
        ("panel_close", [panel], TEAM_POSTS),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_view_for_every_role(client, crew, world, role):
    client.force_login(who(crew, role).user)
    for name, args, expected in get_urls(world):
        response = client.get(reverse(f"moderation:{name}", args=args))
        assert response.status_code == expected[role], f"GET {name} {args} as {role}"


@pytest.mark.parametrize("role", ROLES)
def test_every_post_only_view_for_every_role(client, crew, world, role):
    client.force_login(who(crew, role).user)
    for name, args, expected in post_urls(world):
        url = reverse(f"moderation:{name}", args=args)
        assert client.get(url).status_code == 405, f"GET {name}"
        status = client.post(url).status_code
        wanted = 302 if expected[role] == 200 else expected[role]
        assert status == wanted, f"POST {name} as {role}"


@pytest.mark.parametrize("role", ROLES)
def test_forms_that_write_refuse_those_who_may_not(client, crew, world, role):
    """POSTing a page's form: the same statuses as GETting it (a redirect or the form again
    for those who may)."""
    client.force_login(who(crew, role).user)
    code, panel = world["submission"].code, world["panel"].pk
    posts = [
        ("panel_new", [], TEAM_ONLY),
        ("panel_edit", [panel], PANEL_PAGE),
        ("moderation_form", [code], MODERATOR_WRITES),
        ("moderators", [code], PANEL_PAGE),
        ("decision", [code], PANEL_PAGE),
        (
            "progression",
            [code],
            statuses(ok={"chair"}, forbidden=(TEAM - {"chair"}) | {"moderator"}),
        ),
        ("submit", [world["enrolment"].pk, panel], SUBMITTERS),
        ("external_new", [], TEAM_ONLY),
    ]
    for name, args, expected in posts:
        status = client.post(reverse(f"moderation:{name}", args=args), {}).status_code
        if expected[role] == 200:
            assert status in (200, 302), f"POST {name} as {role}"
        else:
            assert status == expected[role], f"POST {name} as {role}"


def test_wrong_methods(client, crew, world):
    client.force_login(crew["chair"].user)
    code = world["submission"].code
    for name, args in [
        ("record_pdf", [world["record"].pk]),
        ("progression_pdf", [world["authorisation"].pk]),
        ("external_download", [world["sample"].pk]),
    ]:
        assert client.post(reverse(f"moderation:{name}", args=args)).status_code == 405, name
    for name, args in [
        ("panel_new", []),
        ("decision", [code]),
        ("moderation_form", [code]),
        ("submission_pdf", [code]),
    ]:
        assert client.put(reverse(f"moderation:{name}", args=args)).status_code == 405, name
        assert client.delete(reverse(f"moderation:{name}", args=args)).status_code == 405, name


def test_anonymous_is_sent_to_sign_in(client, world):
    names = [(n, a) for n, a, _ in get_urls(world)] + [(n, a) for n, a, _ in post_urls(world)]
    for name, args in names:
        for method in (client.get, client.post):
            response = method(reverse(f"moderation:{name}", args=args))
            if response.status_code == 405:
                continue
            assert response.status_code == 302, name
            assert response.url.startswith(reverse("login")), name


# --- A moderator: only their portfolios, only while the panel is open -------------------------


def moderator_urls(code):
    return [
        reverse("moderation:read", args=[code]),
        reverse("moderation:submission_pdf", args=[code]),
        reverse("moderation:moderation_form", args=[code]),
    ]


def test_a_moderator_sees_only_the_portfolios_allocated_to_them(client, crew, world, queued):
    other = factories.EnrolmentFactory(asye_start=world["enrolment"].asye_start)
    [theirs] = services.enter_for_panel(panel=world["panel"], enrolments=[other], by=crew["ld"])
    client.force_login(crew["other_gm"].user)
    for url in moderator_urls(theirs.code):
        assert client.get(url).status_code == 404, url
    listed = client.get(reverse("moderation:reading_list")).text
    assert world["submission"].code in listed and theirs.code not in listed


def test_a_moderator_loses_access_when_the_panel_closes(client, crew, world):
    client.force_login(crew["other_gm"].user)
    code = world["submission"].code
    for url in moderator_urls(code):
        assert client.get(url).status_code == 200, url
    services.close_panel(panel=world["panel"], by=crew["chair"])
    for url in moderator_urls(code):
        assert client.get(url).status_code == 404, url
    assert code not in client.get(reverse("moderation:reading_list")).text
    assert (
        client.get(reverse("moderation:panel_detail", args=[world["panel"].pk])).status_code == 404
    )
    # The team still sees everything.
    client.force_login(crew["ld"].user)
    assert client.get(moderator_urls(code)[0]).status_code == 200


def test_a_late_portfolio_cannot_be_read_until_it_is_in(client, crew, enrolment, queued):
    af.complete_portfolio(enrolment)
    panel = make_panel(crew, held_on=today() + timedelta(days=7))
    [entry] = services.enter_for_panel(panel=panel, enrolments=[enrolment], by=crew["ld"])
    services.allocate_to(submission=entry, moderator=member(panel, crew["other_gm"]), by=crew["ld"])
    client.force_login(crew["other_gm"].user)
    page = client.get(reverse("moderation:read", args=[entry.code])).text
    assert "has not been submitted yet: it is late and flagged to the chair" in page
    assert "Direct observations" not in page
    pdf_url = reverse("moderation:submission_pdf", args=[entry.code])
    assert client.get(pdf_url).status_code == 302
    form = client.get(reverse("moderation:moderation_form", args=[entry.code])).text
    assert "the form opens once it is in" in form
    # Flagged to the chair, with the button only she sees.
    client.force_login(crew["chair"].user)
    agenda = client.get(reverse("moderation:agenda", args=[panel.pk])).text
    assert f"Accept {entry.code} late" in agenda
    client.force_login(crew["ld"].user)
    assert (
        f"Accept {entry.code} late"
        not in client.get(reverse("moderation:agenda", args=[panel.pk])).text
    )


def test_only_those_who_see_the_enrolment_get_its_documents(client, crew, world):
    client.force_login(crew["other_nqsw"].user)
    for name, pk in [
        ("record_pdf", world["record"].pk),
        ("progression_pdf", world["authorisation"].pk),
    ]:
        assert client.get(reverse(f"moderation:{name}", args=[pk])).status_code == 404
    client.force_login(crew["nqsw"].user)
    response = client.get(reverse("moderation:record_pdf", args=[world["record"].pk]))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"


def test_the_nav_shows_moderation_to_those_it_is_for(client, crew, world):
    for role, shown in [
        ("chair", True),
        ("moderator", True),
        ("nqsw", True),
        ("pm", False),
        ("grade10", False),
    ]:
        client.force_login(who(crew, role).user)
        text = client.get(reverse("home")).text
        assert (reverse("moderation:panel_list") in text) is shown, role


def test_withdrawn_and_ready_rows_only(client, crew, world):
    """Documents not yet rendered are not served."""
    ProgressionAuthorisation.objects.filter(pk=world["authorisation"].pk).update(status="pending")
    ExternalSample.objects.filter(pk=world["sample"].pk).update(status="pending")
    client.force_login(crew["chair"].user)
    url = reverse("moderation:progression_pdf", args=[world["authorisation"].pk])
    assert client.get(url).status_code == 404
    url = reverse("moderation:external_download", args=[world["sample"].pk])
    assert client.get(url).status_code == 302
