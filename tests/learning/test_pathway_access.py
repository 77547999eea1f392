"""Who may use the training pathway, concern and move-on pages, role by role, a real
superuser included.

learning:pathway, learning:course, learning:course_book, learning:attendance_record,
learning:absence_decide, learning:cancellations, learning:concerns, learning:concern_new,
learning:concern, learning:concern_step, learning:move_on and learning:move_on_record.
"""

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from academy.models import Person
from learning import pathway_services as services
from learning.models import AbsenceDecision, Attendance, Concern, MoveOn
from tests import factories

TODAY = date(2027, 7, 1)  # month 11 of a September 2026 start: move-on is open
pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def clock():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def cast(people):
    """The named people and the pathway's own roles."""
    return {
        **people,
        "ld": factories.PersonFactory(role=Person.Role.LD_OFFICER),
        "sdl": factories.PersonFactory(role=Person.Role.SERVICE_DEVELOPMENT_LEAD),
    }


@pytest.fixture
def course(cast, enrolment):
    return services.publish_course(
        kind="course",
        title="Assessment and analysis",
        held_on=date(2027, 6, 1),
        places=10,
        cohort=enrolment.cohort,
        by=cast["ld"],
    )


@pytest.fixture
def place(cast, course, enrolment):
    booked = services.book_place(course=course, enrolment=enrolment, by=cast["ld"])
    return services.record_attendance(
        attendance=booked, status=Attendance.Status.CANCELLED, by=cast["ld"]
    )


@pytest.fixture
def concern(cast, enrolment):
    return services.raise_concern(
        enrolment=enrolment,
        what="Assessments lack analysis",
        evidence="Observation 2",
        raised_on=date(2027, 5, 1),
        by=cast["assessor"],
    )


def sign_in(client, cast, who, superuser=None):
    client.force_login(superuser if who == "superuser" else cast[who].user)


ALL = list(
    ["nqsw", "pm", "gm", "assessor", "other_nqsw", "other_pm", "other_gm", "other_assessor"]
    + ["chair", "admin", "grade10", "ld", "sdl"]
)
SEES_CONCERN = ["nqsw", "assessor", "pm", "gm", "chair", "ld", "sdl"]


def test_anonymous_is_sent_to_sign_in(client, place, concern, enrolment):
    gets = [
        reverse("learning:pathway"),
        reverse("learning:course", args=[place.course_id]),
        reverse("learning:cancellations"),
        reverse("learning:concerns"),
        reverse("learning:concern_new"),
        reverse("learning:concern", args=[concern.pk]),
        reverse("learning:move_on"),
    ]
    posts = [
        reverse("learning:course_book", args=[place.course_id]),
        reverse("learning:attendance_record", args=[place.pk]),
        reverse("learning:absence_decide", args=[place.pk]),
        reverse("learning:concern_step", args=[concern.pk, "review"]),
        reverse("learning:move_on_record", args=[enrolment.pk]),
    ]
    for url in gets:
        assert "/accounts/login/" in client.get(url)["Location"]
    for url in posts:
        assert "/accounts/login/" in client.post(url)["Location"]


# --- The pathway (TRAINING-MANDATORY) -------------------------------------------------------


@pytest.mark.parametrize("who", ALL + ["superuser"])
def test_everyone_signed_in_sees_the_courses(client, cast, place, who, superuser):
    sign_in(client, cast, who, superuser)
    assert escape(place.course.title) in client.get(reverse("learning:pathway")).content.decode()
    response = client.get(reverse("learning:course", args=[place.course_id]))
    assert response.status_code == 200
    # The place itself only to whoever sees the NQSW's enrolment.
    shown = escape(place.enrolment.person.full_name) in response.content.decode()
    assert shown == (who not in ["other_nqsw", "other_pm", "other_gm", "other_assessor", "grade10"])


@pytest.mark.parametrize("who", ["ld", "admin", "superuser"])
def test_the_ld_officer_publishes_a_course(client, cast, enrolment, who, superuser):
    sign_in(client, cast, who, superuser)
    data = {
        "kind": "lite_bites",
        "title": "Chronologies",
        "held_on": "2027-07-20",
        "places": "12",
        "cohort": enrolment.cohort_id,
    }
    response = client.post(reverse("learning:pathway"), data)
    if who == "superuser" and not hasattr(superuser, "person"):
        assert response.status_code == 403  # a record is kept against a member of staff
    else:
        assert response.status_code == 302


