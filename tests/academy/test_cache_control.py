"""Signed-in responses are `private, no-store` under production settings (issue 15 item 9)."""

import importlib
import secrets
import sys

import pytest
from django.test import override_settings
from django.urls import reverse

from tests import factories

# Production settings carry the deployment's own middleware, cookies and redirects.
PRODUCTION_NAMES = [
    "MIDDLEWARE",
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_NAME",
    "CSRF_COOKIE_NAME",
]


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setenv("DJANGO_SECRET_KEY", secrets.token_urlsafe(64))
    sys.modules.pop("academy.settings.production", None)
    module = importlib.import_module("academy.settings.production")
    sys.modules.pop("academy.settings.production", None)
    with override_settings(**{name: getattr(module, name) for name in PRODUCTION_NAMES}):
        yield


def directives(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


@pytest.mark.parametrize(
    "name",
    ["home", "caseloads:board", "caseloads:board_csv", "supervision:overview_csv"],
)
def test_signed_in_pages_and_csv_exports_are_private_and_not_stored(
    client, production, people, name
):
    client.force_login(people["pm"].user)
    response = client.get(reverse(name), secure=True)
    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)
    assert "public" not in directives(response)


def test_a_superuser_gets_the_same(client, production, db):
    user = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(user)
    response = client.get(reverse("admin:index"), secure=True)
    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)
