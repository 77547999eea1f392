"""Who may use each ASWP page, role by role, a real superuser included (issue 13).

aswp:overview, aswp:set_places, aswp:name_supervisor, aswp:round_new, aswp:round,
aswp:apply, aswp:mine, aswp:application, aswp:application_edit, aswp:statement,
aswp:shortlist, aswp:start_assessment, aswp:record_step, aswp:decide, aswp:my_role,
aswp:peer_session_new.
"""

import pytest
from django.urls import reverse
from django.utils.html import escape

from academy.models import Person
from aswp import services
from aswp.models import Application, Consultation, Decision, PeerSession, Round
from tests.aswp.conftest import TEXT, complete_steps, in_assessment, open_round, submitted

EVERYONE = [
    "psw",
    "admin",
    "applicant",
    "colleague",
    "pm",
    "gm",
    "other_pm",
    "panel",
    "outsider",
    "nqsw",
    "aswp",
]


def login(client, person):
    client.force_login(person.user)


def status(client, url, method="get", data=None):
    return getattr(client, method)(url, data or {}).status_code


@pytest.fixture
def application(cast, round_, today):
    return submitted(round_, cast["applicant"], cast["pm"], today)


@pytest.fixture
def draft(cast, round_, today):
    return services.save_application(
        round=round_, applicant=cast["applicant"], today=today, experience="Ten years"
    )


