"""The Caseloads pages end to end: requests, decisions, endings, sign-offs, the board and
its CSV, the worker page and its chart, the audit upload, and query counts that do not
grow with the rows. Access by role is in test_access.py."""

import base64
import csv
import io
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseloads import services
from caseloads.board import BOARD_COLUMNS
from caseloads.models import Allocation, CapRule, Case, VisitSignOff
from tests import factories as base
from tests.caseloads import factories as f
from tests.clock import pin_today

pytestmark = pytest.mark.django_db

# ASYE month 3 for a September 2026 start. The pages read "today".
TODAY = date(2026, 11, 16)
OCTOBER = date(2026, 10, 1)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    return pin_today(monkeypatch, TODAY)


def login(client, person):
    client.force_login(person.user)
    return client


def text(response) -> str:
    if response.streaming:  # the board's CSV
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def post_request(client, enrolment, **extra):
    return client.post(
        reverse("caseloads:request_allocation"),
        {
            "worker": enrolment.pk,
            "role": "allocated",
            "case_reference": "CIN-77001",
            "case_type": "CIN",
            "children": 2,
            "service": enrolment.practice_group.service.pk,
            "start_date": TODAY.isoformat(),
            "reason": "Duty referral.",
            **extra,
        },
    )


# --- Asking, approving, declining -------------------------------------------------------------


def test_a_request_is_approved_through_the_pages(client, people, enrolment):
    pm = people["pm"]
    f.allocate(people["nqsw"], start=OCTOBER, children=3)
    response = post_request(login(client, people["gm"]), enrolment)
    allocation = Allocation.objects.get(status="requested")
    assert response.url == reverse("caseloads:allocation", args=[allocation.pk])
    assert allocation.requested_by == people["gm"]

    page = text(login(client, pm).get(reverse("caseloads:allocation", args=[allocation.pk])))
    assert "ASYE month 3" in page
    assert "would hold <strong>5 children</strong>" in page
    assert "the cap for CAI in ASYE month 3 is 10" in page
    assert "No breach or warning." in page

    queue = text(client.get(reverse("caseloads:requests")))
    assert f"Decide on {allocation.case.reference}" in queue

    response = client.post(
        reverse("caseloads:approve", args=[allocation.pk]),
        {"approve-reason": "Grade 10 SW to shadow the first visit."},
        follow=True,
    )
    assert "Approved: CIN-77001" in text(response)
    allocation.refresh_from_db()
    assert (allocation.status, allocation.decided_by) == ("approved", pm)
    assert allocation.reason == "Duty referral.\n\nApproved: Grade 10 SW to shadow the first visit."
    board = text(client.get(reverse("caseloads:board_csv")))
    rows = csv.DictReader(io.StringIO(board))
    row = next(r for r in rows if r["staff_id"] == people["nqsw"].staff_id)
    assert row["children"] == "5"


def test_a_refused_approval_names_the_rule_and_the_numbers(client, people):
    f.allocate(people["nqsw"], start=OCTOBER, children=9)
    over = f.request(people["nqsw"], start=TODAY, children=2)
    login(client, people["pm"])

    before = text(client.get(reverse("caseloads:allocation", args=[over.pk])))
    assert "Approval would be refused" in before
    assert "CAP-MAX" in before

    response = client.post(reverse("caseloads:approve", args=[over.pk]), {"approve-reason": ""})
    assert response.status_code == 200
    page = text(response)
    assert "Approval refused: the request is still waiting" in page
    assert "CAP-MAX" in page
    assert "would hold 11 children" in page
    assert "the cap for CAI in ASYE month 3 is 10" in page
    over.refresh_from_db()
    assert over.status == "requested" and over.decided_by is None


