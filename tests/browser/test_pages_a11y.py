"""The main pages have zero axe violations, in the states people see them in."""

import re

import pytest
from playwright.sync_api import expect

from cohorts.models import Enrolment
from tests.browser.conftest import DEMO_LOGINS, sign_in

# The live server shares the test's connection: everything is rolled back after a test.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,
]


@pytest.fixture
def pm_enrolment(demo_users):
    """An NQSW's enrolment in a group the demo practice manager leads."""
    return (
        Enrolment.objects.filter(
            practice_group__practice_manager__user__username="pm.demo", kind=Enrolment.Kind.ASYE
        )
        .order_by("pk")
        .first()
    )


def test_enrolment_list_unfiltered_and_filtered(page, assert_page_ok, demo_users):
    sign_in(page, "pm.demo")
    page.goto("/enrolments/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enrolments")
    expect(page.get_by_role("table")).to_be_visible()
    assert_page_ok()

    page.get_by_label("Kind").select_option("asye")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"/enrolments/\?.*kind=asye"))
    expect(page.get_by_role("table")).to_be_visible()
    assert_page_ok()


def test_enrolment_detail_as_pm(page, assert_page_ok, pm_enrolment):
    sign_in(page, "pm.demo")
    page.goto(f"/enrolments/{pm_enrolment.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(pm_enrolment.person.full_name)
    expect(page.get_by_role("link", name="Record an extension")).to_be_visible()
    assert_page_ok()


def test_extension_form_and_its_errors(page, assert_page_ok, pm_enrolment):
    sign_in(page, "pm.demo")
    page.goto(f"/enrolments/{pm_enrolment.pk}/extensions/new/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record an extension")
    assert_page_ok()

    page.get_by_role("button", name="Record extension").click()
    page.wait_for_load_state("load")
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    assert_page_ok()


def test_people_import_as_admin(page, assert_page_ok, demo_users):
    sign_in(page, "admin.demo")
    page.goto("/people/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import people")
    assert_page_ok()

    # Submitting without a file shows the field's error.
    page.get_by_role("button", name="Import").click()
    page.wait_for_load_state("load")
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    assert_page_ok()


def test_locked_out_page(page, assert_page_ok, demo_users):
    page.goto("/accounts/login/")
    for _ in range(6):
        page.get_by_label("Username").fill("pm.demo")
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("load")
        if page.get_by_role("heading", name="Too many failed sign-ins").count():
            break
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many failed sign-ins")
    # Axes answers a lockout with 429 Too Many Requests, which Chromium logs.
    assert_page_ok(expected_console_errors=["status of 429"])


@pytest.mark.parametrize("path", ["/accounts/login/?next=/enrolments/", "/enrolments/"])
def test_first_tab_focuses_skip_link_which_moves_focus_to_main(page, demo_users, path):
    if path == "/enrolments/":
        sign_in(page, "pm.demo")
    page.goto(path)

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    box = skip_link.bounding_box()
    assert box and box["width"] > 20 and box["height"] > 10, "skip link is not shown on focus"

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_navigation_on_a_narrow_screen(page, assert_page_ok, demo_users):
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, "pm.demo")
    sign_out = page.get_by_role("button", name="Sign out")
    expect(sign_out).to_be_hidden()
    assert_page_ok()

    page.get_by_role("button", name="Show navigation").click()
    expect(sign_out).to_be_visible()
    expect(page.get_by_role("button", name="Show navigation")).to_have_attribute(
        "aria-expanded", "true"
    )
    assert_page_ok()