def test_anonymous_is_sent_to_sign_in(client, application):
    for name, args in [
        ("aswp:overview", []),
        ("aswp:mine", []),
        ("aswp:my_role", []),
        ("aswp:round", [application.round_id]),
        ("aswp:application", [application.pk]),
        ("aswp:statement", [application.pk]),
        ("aswp:decide", [application.pk]),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", EVERYONE)
def test_overview_is_for_the_psw_and_administrators(client, cast, application, who):
    login(client, cast[who])
    assert status(client, reverse("aswp:overview")) == (200 if who in ("psw", "admin") else 403)


def test_overview_for_a_superuser(client, superuser, application):
    client.force_login(superuser)
    response = client.get(reverse("aswp:overview"))
    assert response.status_code == 200
    assert escape(application.applicant.full_name) in response.content.decode()


@pytest.mark.parametrize("who", ["psw", "admin", "panel", "pm", "applicant"])
def test_set_places_and_name_supervisor(client, cast, today, who):
    login(client, cast[who])
    runs = who in ("psw", "admin")
    code = status(
        client, reverse("aswp:set_places"), "post", {"places": 8, "effective_from": today}
    )
    assert code == (302 if runs else 403)
    data = {"aswp": cast["aswp"].pk, "supervisor": cast["gm"].pk, "from_date": today}
    assert status(client, reverse("aswp:name_supervisor"), "post", data) == (302 if runs else 403)
    named = Person.objects.get(pk=cast["aswp"].pk).aswp_supervisor if runs else None
    assert named is None or named.supervisor == cast["gm"]


def test_a_bare_superuser_sees_but_records_nothing(client, superuser, today):
    client.force_login(superuser)
    code = status(
        client, reverse("aswp:set_places"), "post", {"places": 8, "effective_from": today}
    )
    assert code == (403 if superuser.username == "root-bare" else 302)


@pytest.mark.parametrize("who", EVERYONE)
def test_opening_a_round(client, cast, today, who):
    login(client, cast[who])
    url = reverse("aswp:round_new")
    runs = who in ("psw", "admin")
    assert status(client, url) == (200 if runs else 403)
    data = {
        "name": "Spring",
        "opens_on": today,
        "closes_on": today,
        "interview_first": "on",
        "panel": [cast["panel"].pk],
    }
    assert status(client, url, "post", data) == (302 if runs else 403)
    assert Round.objects.filter(name="Spring", interview_first=True).exists() == runs


@pytest.mark.parametrize("who", EVERYONE)
def test_a_round_is_seen_by_its_panel_and_the_psw(client, cast, application, who):
    login(client, cast[who])
    code = status(client, reverse("aswp:round", args=[application.round_id]))
    assert code == (200 if who in ("psw", "admin", "panel") else 404)


@pytest.mark.parametrize("who", EVERYONE)
def test_apply_is_for_experienced_social_workers(client, cast, round_, who):
    login(client, cast[who])
    url = reverse("aswp:apply", args=[round_.pk])
    may = who in ("applicant", "colleague", "outsider")
    assert status(client, url) == (200 if may else 403)


def test_apply_saves_a_draft_and_then_submits(client, cast, round_):
    login(client, cast["applicant"])
    response = client.post(
        reverse("aswp:apply", args=[round_.pk]), {"experience": "Ten years", "draft": ""}
    )
    application = Application.objects.get(applicant=cast["applicant"])
    assert response.status_code == 302 and not application.is_submitted
    edit = reverse("aswp:application_edit", args=[application.pk])
    assert client.get(reverse("aswp:apply", args=[round_.pk]))["Location"] == edit
    response = client.post(edit, {**TEXT, "submit": ""})
    application.refresh_from_db()
    assert response.status_code == 302 and application.is_submitted
    assert status(client, edit) == 403


def test_apply_to_a_closed_round_is_404(client, cast, today):
    from datetime import timedelta

    closed = services.open_round(
        name="Old",
        opens_on=today - timedelta(days=60),
        closes_on=today - timedelta(days=30),
        interview_first=False,
        panel=[],
        by=cast["psw"],
    )
    login(client, cast["applicant"])
    assert status(client, reverse("aswp:apply", args=[closed.pk])) == 404


def test_apply_for_a_superuser_is_refused(client, superuser, round_):
    client.force_login(superuser)
    assert status(client, reverse("aswp:apply", args=[round_.pk])) == 403


SEES_SUBMITTED = {"psw", "admin", "applicant", "pm", "gm", "panel"}
SEES_DRAFT = {"applicant", "pm", "gm"}


@pytest.mark.parametrize("who", EVERYONE)
def test_a_submitted_application_is_seen_by_applicant_manager_panel_psw(
    client, cast, application, who
):
    login(client, cast[who])
    code = status(client, reverse("aswp:application", args=[application.pk]))
    assert code == (200 if who in SEES_SUBMITTED else 404)


@pytest.mark.parametrize("who", EVERYONE)
def test_a_draft_is_the_applicants_and_their_managers_only(client, cast, draft, who):
    login(client, cast[who])
    code = status(client, reverse("aswp:application", args=[draft.pk]))
    assert code == (200 if who in SEES_DRAFT else 404)
    edit = status(client, reverse("aswp:application_edit", args=[draft.pk]))
    assert edit == (200 if who == "applicant" else 403 if who in SEES_DRAFT else 404)


def test_application_pages_for_a_superuser(client, superuser, application):
    client.force_login(superuser)
    assert status(client, reverse("aswp:application", args=[application.pk])) == 200
    assert status(client, reverse("aswp:statement", args=[application.pk])) == 403


@pytest.mark.parametrize("who", EVERYONE)
def test_mine_lists_only_what_the_person_may_see(client, cast, application, who):
    login(client, cast[who])
    response = client.get(reverse("aswp:mine"))
    assert response.status_code == 200
    shown = escape(application.round.name) in response.content.decode()
    # Applicants who have not applied yet see the open round to apply to.
    assert shown == (who in SEES_SUBMITTED | {"colleague", "outsider"})


@pytest.mark.parametrize("who", EVERYONE)
def test_only_the_applicants_manager_writes_the_statement(client, cast, draft, who):
    login(client, cast[who])
    url = reverse("aswp:statement", args=[draft.pk])
    expected = 200 if who in ("pm", "gm") else 403 if who in SEES_DRAFT else 404
    assert status(client, url) == expected
    response = client.post(url, {"statement": "I support this."})
    assert response.status_code == (302 if who in ("pm", "gm") else expected)
    draft.refresh_from_db()
    assert (draft.statement == "I support this.") == (who in ("pm", "gm"))


PANEL_WORK = ["aswp:start_assessment", "aswp:record_step", "aswp:decide"]


@pytest.mark.parametrize("who", EVERYONE)
def test_the_panel_and_psw_assess(client, cast, application, who):
    login(client, cast[who])
    assesses = who in ("psw", "admin", "panel")
    expected = 200 if assesses else 403 if who in SEES_SUBMITTED else 404
    for name in [*PANEL_WORK, "aswp:shortlist"]:
        assert status(client, reverse(name, args=[application.pk])) == expected, name


def test_the_panel_runs_the_assessment_to_a_decision(client, cast, round_, today):
    application = in_assessment(round_, cast["applicant"], cast["pm"], today)
    login(client, cast["panel"])
    decide = reverse("aswp:decide", args=[application.pk])
    data = {"outcome": "appointed", "reasons": "r", "panel": "p", "appointed_from": today}
    response = client.post(decide, data)
    assert response.status_code == 200
    assert "ASWP-PATHWAY" in response.content.decode()
    step = reverse("aswp:record_step", args=[application.pk])
    for kind in ("observation", "applicant", "manager", "colleague"):
        assert status(client, step, "post", {"kind": kind, "held_on": today, "seen": "x"}) == 302
    assert client.post(decide, data).status_code == 302
    assert Decision.objects.get().signed_by == cast["panel"]
    assert Person.objects.get(pk=cast["applicant"].pk).role == Person.Role.ASWP


def test_shortlisting_through_the_page(client, cast, today):
    round_ = open_round(cast, today, interview_first=True, name="Interviews")
    application = submitted(round_, cast["applicant"], cast["pm"], today)
    login(client, cast["psw"])
    url = reverse("aswp:shortlist", args=[application.pk])
    data = {"shortlisted": "yes", "panel": "Director", "reasons": "Strong"}
    assert status(client, url, "post", data) == 302
    application.refresh_from_db()
    assert application.shortlisted is True


@pytest.mark.parametrize("who", EVERYONE)
def test_my_role_is_for_aswps(client, cast, today, who):
    login(client, cast[who])
    url = reverse("aswp:my_role")
    assert status(client, url) == (200 if who == "aswp" else 403)
    data = {"held_on": today, "colleague": cast["nqsw"].staff_id, "case_reference": "CP-77"}
    assert status(client, url, "post", data) == (302 if who == "aswp" else 403)
    assert Consultation.objects.filter(case_reference="CP-77").exists() == (who == "aswp")


def test_my_role_for_a_superuser(client, superuser):
    client.force_login(superuser)
    assert status(client, reverse("aswp:my_role")) == 403


@pytest.mark.parametrize("who", EVERYONE)
def test_peer_sessions_are_recorded_by_aswps_and_the_psw(client, cast, today, who):
    login(client, cast[who])
    url = reverse("aswp:peer_session_new")
    may = who in ("aswp", "psw", "admin")
    assert status(client, url) == (200 if may else 403)
    data = {"held_on": today, "topic": "Practice", "attended": [cast["aswp"].pk]}
    assert status(client, url, "post", data) == (302 if may else 403)
    assert PeerSession.objects.exists() == may


def test_assessment_pages_for_a_superuser(client, superuser, cast, round_, today):
    application = in_assessment(round_, cast["applicant"], cast["pm"], today)
    complete_steps(application, cast["panel"], today)
    client.force_login(superuser)
    assert status(client, reverse("aswp:decide", args=[application.pk])) == 200
    data = {"outcome": "not_appointed", "reasons": "r", "panel": "p"}
    code = status(client, reverse("aswp:decide", args=[application.pk]), "post", data)
    assert code == (403 if superuser.username == "root-bare" else 302)
