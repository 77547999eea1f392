"""Security from day one: deploy checks, lockout, CSP, session timeout, passwords."""

import os
import secrets
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    # The browser tests' conftest allows async-unsafe database access in this process;
    # a deployment never does, and check --deploy says so.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**inherited, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="academy.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="asye.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {"DJANGO_SETTINGS_MODULE": "academy.settings.production", "DJANGO_SECRET_KEY": ""}
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_repeated_failures_lock_the_username_from_that_address(client):
    user = factories.UserFactory(username="locked.user")
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "locked.user", "password": "wrong-password"})
    response = client.post(url, {"username": "locked.user", "password": "correct-horse-battery"})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.text
    assert "_auth_user_id" not in client.session
    # Another username from the same address is not locked out.
    other = factories.UserFactory(username="other.user")
    response = client.post(url, {"username": other.username, "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert user.pk != other.pk


@pytest.mark.django_db
def test_login_and_logout(client):
    factories.PersonFactory(user=factories.UserFactory(username="someone"))
    response = client.post(
        reverse("login"), {"username": "someone", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_wrong_password_says_so(client):
    factories.UserFactory(username="someone")
    response = client.post(reverse("login"), {"username": "someone", "password": "nope"})
    assert response.status_code == 200
    assert "did not match" in response.text


@pytest.mark.django_db
def test_pages_carry_csp_and_secure_headers(client):
    response = client.get(reverse("login"))
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_idle_session_timeout():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    # Issue 17: no session write on every page; the idle timeout is the middleware's.
    assert not settings.SESSION_SAVE_EVERY_REQUEST
    assert "academy.middleware.IdleSessionMiddleware" in settings.MIDDLEWARE


def _signed_in(client) -> bool:
    return client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_a_session_in_use_lives_on_and_an_idle_one_ends_after_thirty_minutes(client):
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(factories.UserFactory())
        assert _signed_in(client)
        clock.shift(timedelta(minutes=20))
        assert _signed_in(client)  # in use: the expiry moves on
        clock.shift(timedelta(minutes=25))
        assert _signed_in(client)  # 45 minutes after signing in, 25 idle
        clock.shift(timedelta(minutes=30, seconds=1))
        assert not _signed_in(client)  # idle for longer than SESSION_COOKIE_AGE


@pytest.mark.django_db
def test_the_session_is_written_at_most_once_a_minute(client):
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(factories.UserFactory())
        assert _signed_in(client)
        clock.shift(timedelta(seconds=30))
        with CaptureQueriesContext(connection) as queries:
            assert _signed_in(client)
        assert not [q for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
        clock.shift(timedelta(seconds=31))
        with CaptureQueriesContext(connection) as queries:
            assert _signed_in(client)
        assert [q for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]


@pytest.mark.parametrize("password", ["password", "12345678901", "short"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["login", "admin:login"])
def test_an_over_long_username_is_refused_before_authentication(client, name):
    # Issue 15 item 3: a 256-character username reached axes' 255-character column (a 500 on
    # PostgreSQL). The form refuses it first, on any database, and nothing is logged.
    response = client.post(reverse(name), {"username": "u" * 256, "password": "whatever-it-is"})
    assert response.status_code == 200
    assert "at most 150 characters" in response.text
    assert not AccessAttempt.objects.exists() and not AccessFailureLog.objects.exists()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_username_of_the_longest_allowed_length_still_signs_in(client):
    factories.PersonFactory(user=factories.UserFactory(username="u" * 150))
    response = client.post(
        reverse("login"), {"username": "u" * 150, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302 and response.url == reverse("home")
