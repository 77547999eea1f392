"""The learning policy tables and records in the admin: an academy adds its own
opportunity (LEARNING-OPPS); every list opens for an administrator."""

import pytest
from django.urls import reverse

from learning.models import LearningOpportunity

MODELS = [
    "learningopportunity",
    "opportunitypolicy",
    "opportunityrecord",
    "studyentitlement",
    "studydayrequest",
    "studyallowance",
    "workshoptheme",
    "workshop",
    "protectedtimepolicy",
    "learningtimekind",
]


@pytest.mark.parametrize("model", MODELS)
def test_every_list_opens(admin_client, model):
    assert admin_client.get(reverse(f"admin:learning_{model}_changelist")).status_code == 200


def test_an_academy_adds_its_own_opportunity(admin_client):
    response = admin_client.post(
        reverse("admin:learning_learningopportunity_add"),
        {"name": "Private fostering assessment", "position": 50, "active": "on"},
    )
    assert response.status_code == 302
    assert LearningOpportunity.objects.filter(name="Private fostering assessment").exists()


def test_offers_and_study_day_decisions_are_read_only_there(admin_client):
    for model in ("opportunityrecord", "studydayrequest"):
        assert admin_client.get(reverse(f"admin:learning_{model}_add")).status_code == 403