def test_a_passed_nqsw_is_found_by_status_and_year(page, assert_page_ok, pm_enrolment):
    """Issue 10 item 6: a finished NQSW stays reachable from both lists."""
    from django.utils import timezone

    from cohorts.models import academic_year_label
    from cohorts.services import record_outcome

    finished = record_outcome(
        enrolment=pm_enrolment, status=Enrolment.Status.PASSED, end_date=timezone.localdate()
    )
    name = finished.person.full_name
    year = academic_year_label(finished.academic_year)
    sign_in(page, "pm.demo")

    for path in ["/assessment/", "/enrolments/"]:
        page.goto(path)
        expect(page.get_by_role("link", name=name, exact=True)).to_have_count(0)
        page.get_by_label("Status").select_option(label="Passed")
        page.get_by_label("Academic year").select_option(label=year)
        page.get_by_role("button", name="Filter").click()
        expect(page).to_have_url(re.compile(r"status=passed"))
        expect(page.get_by_role("link", name=name, exact=True).first).to_be_visible()
        assert_page_ok()

    # The enrolment page links to the person's records in each feature.
    page.get_by_role("link", name=name, exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    records = page.get_by_role("navigation", name=f"{name}'s records")
    for label in [
        "Caseload",
        "Supervision record",
        "ASYE portfolio",
        "Moderation and panel decisions",
    ]:
        expect(records.get_by_role("link", name=label)).to_be_visible()
    assert_page_ok()
    records.get_by_role("link", name="ASYE portfolio").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    assert_page_ok()


# --- 390 px wide (issue 10 item 14) ---------------------------------------------------------

PHONE = {"width": 390, "height": 844}
# Detail pages reached from the main ones: the first link of each kind a role can follow.
DETAIL_LINKS = [
    "a[href^='/enrolments/'][href$='/']:not([href='/enrolments/'])",
    "a[href^='/caseloads/worker/']",
    "a[href^='/assessment/portfolio/']",
    "a[href^='/moderation/panels/'][href$='/']:not([href='/moderation/panels/'])",
]


def sideways_scroll(page):
    """How many pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


# The outermost elements that stick out past the window's right edge.
WIDE_ELEMENTS = """() => {
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    const parent = el.parentElement.getBoundingClientRect();
    if (box.right > window.innerWidth + 1 && parent.right <= window.innerWidth + 1) {
      const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
        + (el.className && typeof el.className === "string"
           ? "." + el.className.trim().split(/\\s+/).join(".") : "");
      out.push(name + " right=" + Math.round(box.right));
    }
  }
  return out.slice(0, 8);
}"""


def main_pages(page):
    """Home, every menu item, and the first detail page of each kind linked from them."""
    paths = ["/"] + [
        href
        for href in page.locator("#main-nav a.nav-link").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        # Django's own admin is not styled by us.
        if href and href.startswith("/") and not href.startswith("/admin/")
    ]
    details = []
    for path in list(paths):
        page.goto(path)
        for selector in DETAIL_LINKS:
            link = page.locator(f"main {selector}").first
            if link.count():
                href = link.get_attribute("href")
                if href not in paths and href not in details:
                    details.append(href)
    return list(dict.fromkeys(paths + details))


@pytest.mark.parametrize("username", list(DEMO_LOGINS))
def test_no_page_scrolls_sideways_on_a_phone(page, demo_users, username):
    page.set_viewport_size(PHONE)
    sign_in(page, username)
    too_wide = {}
    visited = main_pages(page)
    assert len(visited) > 1, "the role's menu should offer pages"
    for path in visited:
        response = page.goto(path)
        assert response.ok, f"{path}: HTTP {response.status}"
        page.wait_for_load_state("load")
        overflow = sideways_scroll(page)
        if overflow > 0:
            too_wide[path] = (overflow, page.evaluate(WIDE_ELEMENTS))
    assert not too_wide, f"pages wider than {PHONE['width']} px (excess px): {too_wide}"


def test_sign_in_and_reset_pages_fit_a_phone(page, assert_page_ok, demo_users):
    page.set_viewport_size(PHONE)
    for path in ("/accounts/login/", "/accounts/password/reset/"):
        page.goto(path)
        assert sideways_scroll(page) <= 0, path
        assert_page_ok()


@pytest.mark.parametrize(
    ("path", "columns"),
    [
        ("/caseloads/", ["Name", "Breaches", "Headroom"]),
        ("/supervision/", ["Name", "Status", "Next due"]),
    ],
)
def test_deciding_columns_are_on_screen_on_a_phone(page, demo_users, path, columns):
    page.set_viewport_size(PHONE)
    sign_in(page, "pm.demo")
    page.goto(path)
    table = page.locator("main table").first
    for name in columns:
        header = table.get_by_role("columnheader", name=name, exact=True)
        box = header.bounding_box()
        assert box and box["x"] + box["width"] <= PHONE["width"], f"{name} is off-screen"
