"""The live server shares the test's connection; nothing it answers may close it."""

import urllib.request

import pytest

from academy.models import Person


@pytest.mark.django_db
def test_a_request_answered_outside_a_browser_test_leaves_the_connection_open(browser_server):
    # What CI saw: a request the browser sent at the end of one module was answered while
    # the next module loaded its rows, and Django's per-request clean-up closed the shared
    # connection inside the test transaction, so every test in that module failed.
    with urllib.request.urlopen(f"{browser_server}/accounts/login/") as response:
        assert response.status == 200
    assert Person.objects.count() == 0