def test_decline_needs_a_reason_and_stays_on_record(client, enrolment, people):
    waiting = f.request(people["nqsw"], start=TODAY, children=2)
    login(client, people["pm"])
    url = reverse("caseloads:decline", args=[waiting.pk])
    response = client.post(url, {"decline-reason": "  "})
    assert response.status_code == 200
    assert "This field is required." in text(response)
    waiting.refresh_from_db()
    assert waiting.status == "requested"

    client.post(url, {"decline-reason": "Needs an experienced worker."})
    waiting.refresh_from_db()
    assert waiting.status == "declined"
    # Item 4 (issue 10): the decline reason is kept apart from the request's note.
    assert waiting.decline_reason == "Needs an experienced worker."
    assert "Needs an experienced worker." not in waiting.reason
    page = text(client.get(reverse("caseloads:worker", args=[enrolment.pk])))
    past = page[page.index("Past allocations") :]
    assert waiting.case.reference in past and "Needs an experienced worker." in past


def test_approving_twice_says_it_is_already_approved(client, people):
    waiting = f.request(people["nqsw"], start=TODAY, children=1)
    login(client, people["pm"])
    client.post(reverse("caseloads:approve", args=[waiting.pk]), {"approve-reason": ""})
    response = client.post(reverse("caseloads:approve", args=[waiting.pk]), {"approve-reason": ""})
    assert response.status_code == 200
    assert "already approved" in text(response)


# --- The request form ---------------------------------------------------------------------------


def test_a_request_reuses_a_recorded_case(client, people, enrolment):
    colleague = f.nqsw(practice_group=enrolment.practice_group)
    login(client, people["pm"])
    post_request(client, enrolment)
    post_request(client, colleague, role="coworker")
    case = Case.objects.get()
    assert (case.reference, case.case_type, case.children) == ("CIN-77001", "CIN", 2)
    assert case.allocations.count() == 2


def test_a_request_cannot_change_a_recorded_case(client, people, enrolment):
    f.CaseFactory(reference="CIN-77001", case_type="CIN", children=2)
    response = post_request(login(client, people["pm"]), enrolment, children=3)
    assert response.status_code == 200
    assert "already recorded as CIN with 2 child(ren)" in text(response)
    assert not Allocation.objects.exists()


def test_a_certain_breach_is_refused_at_once_leaving_nothing(client, people, enrolment):
    # S47-EARLY: a CA&I NQSW in ASYE month 3 is on no section 47 enquiry.
    response = post_request(
        login(client, people["pm"]), enrolment, case_reference="S47-001", case_type="S47"
    )
    assert response.status_code == 200
    page = text(response)
    assert "S47-EARLY" in page and "ASYE month 3" in page
    assert not Allocation.objects.exists()
    assert not Case.objects.exists()


def test_a_case_reference_is_never_a_name(client, people, enrolment):
    response = post_request(login(client, people["pm"]), enrolment, case_reference="Jane Smith")
    assert response.status_code == 200
    assert "Never a child&#x27;s name" in text(response)
    assert not Case.objects.exists()


def test_a_lower_case_reference_is_read_in_upper_case(client, people, enrolment):
    post_request(login(client, people["pm"]), enrolment, case_reference=" cin-77001 ")
    assert Case.objects.get().reference == "CIN-77001"


def test_a_live_allocation_on_the_case_is_refused(client, people, enrolment):
    login(client, people["pm"])
    post_request(client, enrolment)
    response = post_request(client, enrolment)
    assert "already has a live" in text(response)
    assert Allocation.objects.count() == 1


def test_the_form_preselects_the_worker_from_their_page(client, people, enrolment):
    page = text(
        login(client, people["pm"]).get(
            reverse("caseloads:request_allocation") + f"?worker={enrolment.pk}"
        )
    )
    assert re.search(rf'<option value="{enrolment.pk}" selected>', page)


# --- Ending an allocation and the visit sign-off ------------------------------------------------


