"""Who may see and record supervision, for every supervision view and every role.

The `people` fixture names everyone around one NQSW's enrolment (tests/conftest.py).
Outsiders get 404, not 403; people who may see the worker but not record get 403.
"""

from datetime import date, time

import pytest
from django.urls import reverse

from supervision.models import CalendarFeed, Session, SupportRecord
from supervision.services import record_assessor_session, regenerate_feed, revoke_feed
from tests import factories
from tests.supervision.conftest import CONTENT

pytestmark = pytest.mark.django_db

CONTENT_START = time(13)

# Who sees the NQSW's supervision record (the same as their enrolment).
SEES = {
    "nqsw": True,
    "pm": True,
    "gm": True,
    "assessor": True,
    "chair": True,
    "admin": True,
    "other_nqsw": False,
    "other_pm": False,
    "other_gm": False,
    "other_assessor": False,
    "grade10": False,
}

# Recording a 1:1 or more frequent support: the worker's own PM or an administrator.
RECORDS_FOR_ENROLMENT = {
    "pm": 200,
    "admin": 200,
    "nqsw": 403,
    "gm": 403,
    "assessor": 403,
    "chair": 403,
    "other_nqsw": 404,
    "other_pm": 404,
    "other_gm": 404,
    "other_assessor": 404,
    "grade10": 404,
}

# A PM group supervision: the group's PM or an administrator; those who see the group get
# 403 (its GM, the panel chair, the Grade 10/11 SW who works in it), everyone else 404.
RECORDS_FOR_GROUP = {
    "pm": 200,
    "admin": 200,
    "gm": 403,
    "chair": 403,
    "grade10": 403,
    "nqsw": 404,
    "assessor": 404,
    "other_nqsw": 404,
    "other_pm": 404,
    "other_gm": 404,
    "other_assessor": 404,
}

# An assessor group session: anyone who assesses current NQSWs; a page nobody else has.
RECORDS_ASSESSOR_SESSION = {
    "assessor": 200,
    "other_assessor": 200,
    "nqsw": 404,
    "pm": 404,
    "gm": 404,
    "chair": 404,
    "admin": 404,
    "other_nqsw": 404,
    "other_pm": 404,
    "other_gm": 404,
    "grade10": 404,
}


def login(client, person):
    client.force_login(person.user)
    return client


def session_post(**extra):
    return {
        "kind": "one_to_one",
        "held_on": "2026-09-08",
        "start_time": "10:00",
        **CONTENT,
        "appreciative_inquiry": "on",
        **extra,
    }


# --- overview and overview_csv -------------------------------------------------------------


@pytest.mark.parametrize("who, sees", SEES.items())
def test_overview_lists_only_visible_nqsws(client, people, enrolment, who, sees):
    response = login(client, people[who]).get(reverse("supervision:overview"))
    assert response.status_code == 200
    assert (enrolment.person.full_name in response.text) is sees


