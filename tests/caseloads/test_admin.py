"""The admin does not bypass the caps (issue 15 item 5): a decided allocation's case, worker,
role and dates, and the cap-relevant fields of a case someone is on, are read-only there;
a visit sign-off is neither changed nor deleted."""

from datetime import date

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from caseloads import services, summaries
from caseloads.models import Allocation, Case, CaseloadSummary, VisitSignOff
from tests.caseloads import factories as f
from tests.caseloads.factories import SEPTEMBER

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved():
    worker = f.nqsw().person
    return f.allocate(worker, start=SEPTEMBER, children=1)


def test_an_approved_allocation_keeps_its_case_worker_role_and_dates(client, superuser, approved):
    other_case = f.CaseFactory(children=20)
    other_worker = f.staff()
    client.force_login(superuser)
    url = reverse("admin:caseloads_allocation_change", args=[approved.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="case"' not in response.text
    assert 'name="start_date"' not in response.text
    response = client.post(
        url,
        {
            "case": other_case.pk,
            "worker": other_worker.pk,
            "role": Allocation.Role.COWORKER,
            "start_date": "2026-08-01",
            "status": Allocation.Status.REQUESTED,
            "requested_by": approved.requested_by.pk,
            "requested_at_0": "2026-09-01",
            "requested_at_1": "10:00:00",
            "reason": "",
            "backdated_reason": "",
            "decline_reason": "",
        },
    )
    assert response.status_code in (200, 302, 403)
    before = approved
    approved = Allocation.objects.get(pk=before.pk)
    assert approved.case_id == before.case_id
    assert approved.worker_id == before.worker_id
    assert approved.role == before.role
    assert approved.start_date == before.start_date
    assert approved.status == Allocation.Status.APPROVED


def test_a_requested_allocation_is_still_editable_in_the_admin(client, superuser):
    requested = f.request(f.nqsw().person, start=SEPTEMBER)
    client.force_login(superuser)
    response = client.get(reverse("admin:caseloads_allocation_change", args=[requested.pk]))
    assert 'name="case"' in response.text


def test_a_case_someone_is_on_keeps_its_children_type_and_service(client, superuser, approved):
    case = approved.case
    client.force_login(superuser)
    url = reverse("admin:caseloads_case_change", args=[case.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="children"' not in response.text
    response = client.post(
        url,
        {
            "reference": case.reference,
            "case_type": Case.CaseType.CP,
            "children": 20,
            "service": f.base.service("FSP").pk,
            "allocations-TOTAL_FORMS": "1",
            "allocations-INITIAL_FORMS": "1",
            "allocations-MIN_NUM_FORMS": "0",
            "allocations-MAX_NUM_FORMS": "1000",
            "allocations-0-id": approved.pk,
            "allocations-0-case": case.pk,
        },
    )
    assert response.status_code in (200, 302, 403)
    case.refresh_from_db()
    assert case.children == 1
    assert case.case_type == Case.CaseType.CIN
    assert case.service.code == "CAI"


def test_a_case_nobody_is_on_can_be_corrected_in_the_admin(client, superuser):
    case = f.CaseFactory()
    client.force_login(superuser)
    response = client.get(reverse("admin:caseloads_case_change", args=[case.pk]))
    assert 'name="children"' in response.text


@pytest.fixture
def signoff():
    enrolment = f.nqsw()
    return services.sign_off_visits(
        enrolment=enrolment,
        signed_by=enrolment.practice_group.practice_manager,
        signed_on=date(2026, 10, 5),
    )


def test_a_visit_signoff_is_not_deleted_in_the_admin(client, superuser, signoff):
    client.force_login(superuser)
    url = reverse("admin:caseloads_visitsignoff_delete", args=[signoff.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert VisitSignOff.objects.filter(pk=signoff.pk).exists()


def test_a_visit_signoff_is_not_changed_in_the_admin(client, superuser, signoff):
    client.force_login(superuser)
    url = reverse("admin:caseloads_visitsignoff_change", args=[signoff.pk])
    response = client.post(url, {"signed_on": "2020-01-01"})
    assert response.status_code == 403
    signoff.refresh_from_db()
    assert signoff.signed_on != date(2020, 1, 1)


def test_the_database_refuses_to_update_a_visit_signoff(signoff):
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        VisitSignOff.objects.filter(pk=signoff.pk).update(signed_on=date(2020, 1, 1))
    signoff.refresh_from_db()
    assert signoff.signed_on == date(2026, 10, 5)


def test_moving_a_request_to_another_worker_in_the_admin_updates_both_board_rows(client, superuser):
    first, second = f.nqsw(), f.nqsw()
    requested = f.request(first.person, start=SEPTEMBER, children=1)
    summaries.refresh([second.pk], on=timezone.localdate())
    client.force_login(superuser)
    response = client.post(
        reverse("admin:caseloads_allocation_change", args=[requested.pk]),
        {
            "case": requested.case_id,
            "worker": second.person_id,
            "role": requested.role,
            "start_date": SEPTEMBER.isoformat(),
            "requested_by": requested.requested_by_id,
            "requested_at_0": "2026-09-01",
            "requested_at_1": "10:00:00",
            "reason": "",
            "backdated_reason": "",
            "decline_reason": "",
        },
    )
    assert response.status_code == 302
    waiting = dict(CaseloadSummary.objects.values_list("enrolment_id", "requests_waiting"))
    assert waiting == {first.pk: 0, second.pk: 1}