def test_an_ending_is_recorded_not_deleted(client, people, enrolment):
    held = f.allocate(people["nqsw"], start=OCTOBER, children=3)
    login(client, people["pm"])
    response = client.post(
        reverse("caseloads:end_allocation", args=[held.pk]),
        {"how": "Transfer", "end_date": "2026-11-13", "details": "To the CIN team."},
    )
    assert response.url == reverse("caseloads:worker", args=[enrolment.pk])
    held.refresh_from_db()
    assert (held.status, held.end_date) == ("ended", date(2026, 11, 13))
    assert held.ended_by == people["pm"]
    assert held.end_reason == "Transfer: To the CIN team."
    page = text(client.get(response.url))
    assert "Transfer: To the CIN team." in page[page.index("Past allocations") :]


def test_an_ending_before_the_start_is_refused(client, people):
    held = f.allocate(people["nqsw"], start=OCTOBER, children=3)
    response = login(client, people["pm"]).post(
        reverse("caseloads:end_allocation", args=[held.pk]),
        {"how": "Closure", "end_date": "2026-09-30", "details": "Closed."},
    )
    assert response.status_code == 200
    assert "cannot end before it starts" in text(response)
    held.refresh_from_db()
    assert held.status == "approved"


def test_visits_are_signed_off_once_with_a_date_not_ahead(client, people, enrolment):
    url = reverse("caseloads:sign_off_visits", args=[enrolment.pk])
    login(client, people["pm"])
    worker_url = reverse("caseloads:worker", args=[enrolment.pk])
    assert "Not signed off yet" in text(client.get(worker_url))
    assert "not ahead" in text(client.post(url, {"signed_on": "2026-11-17"}))
    client.post(url, {"signed_on": "2026-11-02"})
    assert VisitSignOff.objects.get(enrolment=enrolment).signed_on == date(2026, 11, 2)
    page = text(client.get(reverse("caseloads:worker", args=[enrolment.pk])))
    assert "Signed off on 2 November 2026" in page
    assert url not in page
    assert "already signed off" in text(client.post(url, {"signed_on": "2026-11-03"}))


# --- The worker page and its chart --------------------------------------------------------------


def chart_svg(page: str) -> str:
    found = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', page)
    return base64.b64decode(found.group(1)).decode()


def test_the_worker_page_shows_the_caseload_month_by_month(client, people, enrolment):
    f.allocate(people["nqsw"], start=OCTOBER, children=3)
    early = f.allocate(people["nqsw"], start=date(2026, 9, 7), children=2)
    services.end_allocation(
        allocation=early,
        ended_by=people["pm"],
        end_date=date(2026, 10, 20),
        end_reason="Closure: assessment completed",
    )
    waiting = f.request(people["nqsw"], start=TODAY, children=4)
    page = text(login(client, people["nqsw"]).get(reverse("caseloads:worker", args=[enrolment.pk])))

    current = page[page.index("Current allocations") : page.index("Requests waiting for")]
    assert "3 children" not in current and ">3<" in current
    assert waiting.case.reference in page[page.index("Requests waiting for") :]
    assert "would hold <strong>7 children</strong>" in page
    assert "Closure: assessment completed" in page[page.index("Past allocations") :]

    svg = chart_svg(page)
    assert svg.startswith("<svg") and "<script" not in svg and "<?xml" not in svg
    assert "Children held" in svg and "Cap (maximum)" in svg
    table = page[page.index("Children held each ASYE month") :]
    rows = re.findall(r'<th scope="row">(\d+)</th>\s*<td>([^<]+)</td>\s*<td>(\d+)</td>', table)
    assert [(month, held) for month, _, held in rows] == [("1", "2"), ("2", "3"), ("3", "3")]
    assert "0–10" in table and "(CAI in ASYE month 3)" in table


def test_the_worker_page_shows_the_findings(client, people):
    # CLA in ASYE month 3: the band is 6-8 children, so none at all is a CAP-MIN warning.
    other = people["other_nqsw"].enrolments.get()
    page = text(login(client, people["other_pm"]).get(reverse("caseloads:worker", args=[other.pk])))
    assert "CAP-MIN" in page and "the band for CLA in ASYE month 3 is 6-8" in page


# --- The board and its CSV ----------------------------------------------------------------------