@pytest.mark.parametrize("who, sees", SEES.items())
def test_overview_csv_exports_only_visible_nqsws(client, people, enrolment, who, sees):
    response = login(client, people[who]).get(reverse("supervision:overview_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert (enrolment.person.staff_id in response.getvalue().decode()) is sees


# --- my_record --------------------------------------------------------------------------------


def test_my_record_takes_an_nqsw_to_their_own_record(client, people, enrolment):
    response = login(client, people["nqsw"]).get(reverse("supervision:my_record"))
    assert response.status_code == 302
    assert response.url == reverse("supervision:record", args=[enrolment.pk])
    other = login(client, people["other_nqsw"]).get(reverse("supervision:my_record"))
    assert other.url != response.url


@pytest.mark.parametrize("who", ["pm", "gm", "assessor", "chair", "admin", "grade10"])
def test_my_record_is_404_without_an_enrolment(client, people, who):
    assert login(client, people[who]).get(reverse("supervision:my_record")).status_code == 404


# --- record (one worker's supervision record) ---------------------------------------------------


@pytest.mark.parametrize("who, sees", SEES.items())
def test_record_page(client, people, enrolment, session, who, sees):
    response = login(client, people[who]).get(reverse("supervision:record", args=[enrolment.pk]))
    assert response.status_code == (200 if sees else 404)
    if sees:
        assert "Next supervision" in response.text
        assert "8 Sep 2026" in response.text  # the history


# --- record_session (a 1:1 or joint supervision) ---------------------------------------------


@pytest.mark.parametrize("who, status", RECORDS_FOR_ENROLMENT.items())
def test_record_session_access(client, people, enrolment, who, status):
    url = reverse("supervision:record_session", args=[enrolment.pk])
    login(client, people[who])
    assert client.get(url).status_code == status
    response = client.post(url, session_post())
    assert response.status_code == (302 if status == 200 else status)
    assert Session.objects.exists() is (status == 200)


def test_record_session_by_an_admin_names_the_pm_as_supervisor(client, people, enrolment):
    login(client, people["admin"]).post(
        reverse("supervision:record_session", args=[enrolment.pk]), session_post()
    )
    session = Session.objects.get()
    assert session.supervisor == people["pm"]
    assert session.recorded_by == people["admin"]


def test_record_session_rejects_other_methods(client, people, enrolment):
    login(client, people["pm"])
    url = reverse("supervision:record_session", args=[enrolment.pk])
    assert client.put(url).status_code == 405


# --- record_support ---------------------------------------------------------------------------


@pytest.mark.parametrize("who, status", RECORDS_FOR_ENROLMENT.items())
def test_record_support_access(client, people, enrolment, who, status):
    url = reverse("supervision:record_support", args=[enrolment.pk])
    login(client, people[who])
    assert client.get(url).status_code == status
    response = client.post(
        url, {"from_date": "2027-05-01", "reason": "Still building confidence with S47s."}
    )
    assert response.status_code == (302 if status == 200 else status)
    assert SupportRecord.objects.exists() is (status == 200)


# --- record_group_session ---------------------------------------------------------------------


@pytest.mark.parametrize("who, status", RECORDS_FOR_GROUP.items())
def test_record_group_session_access(client, people, enrolment, who, status):
    url = reverse("supervision:record_group_session", args=[enrolment.practice_group.pk])
    login(client, people[who])
    response = client.get(url)
    assert response.status_code == status
    if status == 200:
        assert enrolment.person.full_name in response.text
    response = client.post(url, {**session_post(), f"attended_{enrolment.pk}": "on"})
    assert response.status_code == (302 if status == 200 else status)
    assert Session.objects.filter(kind="pm_group").exists() is (status == 200)


# --- record_assessor_session ------------------------------------------------------------------


@pytest.mark.parametrize("who, status", RECORDS_ASSESSOR_SESSION.items())
def test_record_assessor_session_access(client, people, enrolment, who, status):
    url = reverse("supervision:record_assessor_session")
    login(client, people[who])
    response = client.get(url)
    assert response.status_code == status
    if status == 200:
        # Only the NQSWs this assessor assesses are on the register.
        assert (enrolment.person.full_name in response.text) is (who == "assessor")
    response = client.post(url, {**session_post(), f"attended_{enrolment.pk}": "on"})
    if status == 404:
        assert response.status_code == 404
    assert Session.objects.filter(kind="assessor_group").exists() is (who == "assessor")


# --- session_detail ---------------------------------------------------------------------------


@pytest.mark.parametrize("who, sees", SEES.items())
def test_session_detail(client, people, session, who, sees):
    response = login(client, people[who]).get(
        reverse("supervision:session_detail", args=[session.pk])
    )
    assert response.status_code == (200 if sees else 404)
    if sees:
        assert "Signs of Safety" in response.text
        assert "CIN-20413" in response.text


def test_session_detail_is_visible_to_its_supervisor(client, people, enrolment, session):
    # An assessor who led a group session sees it even after the NQSW moved assessor.
    assessor = people["assessor"]
    led = record_assessor_session(
        assessor=assessor,
        attendance=[(enrolment, True)],
        held_on=date(2026, 10, 1),
        start_time=session.start_time,
        today=date(2026, 10, 1),
        **CONTENT,
    )
    enrolment.assessor = people["other_assessor"]
    enrolment.save()
    response = login(client, assessor).get(reverse("supervision:session_detail", args=[led.pk]))
    assert response.status_code == 200


# An assessor's group session with the NQSW and one from another team (the same assessor):
# who sees which name on its register (issue 15 item 7). The supervisor sees everyone.
REGISTER_SHOWS = {
    "nqsw": {"nqsw"},
    "pm": {"nqsw"},
    "gm": {"nqsw"},
    "assessor": {"nqsw", "colleague"},
    "chair": {"nqsw", "colleague"},
    "admin": {"nqsw", "colleague"},
    "other_pm": {"colleague"},
    "other_gm": {"colleague"},
    "other_nqsw": None,
    "other_assessor": None,
    "grade10": None,
}


@pytest.mark.parametrize("who, shows", REGISTER_SHOWS.items())
def test_an_assessor_group_register_shows_only_whom_the_viewer_sees(
    client, people, enrolment, who, shows
):
    other_group = people["other_nqsw"].enrolments.get().practice_group
    colleague = factories.EnrolmentFactory(practice_group=other_group, assessor=people["assessor"])
    led = record_assessor_session(
        assessor=people["assessor"],
        attendance=[(enrolment, True), (colleague, False)],
        held_on=date(2026, 10, 1),
        start_time=CONTENT_START,
        today=date(2026, 10, 1),
        **CONTENT,
    )
    names = {"nqsw": enrolment.person.full_name, "colleague": colleague.person.full_name}
    response = login(client, people[who]).get(reverse("supervision:session_detail", args=[led.pk]))
    if shows is None:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    for key, name in names.items():
        assert (name in response.text) is (key in shows), key
    assert ("1 more on the register" in response.text) is (len(shows) == 1)


def test_a_superuser_sees_the_whole_register(client, people, enrolment):
    colleague = factories.EnrolmentFactory(assessor=people["assessor"])
    led = record_assessor_session(
        assessor=people["assessor"],
        attendance=[(enrolment, True), (colleague, True)],
        held_on=date(2026, 10, 1),
        start_time=CONTENT_START,
        today=date(2026, 10, 1),
        **CONTENT,
    )
    client.force_login(factories.UserFactory(username="root", is_superuser=True, is_staff=True))
    response = client.get(reverse("supervision:session_detail", args=[led.pk]))
    assert response.status_code == 200
    assert enrolment.person.full_name in response.text
    assert colleague.person.full_name in response.text


# --- feed_settings and feed -------------------------------------------------------------------


@pytest.mark.parametrize("who", list(SEES))
def test_feed_settings_for_everyone_with_a_profile(client, people, who):
    person = people[who]
    url = reverse("supervision:feed_settings")
    login(client, person)
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "regenerate"}).status_code == 302
    feed = CalendarFeed.objects.get(person=person, revoked_at__isnull=True)
    page = client.get(url).text
    assert reverse("supervision:feed", args=[feed.token]) in page
    assert client.post(url, {"action": "revoke"}).status_code == 302
    assert not CalendarFeed.objects.filter(person=person, revoked_at__isnull=True).exists()


