"""Browser tests: real Chromium, driven by Playwright, against pytest-django's live server.

One browser per session, a fresh context and page per test. Every page a test looks at can
be checked with `assert_page_ok()`: zero axe-core violations for WCAG 2.0/2.1/2.2 A and AA,
and nothing in the console that shows a Content Security Policy refusal or a JavaScript error.
"""

import io
import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from playwright.sync_api import sync_playwright

from academy.models import Person

# Playwright's sync API keeps an event loop running in the test thread, and Django refuses
# database access from a thread with a running loop unless told it is safe (it is: the loop
# only talks to the browser).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_PASSWORD = "asye-demo"
# Login -> (role, the heading the home page shows; None means the person's own name).
DEMO_LOGINS = {
    "pm.demo": (Person.Role.PRACTICE_MANAGER, None),
    "gm.demo": (Person.Role.GROUP_MANAGER, None),
    "assessor.demo": (Person.Role.ASSESSOR, None),
    "nqsw.demo": (Person.Role.NQSW, None),
    "trainee.demo": (Person.Role.TRAINEE, None),
    "chair.demo": (Person.Role.PRINCIPAL_SOCIAL_WORKER, "All cohorts"),
    "admin.demo": (Person.Role.ADMIN, "All cohorts"),
}
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
_axe = Axe()


@pytest.fixture(scope="session")
def chromium(django_db_setup, django_db_blocker):
    """Debian's Chromium, launched once; `playwright install` cannot download browsers here."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (install Debian's chromium package to run browser tests)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def console_problems():
    """Console errors (CSP refusals among them) and uncaught JavaScript errors, in order."""
    return []


@pytest.fixture
def page(chromium, live_server, console_problems):
    context = chromium.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()

    def on_console(message):
        if message.type == "error" or "Refused to" in message.text:
            console_problems.append(f"console {message.type} at {page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: console_problems.append(f"JavaScript error: {error}"))
    yield page
    context.close()
    # Whatever was logged after the last check (or in a test that makes none) still fails.
    assert not console_problems, "\n".join(console_problems)


def format_violations(violations):
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}\n  {v['helpUrl']}")
        for node in v["nodes"]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '')!r}")
    return "\n".join(lines)


@pytest.fixture
def assert_page_ok(page, console_problems):
    """Check the page as it is now: no console problems so far, zero axe violations."""

    def check(expected_console_errors=()):
        """`expected_console_errors`: substrings of console errors this page should log
        (a lockout's 429 status, say)."""
        page.wait_for_load_state("load")
        problems = [p for p in console_problems if not any(e in p for e in expected_console_errors)]
        console_problems.clear()
        assert not problems, "\n".join(problems)
        violations = _axe.run(page, options=AXE_OPTIONS).response["violations"]
        assert not violations, (
            f"axe found {len(violations)} violation(s) on {page.url}:\n"
            + format_violations(violations)
        )

    return check


def sign_in(page, username, password=DEMO_PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")


@pytest.fixture(scope="session")
def demo_snapshot():
    """The seeded demo as serialized rows, built by the first test that needs it."""
    return {}


@pytest.fixture
def demo_users(transactional_db, demo_snapshot):
    """The demo logins, in the live server's database.

    Built by the real `seed_demo` command once per session, then restored from its
    serialized rows before each later test: seeding every demo step takes far longer
    than loading the rows back. After each test, tests/conftest.py puts back the rows
    the data migrations seed, which the flush removes.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    if "rows" in demo_snapshot:
        connection.creation.deserialize_db_from_string(demo_snapshot["rows"])
    else:
        call_command("seed_demo", force=True, stdout=io.StringIO())
        demo_snapshot["rows"] = connection.creation.serialize_db_to_string()
    return {u.username: u for u in get_user_model().objects.filter(username__in=DEMO_LOGINS)}