@pytest.fixture
def board(people, enrolment):
    """The NQSW with 3 children, the CLA NQSW with none, and a trainee in the NQSW's team."""
    f.allocate(people["nqsw"], start=OCTOBER, children=3)
    trainee = f.trainee(practice_group=enrolment.practice_group)
    f.allocate(trainee.person, start=OCTOBER, children=1)
    f.request(people["nqsw"], start=TODAY, children=1)
    return trainee


def board_csv(client, **params):
    response = client.get(reverse("caseloads:board_csv"), params)
    assert response["Content-Disposition"] == 'attachment; filename="caseloads-2026-11-16.csv"'
    rows = list(csv.reader(io.StringIO(text(response))))
    return rows[0], {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}


def test_the_csv_has_its_columns_and_the_numbers(client, people, board):
    header, rows = board_csv(login(client, people["pm"]))
    assert (
        header
        == BOARD_COLUMNS
        == [
            "staff_id",
            "name",
            "kind",
            "service",
            "office",
            "practice_group",
            "stage",
            "asye_month",
            "children",
            "cases",
            "own_children",
            "coworked_children",
            "cap_row",
            "cap_minimum",
            "cap_maximum",
            "cap_unit",
            "headroom",
            "breaches",
            "warnings",
            "requests_waiting",
        ]
    )
    nqsw = rows[people["nqsw"].staff_id]
    assert nqsw["name"] == people["nqsw"].full_name
    assert (nqsw["kind"], nqsw["service"], nqsw["stage"], nqsw["asye_month"]) == (
        "asye",
        "CAI",
        "asye_1_4",
        "3",
    )
    assert (nqsw["children"], nqsw["cap_minimum"], nqsw["cap_maximum"], nqsw["headroom"]) == (
        "3",
        "0",
        "10",
        "7",
    )
    assert (nqsw["cap_row"], nqsw["requests_waiting"], nqsw["breaches"]) == (
        "CAI in ASYE month 3",
        "1",
        "",
    )
    trainee = rows[board.person.staff_id]
    assert (trainee["stage"], trainee["cap_maximum"]) == ("trainee", "4")
    assert set(rows) == {people["nqsw"].staff_id, board.person.staff_id}


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"stage": "trainee"}, {"trainee"}),
        ({"stage": "asye_1_4"}, {"nqsw", "other_nqsw"}),
        ({"stage": "asye_5_6"}, set()),
        ({"attention": "under_minimum"}, {"other_nqsw"}),
        ({"attention": "warnings"}, {"other_nqsw"}),
        ({"attention": "breach"}, set()),
        ({"service": "CLA"}, {"other_nqsw"}),
    ],
)
def test_the_board_and_its_csv_filter_alike(client, people, board, params, expected):
    if "service" in params:
        params = {"service": base.service(params["service"]).pk}
    login(client, people["admin"])
    names = {"nqsw": people["nqsw"], "other_nqsw": people["other_nqsw"], "trainee": board.person}
    _, rows = board_csv(client, **params)
    assert {key for key, person in names.items() if person.staff_id in rows} == expected
    page = text(client.get(reverse("caseloads:board"), params))
    assert {key for key, person in names.items() if person.full_name in page} == expected


def test_a_lowered_cap_shows_as_over_cap(client, people, board, enrolment):
    CapRule.objects.create(
        applies_to="nqsw",
        service=base.service("CAI"),
        month_from=1,
        month_to=4,
        minimum=0,
        maximum=2,
        unit="children",
        source="Lowered for a test.",
        effective_from=date(2026, 11, 1),
    )
    login(client, people["pm"])
    _, rows = board_csv(client, attention="over_cap")
    assert set(rows) == {people["nqsw"].staff_id}
    assert rows[people["nqsw"].staff_id]["breaches"] == "CAP-MAX"
    assert rows[people["nqsw"].staff_id]["headroom"] == "-1"
    page = text(client.get(reverse("caseloads:board"), {"attention": "over_cap"}))
    assert "CAP-MAX" in page and "1 with a breach" in page