def test_feed_settings_only_touch_ones_own_feed(client, people):
    others = regenerate_feed(person=people["nqsw"])
    login(client, people["pm"]).post(reverse("supervision:feed_settings"), {"action": "revoke"})
    others.refresh_from_db()
    assert others.revoked_at is None


def test_feed_settings_unknown_action_and_no_profile(client, people):
    login(client, people["pm"])
    url = reverse("supervision:feed_settings")
    assert client.post(url, {"action": "delete-everything"}).status_code == 400
    client.force_login(factories.UserFactory())
    assert client.get(url).status_code == 404


def test_feed_needs_a_live_token_not_a_login(client, people):
    feed = regenerate_feed(person=people["nqsw"])
    url = reverse("supervision:feed", args=[feed.token])
    assert client.get(url).status_code == 200  # anonymous: the token is the credential
    assert client.get(reverse("supervision:feed", args=["not-a-token"])).status_code == 404
    revoke_feed(person=people["nqsw"])
    assert client.get(url).status_code == 404
    # Signed in as the owner does not bring a revoked token back.
    assert login(client, people["nqsw"]).get(url).status_code == 404


# --- anonymous --------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, enrolment, session):
    group = enrolment.practice_group
    for url in [
        reverse("supervision:overview"),
        reverse("supervision:overview_csv"),
        reverse("supervision:my_record"),
        reverse("supervision:record", args=[enrolment.pk]),
        reverse("supervision:record_session", args=[enrolment.pk]),
        reverse("supervision:record_support", args=[enrolment.pk]),
        reverse("supervision:record_group_session", args=[group.pk]),
        reverse("supervision:record_assessor_session"),
        reverse("supervision:session_detail", args=[session.pk]),
        reverse("supervision:feed_settings"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url
        response = client.post(url, {})
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url
    assert not Session.objects.exclude(pk=session.pk).exists()


def test_overview_offers_record_links_only_where_allowed(client, people, enrolment):
    link = reverse("supervision:record_session", args=[enrolment.pk])
    assert link in login(client, people["pm"]).get(reverse("supervision:overview")).text
    assert link in login(client, people["admin"]).get(reverse("supervision:overview")).text
    assert link not in login(client, people["gm"]).get(reverse("supervision:overview")).text


def test_wrong_methods_are_refused(client, people):
    feed = regenerate_feed(person=people["nqsw"])
    assert client.post(reverse("supervision:feed", args=[feed.token])).status_code == 405
    login(client, people["pm"])
    assert client.put(reverse("supervision:feed_settings")).status_code == 405
    assert client.put(reverse("supervision:record_assessor_session")).status_code == 405
