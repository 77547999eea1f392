"""Who may see and use the Caseloads pages, for every view and every role.

The `people` fixture names everyone around one NQSW's enrolment (tests/conftest.py).
Outsiders get 404, not 403; people who may see the worker but not decide get 403.
State is built through caseloads.services, as the pages build it.
"""

from datetime import date

import pytest
from django.urls import reverse

from caseloads.models import Allocation, Case, VisitSignOff
from tests.caseloads import factories as f
from tests.clock import pin_today

pytestmark = pytest.mark.django_db

# ASYE month 3 for the fixture's September 2026 start. The pages read "today".
TODAY = date(2026, 11, 16)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    return pin_today(monkeypatch, TODAY)


@pytest.fixture
def held(people):
    """An approved allocation on the NQSW's caseload."""
    return f.allocate(people["nqsw"], start=date(2026, 10, 1), children=3)


@pytest.fixture
def waiting(people, held):
    """A request for the NQSW, waiting for their PM."""
    return f.request(people["nqsw"], start=TODAY, children=2)


# Who sees the NQSW's caseload (the same as their enrolment).
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

# ALLOC-APPROVE and VISIT-SIGNOFF decisions: the worker's academy PM or an administrator;
# those who see the worker get 403, everyone else 404.
DECIDES = {
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

# Asking for an allocation: practice managers, group managers and administrators; a page
# nobody else has. The form offers only the workers the user sees.
REQUESTS = {
    "pm": 200,
    "gm": 200,
    "other_pm": 200,
    "other_gm": 200,
    "admin": 200,
    "nqsw": 404,
    "assessor": 404,
    "chair": 404,
    "other_nqsw": 404,
    "other_assessor": 404,
    "grade10": 404,
}

# The caseload audit: managers, the Professional Practice team and administrators.
AUDITS = {
    "pm": 200,
    "gm": 200,
    "other_pm": 200,
    "other_gm": 200,
    "chair": 200,
    "admin": 200,
    "nqsw": 404,
    "assessor": 404,
    "other_nqsw": 404,
    "other_assessor": 404,
    "grade10": 404,
}


def login(client, person):
    client.force_login(person.user)
    return client


def request_post(enrolment, **extra):
    return {
        "worker": enrolment.pk,
        "role": "allocated",
        "case_reference": "CIN-77001",
        "case_type": "CIN",
        "children": 2,
        "service": enrolment.practice_group.service.pk,
        "start_date": TODAY.isoformat(),
        "reason": "Duty referral; fits the worker's learning plan.",
        **extra,
    }


# --- board and board_csv ------------------------------------------------------------------------


@pytest.mark.parametrize("who, sees", SEES.items())
def test_board_lists_only_visible_workers(client, people, held, who, sees):
    response = login(client, people[who]).get(reverse("caseloads:board"))
    assert response.status_code == 200
    assert (people["nqsw"].full_name in response.text) is sees


@pytest.mark.parametrize("who, sees", SEES.items())
def test_board_csv_exports_only_visible_workers(client, people, held, who, sees):
    response = login(client, people[who]).get(reverse("caseloads:board_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert (people["nqsw"].staff_id in b"".join(response.streaming_content).decode()) is sees


# --- my_caseload ----------------------------------------------------------------------------


def test_my_caseload_takes_a_worker_to_their_own_page(client, people, enrolment):
    response = login(client, people["nqsw"]).get(reverse("caseloads:my_caseload"))
    assert response.status_code == 302
    assert response.url == reverse("caseloads:worker", args=[enrolment.pk])
    other = login(client, people["other_nqsw"]).get(reverse("caseloads:my_caseload"))
    assert other.status_code == 302 and other.url != response.url


@pytest.mark.parametrize("who", ["pm", "gm", "assessor", "chair", "admin", "grade10"])
def test_my_caseload_is_404_without_an_enrolment(client, people, who):
    assert login(client, people[who]).get(reverse("caseloads:my_caseload")).status_code == 404


# --- worker (one worker's caseload page) ------------------------------------------------------


@pytest.mark.parametrize("who, sees", SEES.items())
def test_worker_page(client, people, enrolment, held, waiting, who, sees):
    response = login(client, people[who]).get(reverse("caseloads:worker", args=[enrolment.pk]))
    assert response.status_code == (200 if sees else 404)
    if sees:
        assert waiting.case.reference in response.text
        # Only the worker's PM (or an admin) is offered the sign-off form and "End" links.
        offered = reverse("caseloads:sign_off_visits", args=[enrolment.pk]) in response.text
        assert offered is (who in ("pm", "admin"))
        ending = reverse("caseloads:end_allocation", args=[held.pk]) in response.text
        assert ending is (who in ("pm", "admin"))


# --- sign_off_visits --------------------------------------------------------------------------


@pytest.mark.parametrize("who, status", DECIDES.items())
def test_sign_off_visits_access(client, people, enrolment, who, status):
    url = reverse("caseloads:sign_off_visits", args=[enrolment.pk])
    login(client, people[who])
    assert client.get(url).status_code == status
    response = client.post(url, {"signed_on": "2026-11-02"})
    assert response.status_code == (302 if status == 200 else status)
    assert VisitSignOff.objects.filter(enrolment=enrolment).exists() is (status == 200)


# --- requests (the decision queue) -------------------------------------------------------------


@pytest.mark.parametrize("who, sees", SEES.items())
def test_requests_list(client, people, waiting, who, sees):
    response = login(client, people[who]).get(reverse("caseloads:requests"))
    assert response.status_code == 200
    assert (waiting.case.reference in response.text) is sees
    assert (f"Decide on {waiting.case.reference}" in response.text) is (who in ("pm", "admin"))


# --- request_allocation -------------------------------------------------------------------------


@pytest.mark.parametrize("who, status", REQUESTS.items())
def test_request_allocation_access(client, people, enrolment, who, status):
    url = reverse("caseloads:request_allocation")
    login(client, people[who])
    response = client.get(url)
    assert response.status_code == status
    if status == 200:
        # The form offers the NQSW only to those who see them.
        assert (people["nqsw"].full_name in response.text) is SEES[who]
    response = client.post(url, request_post(enrolment))
    created = Allocation.objects.filter(worker=people["nqsw"]).exists()
    if status == 404:
        assert response.status_code == 404
    elif SEES[who]:
        assert response.status_code == 302
        allocation = Allocation.objects.get(worker=people["nqsw"])
        assert allocation.status == "requested"
        assert allocation.requested_by == people[who]
        assert response.url == reverse("caseloads:allocation", args=[allocation.pk])
    else:
        # Another team's PM or GM: the worker is not a choice, so nothing is recorded.
        assert response.status_code == 200
        assert "Select a valid choice" in response.text
        assert not created
    assert created is (status == 200 and SEES[who])
    assert Case.objects.exists() is created


# --- allocation (one allocation or request) -----------------------------------------------------


@pytest.mark.parametrize("who, sees", SEES.items())
def test_allocation_page(client, people, waiting, who, sees):
    url = reverse("caseloads:allocation", args=[waiting.pk])
    response = login(client, people[who]).get(url)
    assert response.status_code == (200 if sees else 404)
    if sees:
        assert "What approving it would do" in response.text
        decide_form = reverse("caseloads:approve", args=[waiting.pk]) in response.text
        assert decide_form is (who in ("pm", "admin"))


# --- approve, decline, end_allocation ---------------------------------------------------------


@pytest.mark.parametrize("who, status", DECIDES.items())
def test_approve_access(client, people, waiting, who, status):
    response = login(client, people[who]).post(
        reverse("caseloads:approve", args=[waiting.pk]), {"approve-reason": ""}
    )
    assert response.status_code == (302 if status == 200 else status)
    waiting.refresh_from_db()
    assert waiting.status == ("approved" if status == 200 else "requested")
    if status == 200:
        assert waiting.decided_by == people[who]


@pytest.mark.parametrize("who, status", DECIDES.items())
def test_decline_access(client, people, waiting, who, status):
    response = login(client, people[who]).post(
        reverse("caseloads:decline", args=[waiting.pk]),
        {"decline-reason": "The case needs an experienced worker."},
    )
    assert response.status_code == (302 if status == 200 else status)
    waiting.refresh_from_db()
    assert waiting.status == ("declined" if status == 200 else "requested")


@pytest.mark.parametrize("who, status", DECIDES.items())
def test_end_allocation_access(client, people, held, who, status):
    url = reverse("caseloads:end_allocation", args=[held.pk])
    login(client, people[who])
    assert client.get(url).status_code == status
    response = client.post(
        url, {"how": "Closure", "end_date": "2026-11-13", "details": "Case closed at review."}
    )
    assert response.status_code == (302 if status == 200 else status)
    held.refresh_from_db()
    assert held.status == ("ended" if status == 200 else "approved")


# --- audit ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who, status", AUDITS.items())
def test_audit_access(client, people, who, status):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("caseloads:audit")
    login(client, people[who])
    assert client.get(url).status_code == status
    upload = SimpleUploadedFile(
        "report.csv",
        f"case_ref,case_type,children,staff_id,role\nC-1,CIN,11,{people['nqsw'].staff_id},"
        "allocated\n".encode(),
        content_type="text/csv",
    )
    response = client.post(url, {"file": upload, "as_of": "2026-11-16"})
    assert response.status_code == status
    if status == 200:
        # The breach is shown only to those who may see the worker.
        assert ("CAP-MAX" in response.text) is SEES[who]


# --- anonymous and wrong methods -----------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, enrolment, waiting, held):
    for url in [
        reverse("caseloads:board"),
        reverse("caseloads:board_csv"),
        reverse("caseloads:my_caseload"),
        reverse("caseloads:worker", args=[enrolment.pk]),
        reverse("caseloads:sign_off_visits", args=[enrolment.pk]),
        reverse("caseloads:requests"),
        reverse("caseloads:request_allocation"),
        reverse("caseloads:allocation", args=[waiting.pk]),
        reverse("caseloads:approve", args=[waiting.pk]),
        reverse("caseloads:decline", args=[waiting.pk]),
        reverse("caseloads:end_allocation", args=[held.pk]),
        reverse("caseloads:audit"),
    ]:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert response.url.startswith(reverse("login")), url
    waiting.refresh_from_db()
    held.refresh_from_db()
    assert (waiting.status, held.status) == ("requested", "approved")


def test_wrong_methods_are_refused(client, people, enrolment, waiting, held):
    login(client, people["pm"])
    read_only = [
        reverse("caseloads:board"),
        reverse("caseloads:board_csv"),
        reverse("caseloads:my_caseload"),
        reverse("caseloads:worker", args=[enrolment.pk]),
        reverse("caseloads:requests"),
        reverse("caseloads:allocation", args=[waiting.pk]),
    ]
    for url in read_only:
        assert client.post(url).status_code == 405, url
    for url in [
        reverse("caseloads:approve", args=[waiting.pk]),
        reverse("caseloads:decline", args=[waiting.pk]),
    ]:
        assert client.get(url).status_code == 405, url
    for url in [
        reverse("caseloads:sign_off_visits", args=[enrolment.pk]),
        reverse("caseloads:request_allocation"),
        reverse("caseloads:end_allocation", args=[held.pk]),
        reverse("caseloads:audit"),
    ]:
        assert client.put(url).status_code == 405, url
    waiting.refresh_from_db()
    assert waiting.status == "requested"