def test_a_practice_group_outside_the_users_teams_is_not_offered(client, people, board):
    other_group = people["other_nqsw"].enrolments.get().practice_group
    page = text(login(client, people["pm"]).get(reverse("caseloads:board")))
    assert other_group.name not in page


def test_the_csv_cannot_carry_a_formula(client, people, enrolment):
    people["nqsw"].full_name = "=HYPERLINK(1)"
    people["nqsw"].save()
    _, rows = board_csv(login(client, people["pm"]))
    assert rows[people["nqsw"].staff_id]["name"] == "'=HYPERLINK(1)"


def test_the_pm_home_page_points_to_the_requests(client, people):
    page = text(login(client, people["pm"]).get(reverse("home")))
    assert "Allocation requests waiting for you" in page
    assert reverse("caseloads:requests") in page


# --- The audit upload ---------------------------------------------------------------------------

HEADER = "case_ref,case_type,children,staff_id,role\n"


def upload(client, body: str, as_of="2026-11-16"):
    report = SimpleUploadedFile("report.csv", (HEADER + body).encode(), content_type="text/csv")
    return client.post(reverse("caseloads:audit"), {"file": report, "as_of": as_of})


def unchanged():
    return (
        Allocation.objects.count(),
        Case.objects.count(),
        Allocation.history.count(),
        Case.history.count(),
        VisitSignOff.objects.count(),
    )


def test_a_good_report_shows_its_findings_and_changes_nothing(client, people):
    f.allocate(people["nqsw"], start=OCTOBER, children=3)
    before = unchanged()
    other = people["other_nqsw"].staff_id
    response = upload(
        login(client, people["other_pm"]),
        f"CLA-1,CLA,4,{other},allocated\nCLA-1,CLA,4,{people['pm'].staff_id},coworker\n",
    )
    page = text(response)
    assert response.status_code == 200
    assert "2 rows for 2 members of staff: 0 breaches and 2 warnings" in page
    assert "CAP-MIN" in page and "VISIT-SIGNOFF" in page
    assert unchanged() == before


def test_a_report_with_a_breach_names_the_rule_and_numbers(client, people):
    nqsw = people["nqsw"].staff_id
    page = text(upload(login(client, people["pm"]), f"C-1,CIN,11,{nqsw},allocated\n"))
    assert "1 breach" in page
    assert "CAP-MAX" in page and "holds 11 children" in page
    assert "the cap for CAI in ASYE month 3 is 10" in page


def test_findings_about_staff_outside_the_users_teams_are_not_shown(client, people):
    rows = (
        f"C-1,CIN,11,{people['nqsw'].staff_id},allocated\n"
        f"C-2,CIN,11,{people['other_nqsw'].staff_id},allocated\n"
    )
    page = text(upload(login(client, people["pm"]), rows))
    assert people["nqsw"].staff_id in page
    assert people["other_nqsw"].staff_id not in page.split("Findings by staff id")[1]
    assert "1 finding about other staff is not shown" in page


def test_bad_input_shows_each_row_and_column(client, people):
    nqsw = people["nqsw"].staff_id
    page = text(
        upload(
            login(client, people["pm"]),
            f"C-1,CIN,0,{nqsw},allocated\nC-2,PIZZA,1,{nqsw},lead\nC-3,CIN,1,NOBODY,allocated\n",
        )
    )
    assert "The report could not be checked" in page
    assert "Row 2, column children" in page
    assert "Row 3, column case_type" in page and "Row 3, column role" in page
    # Unknown staff ids are checked once the shape is right.
    assert "NOBODY" not in page.split("Check a report")[0]
    page = text(upload(client, f"C-3,CIN,1,NOBODY,allocated\nC-1,CIN,1,{nqsw},allocated\n"))
    assert "Row 2, column staff_id: no member of staff has the staff id &#x27;NOBODY&#x27;" in page


