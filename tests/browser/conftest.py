"""Browser tests: real Chromium, driven by Playwright, against a live server.

One browser and one live server per session (per xdist worker), a fresh context and page
per test. The live server answers one request at a time on the test's own database
connection, so a browser test is an ordinary `django_db` test: it sees the rows its
fixtures made without committing them, and everything is rolled back after it. The demo is
seeded once per run (by the first worker that needs it) and loaded once per module
(tests/database.py).

Every page a test looks at can be checked with `assert_page_ok()`: zero axe-core violations
for WCAG 2.0/2.1/2.2 A and AA, and nothing in the console that shows a Content Security
Policy refusal or a JavaScript error.
"""

import os
import threading
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.servers.basehttp import WSGIServer
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.testcases import LiveServerThread
from playwright.sync_api import sync_playwright

from academy.models import Person
from tests.database import load_rows, shared_rows

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
    "sdl.demo": (Person.Role.SERVICE_DEVELOPMENT_LEAD, "All cohorts"),
    "ld.demo": (Person.Role.LD_OFFICER, "All cohorts"),
    "admin.demo": (Person.Role.ADMIN, "All cohorts"),
}
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
_axe = Axe()


@pytest.fixture(scope="session")
def chromium():
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


class OneRequestAtATime(WSGIServer):
    """Single-threaded: the requests take turns on the one shared connection."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


class SharedConnectionServer(LiveServerThread):
    server_class = OneRequestAtATime


@pytest.fixture(scope="session")
def browser_server(chromium, django_db_setup, django_db_blocker):
    """The live server's URL. It uses the test thread's own connection (taken after
    Playwright starts, which gives the test thread new connection objects)."""
    with django_db_blocker.unblock():
        shared = connections[DEFAULT_DB_ALIAS]
        shared.inc_thread_sharing()
    server = SharedConnectionServer(
        "localhost", StaticFilesHandler, connections_override={DEFAULT_DB_ALIAS: shared}
    )
    # Django closes "old" connections around each request, and inside a test's transaction
    # that closes the shared connection under the test (and every later test on the worker).
    # Disconnecting that clean-up from the request signals does not hold: the test client
    # connects it again after each of its requests. So the shared connection ignores a close
    # asked for on the server's own thread; the test thread and pytest-django still close it.
    close = shared.close

    def close_unless_serving():
        if threading.current_thread() is not server:
            close()

    shared.close = close_unless_serving
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    yield f"http://localhost:{server.port}"
    server.terminate()
    del shared.close
    # What the server's thread would have closed as it stopped (the test thread holds other
    # connection objects by now: PostgreSQL could not drop the test database past it).
    shared.close()


@pytest.fixture
def console_problems():
    """Console errors (CSP refusals among them) and uncaught JavaScript errors, in order."""
    return []


@pytest.fixture
def page(chromium, browser_server, console_problems):
    context = chromium.new_context(base_url=browser_server, locale="en-GB")
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
def demo_snapshot(chromium, seeded_demo):
    """The seeded demo's rows (tests/conftest.py), once Chromium is known to be there."""
    return seeded_demo.rows


@pytest.fixture(scope="module")
def demo_rows(demo_snapshot, django_db_blocker):
    """The demo, loaded once for a module's tests and rolled back after its last one."""
    with shared_rows(django_db_blocker):
        load_rows(demo_snapshot)
        yield


@pytest.fixture
def demo_users(demo_rows, db):
    """The demo logins, in the live server's database."""
    return {u.username: u for u in get_user_model().objects.filter(username__in=DEMO_LOGINS)}