@pytest.mark.parametrize("who", ["pm", "gm", "nqsw", "chair", "sdl"])
def test_nobody_else_publishes(client, cast, enrolment, who):
    sign_in(client, cast, who)
    response = client.post(reverse("learning:pathway"), {"title": "x"})
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["ld", "pm", "gm", "chair", "nqsw"])
def test_only_the_ld_officer_books_and_records_attendance(client, cast, place, who):
    sign_in(client, cast, who)
    other = factories.EnrolmentFactory(practice_group=place.enrolment.practice_group)
    book = client.post(
        reverse("learning:course_book", args=[place.course_id]), {"enrolment": other.pk}
    )
    record = client.post(
        reverse("learning:attendance_record", args=[place.pk]), {"status": "did_not_attend"}
    )
    expected = 302 if who == "ld" else 403
    assert (book.status_code, record.status_code) == (expected, expected)
    assert Attendance.objects.filter(enrolment=other).exists() == (who == "ld")


def test_attendance_of_an_nqsw_one_cannot_see_is_404(client, cast, place):
    sign_in(client, cast, "other_pm")
    url = reverse("learning:attendance_record", args=[place.pk])
    assert client.post(url, {"status": "attended"}).status_code == 404


@pytest.mark.parametrize(
    "who, status",
    [("pm", 302), ("gm", 302), ("assessor", 403), ("nqsw", 403), ("admin", 403)]
    + [("chair", 403), ("ld", 403), ("other_pm", 404), ("other_gm", 404), ("superuser", 403)],
)
def test_the_pm_and_the_gm_decide_an_absence(client, cast, place, who, status, superuser):
    sign_in(client, cast, who, superuser)
    role = "gm" if who == "gm" else "pm"
    response = client.post(
        reverse("learning:absence_decide", args=[place.pk]), {"as_role": role, "authorised": "on"}
    )
    assert response.status_code == status
    assert AbsenceDecision.objects.filter(attendance=place).exists() == (status == 302)


def test_a_gm_only_authorisation_still_shows_the_flag(client, cast, place):
    sign_in(client, cast, "gm")
    client.post(
        reverse("learning:absence_decide", args=[place.pk]), {"as_role": "gm", "authorised": "on"}
    )
    page = client.get(reverse("learning:course", args=[place.course_id])).content.decode()
    assert "both the PM and the GM must authorise it" in page


@pytest.mark.parametrize(
    "who, status",
    [("sdl", 200), ("chair", 200), ("ld", 200), ("admin", 200), ("superuser", 200)]
    + [("pm", 403), ("gm", 403), ("assessor", 403), ("nqsw", 403), ("grade10", 403)],
)
def test_the_cancellations_list_is_for_professional_practice(
    client, cast, place, who, status, superuser
):
    sign_in(client, cast, who, superuser)
    assert client.get(reverse("learning:cancellations")).status_code == status


# --- Concerns (CAPABILITY) ------------------------------------------------------------------


@pytest.mark.parametrize("who", ALL + ["superuser"])
def test_concerns_are_seen_only_by_the_nqsws_circle(client, cast, concern, who, superuser):
    sign_in(client, cast, who, superuser)
    listing = client.get(reverse("learning:concerns"))
    assert listing.status_code == 200
    name = escape(concern.enrolment.person.full_name)
    assert (name in listing.content.decode()) == (who in SEES_CONCERN)
    detail = client.get(reverse("learning:concern", args=[concern.pk]))
    assert detail.status_code == (200 if who in SEES_CONCERN else 404)


@pytest.mark.parametrize(
    "who, status",
    [("assessor", 200), ("pm", 200), ("gm", 403), ("nqsw", 403), ("sdl", 403)]
    + [("admin", 403), ("superuser", 403)],
)
def test_the_assessor_or_the_pm_raises_a_concern(client, cast, enrolment, who, status, superuser):
    sign_in(client, cast, who, superuser)
    url = reverse("learning:concern_new")
    assert client.get(url).status_code == status
    if status == 200:
        response = client.post(
            url,
            {
                "enrolment": enrolment.pk,
                "what": "Late visits",
                "evidence": "Case notes",
                "raised_on": "2027-06-30",
            },
        )
        assert response.status_code == 302
        assert Concern.objects.filter(enrolment=enrolment, raised_by=cast[who]).exists()


@pytest.mark.parametrize(
    "who, status",
    [("sdl", 302), ("chair", 403), ("ld", 403), ("pm", 403), ("gm", 403), ("assessor", 403)]
    + [("nqsw", 403), ("other_pm", 404), ("admin", 404), ("superuser", 404)],
)
def test_the_sdl_reviews_a_concern(client, cast, concern, who, status, superuser):
    sign_in(client, cast, who, superuser)
    url = reverse("learning:concern_step", args=[concern.pk, "review"])
    assert client.post(url, {"review-support": "Weekly sessions"}).status_code == status
    concern.refresh_from_db()
    assert (concern.status == Concern.Status.SUPPORT) == (status == 302)


