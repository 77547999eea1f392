"""Issue 10 items 2-4: requests made together with an experienced worker (SOLE-CP-CLA),
the case page, ALLOC-START and ALLOC-BACKDATED, and decisions offered only when possible."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from caseloads import rules, services
from caseloads.models import Allocation, Case
from tests.caseloads import factories as f
from tests.clock import pin_today

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 16)  # ASYE month 3 for the September start of `enrolment`


@pytest.fixture(autouse=True)
def today(monkeypatch):
    return pin_today(monkeypatch, TODAY)


def cp_case(enrolment, reference="CP-40001"):
    return Case.objects.create(
        reference=reference, case_type="CP", children=2, service=enrolment.practice_group.service
    )


def together(people, enrolment, **extra):
    return services.request_allocation(
        case=cp_case(enrolment),
        worker=people["nqsw"],
        role="allocated",
        start_date=TODAY,
        requested_by=people["pm"],
        companion=people["grade10"],
        companion_role="coworker",
        **extra,
    )


# --- Rules at the boundaries -------------------------------------------------------------------


def test_alloc_start_refuses_the_day_before_the_enrolment_only():
    worker = rules.Worker("S1", "Ann", "nqsw", enrolment_start=date(2026, 9, 1))
    (before,) = rules.start_findings(worker, "CP-1", date(2026, 8, 31))
    assert before.rule == "ALLOC-START" and before.is_breach
    assert "31/08/2026" in before.message and "01/09/2026" in before.message
    assert rules.start_findings(worker, "CP-1", date(2026, 9, 1)) == []


def test_alloc_backdated_needs_a_reason_beyond_fourteen_days():
    on = date(2026, 11, 16)
    assert rules.backdated_findings("Ann", "CP-1", on - timedelta(days=14), on) == []
    (late,) = rules.backdated_findings("Ann", "CP-1", on - timedelta(days=15), on)
    assert late.rule == "ALLOC-BACKDATED" and "15 days" in late.message
    assert (
        rules.backdated_findings(
            "Ann", "CP-1", on - timedelta(days=15), on, backdated_reason="Found in audit"
        )
        == []
    )
    wider = rules.Settings(alloc_backdated_days=20)
    assert (
        rules.backdated_findings("Ann", "CP-1", on - timedelta(days=15), on, settings=wider) == []
    )


# --- Services ----------------------------------------------------------------------------------


def test_a_cp_case_alone_is_refused_but_together_it_is_approved_as_one(people, enrolment):
    alone = f.request(people["nqsw"], start=TODAY, case_type="CP", children=1)
    with pytest.raises(services.CaseloadRefused, match="SOLE-CP-CLA"):
        services.approve_allocation(allocation=alone, decided_by=people["pm"])

    nqsw = together(people, enrolment)
    companion = nqsw.decided_with
    assert companion.worker == people["grade10"] and companion.decided_with == nqsw
    services.approve_allocation(allocation=nqsw, decided_by=people["pm"])
    nqsw.refresh_from_db()
    companion.refresh_from_db()
    assert nqsw.status == companion.status == "approved"
    assert nqsw.decided_at == companion.decided_at


def test_declined_together_both_keep_the_reason_apart_from_the_note(people, enrolment):
    nqsw = together(people, enrolment, reason="Complex family")
    services.decline_allocation(allocation=nqsw, decided_by=people["pm"], reason="Cap near")
    for row in Allocation.objects.filter(case=nqsw.case):
        assert row.status == "declined"
        assert row.decline_reason == "Cap near" and row.reason == "Complex family"


def test_a_manager_is_not_the_experienced_worker(people, enrolment):
    with pytest.raises(ValidationError, match="not an experienced"):
        services.request_allocation(
            case=cp_case(enrolment),
            worker=people["nqsw"],
            role="allocated",
            start_date=TODAY,
            requested_by=people["pm"],
            companion=people["gm"],
        )


def test_alloc_start_refused_with_both_dates(people, enrolment):
    start = enrolment.asye_start - timedelta(days=400)
    with pytest.raises(services.CaseloadRefused, match="ALLOC-START") as excinfo:
        f.request(people["nqsw"], start=start, children=1)
    assert f"{start:%d/%m/%Y}" in str(excinfo.value)
    assert not Allocation.objects.exists()


def test_backdated_needs_a_reason_and_is_recorded(people, enrolment):
    start = TODAY - timedelta(days=15)
    kwargs = dict(
        case=Case.objects.create(
            reference="CIN-1", case_type="CIN", children=1, service=enrolment.practice_group.service
        ),
        worker=people["nqsw"],
        role="allocated",
        start_date=start,
        requested_by=people["pm"],
    )
    with pytest.raises(services.CaseloadRefused, match="ALLOC-BACKDATED"):
        services.request_allocation(**kwargs)
    made = services.request_allocation(**kwargs, backdated_reason="Transferred in late")
    assert made.is_backdated and made.backdated_reason == "Transferred in late"
    recent = services.request_allocation(
        **{
            **kwargs,
            "role": "coworker",
            "worker": people["grade10"],
            "start_date": TODAY - timedelta(days=14),
        },
        backdated_reason="ignored",
    )
    assert not recent.is_backdated


def test_adding_an_experienced_worker_links_the_waiting_request(people, enrolment):
    case = cp_case(enrolment)
    waiting = f.request(people["nqsw"], start=TODAY, case=case)
    added = services.add_experienced_worker(
        case=case,
        worker=people["grade10"],
        role="coworker",
        start_date=TODAY,
        requested_by=people["pm"],
    )
    waiting.refresh_from_db()
    assert waiting.decided_with == added
    services.approve_allocation(allocation=waiting, decided_by=people["pm"])
    assert set(Allocation.objects.values_list("status", flat=True)) == {"approved"}


# --- Views -------------------------------------------------------------------------------------


def post_together(client, enrolment, companion, **extra):
    return client.post(
        reverse("caseloads:request_allocation"),
        {
            "worker": enrolment.pk,
            "role": "allocated",
            "case_reference": "CP-40001",
            "case_type": "CP",
            "children": 2,
            "service": enrolment.practice_group.service.pk,
            "start_date": TODAY.isoformat(),
            "companion": companion.pk,
            "companion_role": "coworker",
            **extra,
        },
    )


def test_pm_requests_together_and_approves_both_on_one_page(client, people, enrolment):
    client.force_login(people["pm"].user)
    response = post_together(client, enrolment, people["grade10"])
    nqsw = Allocation.objects.get(worker=people["nqsw"])
    assert response.status_code == 302
    page = client.get(reverse("caseloads:allocation", args=[nqsw.pk])).content.decode()
    assert "Approve both allocations" in page and people["grade10"].full_name in page
    client.post(reverse("caseloads:approve", args=[nqsw.pk]), {"approve-reason": ""})
    assert set(Allocation.objects.values_list("status", flat=True)) == {"approved"}


def test_the_request_form_offers_no_completed_asye(client, people, enrolment):
    done = f.nqsw("CAI", start=date(2025, 9, 1))
    done.practice_group = enrolment.practice_group
    done.save()
    client.force_login(people["pm"].user)
    page = client.get(reverse("caseloads:request_allocation")).content.decode()
    assert people["nqsw"].full_name in page
    assert done.person.full_name not in page
    assert people["grade10"].full_name in page  # offered as the experienced worker


def test_approve_not_offered_when_certain_to_be_refused(client, people):
    alone = f.request(people["nqsw"], start=TODAY, case_type="CP", children=1)
    client.force_login(people["pm"].user)
    page = client.get(reverse("caseloads:allocation", args=[alone.pk])).content.decode()
    assert "Approval is not offered" in page and "SOLE-CP-CLA" in page
    assert "Approve the allocation" not in page
    assert "Decline the request" in page


@pytest.mark.parametrize(
    "who, status",
    [
        ("pm", 200),
        ("gm", 200),
        ("nqsw", 200),
        ("assessor", 200),
        ("other_pm", 404),
        ("other_nqsw", 404),
        ("admin", 200),
    ],
)
def test_case_page_by_role(client, people, enrolment, who, status):
    case = cp_case(enrolment)
    f.request(people["nqsw"], start=TODAY, case=case)
    client.force_login(people[who].user)
    response = client.get(reverse("caseloads:case", args=[case.pk]))
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert people["nqsw"].full_name in page
        assert ("Add an experienced worker" in page) == (who in ("pm", "gm", "admin"))


def test_case_page_as_superuser(client, people, enrolment, superuser):
    case = cp_case(enrolment)
    f.request(people["nqsw"], start=TODAY, case=case)
    client.force_login(superuser)
    assert client.get(reverse("caseloads:case", args=[case.pk])).status_code == 200


def test_pm_adds_an_experienced_worker_on_the_case_page(client, people, enrolment):
    case = cp_case(enrolment)
    waiting = f.request(people["nqsw"], start=TODAY, case=case)
    client.force_login(people["pm"].user)
    response = client.post(
        reverse("caseloads:case", args=[case.pk]),
        {"worker": people["grade10"].pk, "role": "coworker", "start_date": TODAY.isoformat()},
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.decided_with.worker == people["grade10"]


def test_nqsw_may_not_add_to_the_case(client, people, enrolment):
    case = cp_case(enrolment)
    f.request(people["nqsw"], start=TODAY, case=case)
    client.force_login(people["nqsw"].user)
    response = client.post(
        reverse("caseloads:case", args=[case.pk]),
        {"worker": people["grade10"].pk, "role": "coworker", "start_date": TODAY.isoformat()},
    )
    assert response.status_code == 403
    assert Allocation.objects.count() == 1


def test_every_problem_with_a_request_is_reported_at_once(people, enrolment):
    """Issue 10 item 13: the companion's problem and the rules' breach in one response."""
    with pytest.raises(ValidationError) as excinfo:
        services.request_allocation(
            case=cp_case(enrolment),
            worker=people["nqsw"],
            role="allocated",
            start_date=TODAY - timedelta(days=15),
            requested_by=people["pm"],
            companion=people["gm"],
        )
    messages = " ".join(excinfo.value.messages)
    assert "not an experienced" in messages
    assert "ALLOC-BACKDATED" in messages
    assert not Allocation.objects.exists()
