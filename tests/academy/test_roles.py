"""Job roles that must not be confused (issue 15 item 2, MOD-PANEL)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from academy.models import Person
from cohorts.importing import ADMIN_GIVEN_ROLES, PRIVILEGED_ROLES
from tests import factories

pytestmark = pytest.mark.django_db

Role = Person.Role


def test_the_two_service_development_leads_are_two_roles():
    assert Role.SERVICE_DEVELOPMENT_LEAD.label.endswith("Professional Practice")
    assert Role.ADULT_SERVICES_LEAD.label.endswith("Adult Services")
    assert Role.SERVICE_DEVELOPMENT_LEAD in Person.PROFESSIONAL_PRACTICE_ROLES
    assert Role.ADULT_SERVICES_LEAD not in Person.PROFESSIONAL_PRACTICE_ROLES
    assert Role.EXTERNAL_PANEL_MEMBER not in Person.PROFESSIONAL_PRACTICE_ROLES


def test_panel_members_neither_assess_nor_co_work():
    assert Role.ADULT_SERVICES_LEAD not in Person.QUALIFIED_ROLES
    assert Role.EXTERNAL_PANEL_MEMBER not in Person.QUALIFIED_ROLES


def test_an_external_panel_member_works_for_no_service():
    person = factories.PersonFactory.build(
        role=Role.EXTERNAL_PANEL_MEMBER, user=factories.UserFactory()
    )
    with pytest.raises(ValidationError, match="an external panel member works for no service"):
        person.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        person.save()
    person.service = None
    person.full_clean()
    person.save()


def test_the_import_gives_neither_panel_role():
    """Panel members read portfolios: an administrator gives the role, never a file."""
    for role in (Role.ADULT_SERVICES_LEAD, Role.EXTERNAL_PANEL_MEMBER):
        assert role in PRIVILEGED_ROLES and role in ADMIN_GIVEN_ROLES