def test_a_report_without_its_columns_or_not_utf8(client, people):
    login(client, people["pm"])
    report = SimpleUploadedFile("report.csv", b"case_ref,children\nC-1,1\n")
    page = text(client.post(reverse("caseloads:audit"), {"file": report, "as_of": "2026-11-16"}))
    assert "Row 1, column case_type: missing column" in page
    report = SimpleUploadedFile("report.csv", "case_ref\nC-1,\xe9\n".encode("latin-1"))
    page = text(client.post(reverse("caseloads:audit"), {"file": report, "as_of": "2026-11-16"}))
    assert "not UTF-8" in page


# --- Query counts -------------------------------------------------------------------------------


def count_queries(client, url, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


def add_workers(group, experienced, count):
    """NQSWs with a co-worked CP case, an own case and a request; trainees with a case."""
    for _ in range(count):
        worker = f.nqsw("CAI", practice_group=group).person
        case = f.CaseFactory(case_type="CP", children=2)
        f.allocate(experienced, start=OCTOBER, case=case)
        f.allocate(worker, start=OCTOBER, case=case, role="coworker")
        f.allocate(worker, start=OCTOBER, children=3)
        f.request(worker, start=TODAY, children=1)
        f.allocate(f.trainee(practice_group=group).person, start=OCTOBER, children=1)


def test_the_board_costs_the_same_with_ten_times_the_workers(client, django_assert_max_num_queries):
    group = f.group("CAI")
    experienced = f.staff(service="CAI")
    add_workers(group, experienced, 2)
    login(client, group.practice_manager)
    few = count_queries(client, reverse("caseloads:board"))
    few_csv = count_queries(client, reverse("caseloads:board_csv"))
    few_requests = count_queries(client, reverse("caseloads:requests"))
    few_form = count_queries(client, reverse("caseloads:request_allocation"))
    add_workers(group, experienced, 18)
    assert count_queries(client, reverse("caseloads:board")) == few
    assert count_queries(client, reverse("caseloads:board_csv")) == few_csv
    assert count_queries(client, reverse("caseloads:requests")) == few_requests
    # The form's list of workers judges each one's phase (ECDP: by their programme's length).
    assert count_queries(client, reverse("caseloads:request_allocation")) == few_form
    with django_assert_max_num_queries(25):
        client.get(reverse("caseloads:board"), {"stage": "asye_1_4", "attention": "warnings"})


def add_history(worker, experienced, pm, count):
    """For each n: a case ended after a day, a declined request and a co-worked CP case."""
    for n in range(count):
        day = date(2026, 9, 2 + n)
        ended = f.allocate(worker, start=day, children=1)
        services.end_allocation(allocation=ended, ended_by=pm, end_date=day, end_reason="Closed.")
        declined = f.request(worker, start=day, children=1)
        services.decline_allocation(allocation=declined, decided_by=pm, reason="No.")
        case = f.CaseFactory(case_type="CP", children=1)
        f.allocate(experienced, start=day, case=case)
        f.request(worker, start=TODAY, case=case, role="coworker")


def test_the_worker_page_costs_the_same_with_ten_times_the_allocations(
    client, people, enrolment, django_assert_max_num_queries
):
    experienced = f.staff(service="CAI")
    f.allocate(people["nqsw"], start=OCTOBER, children=2)
    add_history(people["nqsw"], experienced, people["pm"], 2)
    login(client, people["pm"])
    url = reverse("caseloads:worker", args=[enrolment.pk])
    few = count_queries(client, url)
    add_history(people["nqsw"], experienced, people["pm"], 18)
    assert Allocation.objects.filter(worker=people["nqsw"]).count() > 50
    assert count_queries(client, url) == few
    with django_assert_max_num_queries(30):
        client.get(url)


def test_the_worker_page_shows_the_next_change_of_cap_band(client, people, enrolment):
    """Issue 10 item 13: no view of the cap band for coming months. The caseload page reads
    the same `next_band` as the NQSW's home and `asye_status`."""
    page = text(login(client, people["pm"]).get(reverse("caseloads:worker", args=[enrolment.pk])))
    shown = page[page.index("Next change of cap band") :]
    assert shown.index("0–10 children from 1 January 2027") < shown.index("Headroom")
