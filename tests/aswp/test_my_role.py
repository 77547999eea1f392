"""My ASWP role (ASWP-ROLE): the consultation form names the colleague by staff id or full
name, so the page does not list every member of staff and stays the same size as the
academy grows (issue 17)."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from academy.models import Person
from aswp import services
from aswp.models import Consultation
from tests import factories


def post(client, today, colleague, case_reference="CP-12"):
    return client.post(
        reverse("aswp:my_role"),
        {"held_on": today, "colleague": colleague, "case_reference": case_reference},
    )


@pytest.fixture
def signed_in(client, cast):
    client.force_login(cast["aswp"].user)
    return client


@pytest.mark.parametrize("rows", [5, 50])
def test_the_page_neither_lists_the_staff_nor_grows_with_them(
    signed_in, cast, today, rows, django_assert_max_num_queries
):
    staff = factories.EnrolmentFactory.create_batch(rows)
    services.record_consultation(
        aswp=cast["aswp"], held_on=today, colleague=cast["nqsw"], case_reference="CP-3"
    )
    with django_assert_max_num_queries(12):
        response = signed_in.get(reverse("aswp:my_role"))
    page = response.content.decode()
    assert response.status_code == 200
    assert not any(escape(e.person.full_name) in page for e in staff)
    assert '<select name="colleague"' not in page
    # The consultations already recorded still name their colleague.
    assert escape(cast["nqsw"].full_name) in page


def test_a_colleague_is_named_by_staff_id(signed_in, cast, today):
    response = post(signed_in, today, f"  {cast['nqsw'].staff_id.lower()} ")
    assert response.status_code == 302
    assert Consultation.objects.get().colleague == cast["nqsw"]


def test_a_colleague_is_named_by_full_name(signed_in, cast, today):
    response = post(signed_in, today, cast["colleague"].full_name.upper())
    assert response.status_code == 302
    assert Consultation.objects.get().colleague == cast["colleague"]


def test_a_shared_name_asks_for_the_staff_id(signed_in, cast, today):
    twin = factories.PersonFactory(full_name=cast["colleague"].full_name)
    response = post(signed_in, today, cast["colleague"].full_name)
    assert response.status_code == 200
    page = response.content.decode()
    assert "enter the staff id" in page
    assert cast["colleague"].staff_id in page and twin.staff_id in page
    assert not Consultation.objects.exists()
    assert post(signed_in, today, twin.staff_id).status_code == 302
    assert Consultation.objects.get().colleague == twin


@pytest.mark.parametrize("who", ["unknown", "self", "admin", "inactive"])
def test_only_an_active_colleague_may_be_named(signed_in, cast, today, who):
    if who == "unknown":
        value = "NOBODY-1"
    elif who == "self":
        value = cast["aswp"].staff_id
    elif who == "admin":
        value = cast["admin"].staff_id
    else:
        leaver = factories.PersonFactory(role=Person.Role.SOCIAL_WORKER)
        leaver.user.is_active = False
        leaver.user.save()
        value = leaver.staff_id
    response = post(signed_in, today, value)
    assert response.status_code == 200
    assert "No colleague with that staff id or full name." in response.content.decode()
    assert not Consultation.objects.exists()


def test_a_refused_form_keeps_what_was_typed(signed_in, cast, today):
    response = post(signed_in, today, cast["nqsw"].staff_id, case_reference="not a ref!")
    assert response.status_code == 200
    assert f'value="{cast["nqsw"].staff_id}"' in response.content.decode()