@pytest.mark.parametrize("who, status", [("gm", 302), ("sdl", 302), ("pm", 403), ("other_gm", 404)])
def test_the_gm_or_the_sdl_records_the_pip_outcome(client, cast, concern, who, status):
    services.review_concern(concern=concern, support="Sessions", by=cast["sdl"])
    services.start_pip(
        concern=concern, gm_advised_on=date(2027, 5, 10), pip_started_on=date(2027, 5, 11),
        by=cast["sdl"],
    )  # fmt: skip
    sign_in(client, cast, who)
    url = reverse("learning:concern_step", args=[concern.pk, "pip_outcome"])
    data = {"pip_outcome-outcome": "met", "pip_outcome-ended_on": "2027-06-20",
            "pip_outcome-notes": "Standard met"}  # fmt: skip
    assert client.post(url, data).status_code == status


def test_a_refused_step_shows_its_errors(client, cast, concern):
    sign_in(client, cast, "sdl")
    url = reverse("learning:concern_step", args=[concern.pk, "pip"])
    response = client.post(
        url, {"pip-gm_advised_on": "2027-05-10", "pip-pip_started_on": "2027-05-11"}
    )
    # A PiP step is not offered before the review; asked for anyway, it is refused.
    assert response.status_code == 400
    assert "added support first" in response.content.decode()
    assert (
        client.post(reverse("learning:concern_step", args=[concern.pk, "nope"])).status_code == 404
    )


# --- Move-on (MOVE-ON) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, status",
    [("gm", 200), ("other_gm", 200), ("admin", 200), ("superuser", 200)]
    + [("pm", 403), ("nqsw", 403), ("assessor", 403), ("chair", 403)],
)
def test_the_move_on_page_is_for_group_managers(client, cast, enrolment, who, status, superuser):
    sign_in(client, cast, who, superuser)
    response = client.get(reverse("learning:move_on"))
    assert response.status_code == status
    if status == 200:
        shown = escape(enrolment.person.full_name) in response.content.decode()
        assert shown == (who != "other_gm")


@pytest.mark.parametrize(
    "who, status",
    [("gm", 302), ("admin", 302), ("superuser", None)]
    + [("pm", 403), ("nqsw", 403), ("other_gm", 404), ("assessor", 403)],
)
def test_the_gm_records_the_destination(client, cast, enrolment, who, status, superuser):
    destination = factories.PracticeGroupFactory(service=enrolment.practice_group.service)
    sign_in(client, cast, who, superuser)
    response = client.post(
        reverse("learning:move_on_record", args=[enrolment.pk]), {"destination": destination.pk}
    )
    if status is None:  # a bare superuser has no staff profile to record it against
        status = 302 if hasattr(superuser, "person") else 403
    assert response.status_code == status
    assert MoveOn.objects.filter(enrolment=enrolment).exists() == (status == 302)


@pytest.mark.parametrize(
    "who, status",
    [("gm", 200), ("admin", 200), ("superuser", 200)]
    + [("pm", 403), ("nqsw", 403), ("other_gm", 404), ("assessor", 403), ("chair", 403)],
)
def test_the_destination_page_is_the_recording_gms(client, cast, enrolment, who, status, superuser):
    """Where a service has too many groups for a drop-down on each row, each NQSW's
    destination is chosen on a page of its own: the same rule as recording it."""
    destination = factories.PracticeGroupFactory(service=enrolment.practice_group.service)
    sign_in(client, cast, who, superuser)
    response = client.get(reverse("learning:move_on_record", args=[enrolment.pk]))
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert f'<option value="{destination.pk}"' in page
        assert f'<option value="{enrolment.practice_group_id}"' not in page


def test_a_service_with_many_groups_chooses_on_the_nqsws_own_page(
    client, cast, enrolment, monkeypatch
):
    destination = factories.PracticeGroupFactory(service=enrolment.practice_group.service)
    record = reverse("learning:move_on_record", args=[enrolment.pk])
    sign_in(client, cast, "gm")
    inline = client.get(reverse("learning:move_on")).content.decode()
    assert f'action="{record}"' in inline and f'<option value="{destination.pk}"' in inline
    monkeypatch.setattr("learning.pathway_views.INLINE_DESTINATIONS", 0)
    linked = client.get(reverse("learning:move_on")).content.decode()
    assert f'href="{record}"' in linked and "<select" not in linked
    # Chosen there, and back on the list at the NQSW's row.
    response = client.post(record, {"destination": destination.pk})
    assert response["Location"] == f"{reverse('learning:move_on')}?nqsw={enrolment.pk}"
    assert MoveOn.objects.get(enrolment=enrolment).destination == destination
    again = client.get(record).content.decode()
    assert f"Recorded destination: {escape(destination.name)}" in again
