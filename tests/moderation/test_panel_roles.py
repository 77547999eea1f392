"""Issue 15 item 2: the panel's ordinary members are not the Professional Practice team.

MOD-PANEL: the Service Development Lead – Adult Services, and the service-user and
university members, are panel members. A panel member sees only the anonymised portfolios
allocated to them while the panel is open (MOD-ANON); only the chair and the Professional
Practice team resolve codes, see the panel's list of NQSWs and the agenda, or choose and
export an external sample (MOD-EXTERNAL).
"""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from academy.access import sees_every_cohort
from academy.models import Person
from moderation import services
from moderation.forms import PanelForm
from moderation.models import Panel, PanelMember
from moderation.services import Seat
from tests import factories
from tests.moderation.conftest import make_panel, member, seats

pytestmark = pytest.mark.django_db


@pytest.fixture
def external(db):
    """The service-user member, with a sign-in of their own and no service."""
    return factories.PersonFactory(role=Person.Role.EXTERNAL_PANEL_MEMBER, service=None)


@pytest.fixture
def panel(crew, external):
    signed_in = [*seats(crew)[:-2], Seat(PanelMember.Role.SERVICE_USER, external)]
    signed_in.append(Seat(PanelMember.Role.UNIVERSITY, name="Dr Sam Example"))
    return make_panel(crew, seats=signed_in)


def allocate(submission, panel, person, crew):
    services.allocate_to(submission=submission, moderator=member(panel, person), by=crew["ld"])


def get(client, person, name, *args):
    client.force_login(person.user)
    return client.get(reverse(name, args=args))


@pytest.mark.parametrize("key", ["sdl_adults", "external"])
def test_panel_members_do_not_see_every_cohort(crew, external, key):
    person = external if key == "external" else crew[key]
    assert not person.is_professional_practice
    assert not sees_every_cohort(person.user)


def test_the_professional_practice_lead_still_does(crew):
    assert sees_every_cohort(crew["deputy"].user)


@pytest.mark.parametrize("key", ["sdl_adults", "external"])
def test_a_panel_member_reads_only_what_is_allocated_while_the_panel_is_open(
    client, crew, external, panel, submitted, key
):
    person = external if key == "external" else crew[key]
    code = submitted.code
    # Not allocated: the portfolio does not exist for them.
    assert get(client, person, "moderation:read", code).status_code == 404
    allocate(submitted, panel, person, crew)
    page = get(client, person, "moderation:read", code)
    assert page.status_code == 200
    # MOD-ANON: the code, never the NQSW's name.
    assert code in page.text and crew["nqsw"].full_name not in page.text
    assert get(client, person, "moderation:moderation_form", code).status_code == 200
    reading = get(client, person, "moderation:reading_list")
    assert code in reading.text
    # Only the chair and the team resolve the code, allocate, see the list and the agenda.
    assert get(client, person, "moderation:moderators", code).status_code == 403
    assert get(client, person, "moderation:decision", code).status_code == 403
    assert get(client, person, "moderation:panel_detail", panel.pk).status_code == 403
    assert get(client, person, "moderation:agenda", panel.pk).status_code == 403
    # Nor do they see the NQSW's enrolment or portfolio.
    enrolment = submitted.enrolment
    assert get(client, person, "cohorts:enrolment_detail", enrolment.pk).status_code == 404
    assert get(client, person, "assessment:portfolio", enrolment.pk).status_code == 404
    assert crew["nqsw"].full_name not in get(client, person, "cohorts:enrolment_list").text


@pytest.mark.parametrize("key", ["sdl_adults", "external"])
def test_a_panel_member_neither_lists_nor_creates_external_samples(
    client, crew, external, submitted, key
):
    person = external if key == "external" else crew[key]
    assert get(client, person, "moderation:external_list").status_code == 403
    assert get(client, person, "moderation:external_new").status_code == 403
    client.force_login(person.user)
    response = client.post(
        reverse("moderation:external_new"), {"title": "Sample", "submissions": [submitted.pk]}
    )
    assert response.status_code == 403
    with pytest.raises(ValidationError, match="MOD-EXTERNAL"):
        services.build_external_sample(title="Sample", submissions=[submitted], by=person)


def test_a_closed_panel_is_gone_for_its_members(client, crew, external, panel, submitted):
    allocate(submitted, panel, external, crew)
    Panel.objects.filter(pk=panel.pk).update(closed_at=timezone.now(), closed_by=crew["chair"])
    assert get(client, external, "moderation:read", submitted.code).status_code == 404
    assert get(client, external, "moderation:panel_list").status_code == 200


def test_the_automatic_allocation_includes_external_members_with_a_sign_in(panel, external):
    moderating = {m.person_id for m in panel.members.all() if m.moderates}
    assert external.pk in moderating
    named = panel.members.get(role=PanelMember.Role.UNIVERSITY)
    assert named.reads_only_the_pdfs and not named.moderates


def test_the_panel_form_offers_each_seat_its_own_people(crew, external):
    form = PanelForm()
    assert list(form.fields["sdl_adults"].queryset) == [crew["sdl_adults"]]
    assert crew["deputy"] not in form.fields["sdl_adults"].queryset
    assert list(form.fields["service_user_person"].queryset) == [external]
    assert crew["sdl_adults"] not in form.fields["deputy_chair"].queryset


def test_the_panel_form_takes_a_signed_in_member_or_a_name_not_both(crew, external):
    data = {
        "kind": "final",
        "held_on": "2030-01-01",
        "chair": crew["chair"].pk,
        "deputy_chair": crew["deputy"].pk,
        "service_user_person": external.pk,
        "service_user": "Pat Example",
    }
    form = PanelForm(data)
    assert not form.is_valid()
    assert "sits either with their sign-in or by name" in str(form.errors["service_user"])


def test_the_migration_moves_whoever_sat_in_the_adult_services_seat(crew):
    """Migration moderation 0005: the shared role splits by the seat its holder took."""
    migration = importlib.import_module("moderation.migrations.0005_panel_roles_of_their_own")
    adults = crew["sdl_adults"]
    make_panel(crew)
    Person.objects.filter(pk=adults.pk).update(role=Person.Role.SERVICE_DEVELOPMENT_LEAD)
    never_sat = factories.PersonFactory(role=Person.Role.SERVICE_DEVELOPMENT_LEAD)
    migration.move_adult_services_leads(apps, None)
    roles = dict(Person.objects.values_list("pk", "role"))
    assert roles[adults.pk] == Person.Role.ADULT_SERVICES_LEAD
    assert roles[crew["deputy"].pk] == Person.Role.SERVICE_DEVELOPMENT_LEAD
    assert roles[never_sat.pk] == Person.Role.SERVICE_DEVELOPMENT_LEAD
