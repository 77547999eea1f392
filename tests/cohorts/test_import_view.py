"""The upload page for the starters CSV (/people/import/): administrators only."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from academy.models import Office, Person, PracticeGroup
from cohorts.models import Cohort, Enrolment
from tests import factories

URL = reverse("cohorts:import_people")
HEADER = (
    "staff_id,full_name,email,role,service,office,practice_group,asye_start,programme,"
    "assessor_staff_id"
)
GOOD = "\n".join(
    [
        HEADER,
        "PM1,Priya Patel,pm1@example.org,practice_manager,CAI,Worthing,Worthing CA&I,,,",
        "AS1,Asha Khan,as1@example.org,assessor,CAI,,,,,",
        "NQ1,Nina Shah,nq1@example.org,nqsw,CAI,Worthing,Worthing CA&I,2026-09-07,,AS1",
    ]
)
BAD = "\n".join(
    [
        HEADER,
        "PM1,Priya Patel,pm1@example.org,practice_manager,CAI,Worthing,Worthing CA&I,,,",
        "NQ1,Nina Shah,nq1@example.org,nqws,CAI,Worthing,Worthing CA&I,2026-09-07,,AS1",
        "NQ2,Noor Ali,nq2@example.org,nqsw,CAI,Worthing,Worthing CA&I,2026-09-07,,PM1",
    ]
)
MODELS = [Person, PracticeGroup, Office, Enrolment, Cohort]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def upload(client, text, name="starters.csv"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(URL, {"file": SimpleUploadedFile(name, data, "text/csv")})


@pytest.fixture
def admin_person(db):
    return factories.PersonFactory(role=Person.Role.ADMIN)


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture(params=["admin", "superuser"])
def administrator_client(request, client, db):
    if request.param == "admin":
        user = factories.PersonFactory(role=Person.Role.ADMIN).user
    else:
        user = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(user)
    return client


def test_administrator_sees_the_form(administrator_client):
    response = administrator_client.get(URL)
    assert response.status_code == 200
    assert b"Import people" in response.content
    assert b'enctype="multipart/form-data"' in response.content


def test_administrator_imports_a_good_file(administrator_client):
    before = counts()

    response = upload(administrator_client, GOOD)

    assert response.status_code == 200
    assert (
        "3 people created, 0 updated; 1 practice groups created; 1 enrolments created, 0 updated"
        in response.content.decode()
    )
    after = counts()
    assert after["Person"] == before["Person"] + 3
    assert after["PracticeGroup"] == before["PracticeGroup"] + 1
    assert after["Enrolment"] == before["Enrolment"] + 1
    assert Enrolment.objects.get(person__staff_id="NQ1").assessor.staff_id == "AS1"


def test_import_page_invites_each_new_person(
    administrator_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(administrator_client, GOOD)
    assert "3 invitations to set a password" in response.content.decode()
    assert sorted(message.to[0] for message in mail.outbox) == [
        "as1@example.org",
        "nq1@example.org",
        "pm1@example.org",
    ]
    # Links point at the host the administrator used.
    assert all("http://testserver/accounts/password/set/" in m.body for m in mail.outbox)


def test_a_bad_file_sends_no_invitation(administrator_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(administrator_client, BAD)
    assert mail.outbox == []


def test_administrator_sees_every_error_of_a_bad_file_and_nothing_is_saved(
    administrator_client,
):
    before = counts()

    response = upload(administrator_client, BAD)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was imported: 2 problems" in page
    assert "row 3, column role: unknown role &#x27;nqws&#x27;" in page
    assert "row 4, column assessor_staff_id: ASSESSOR-INDEPENDENT: Priya Patel (PM1)" in page
    assert counts() == before


def test_file_that_is_not_utf8_is_refused(administrator_client):
    before = counts()

    response = upload(administrator_client, GOOD.replace("Nina", "Niña").encode("latin-1"))

    assert response.status_code == 200
    assert "not UTF-8" in response.content.decode()
    assert counts() == before


@pytest.mark.parametrize(
    "role",
    [
        Person.Role.NQSW,
        Person.Role.TRAINEE,
        Person.Role.PRACTICE_MANAGER,
        Person.Role.GROUP_MANAGER,
        Person.Role.ASSESSOR,
        Person.Role.PRINCIPAL_SOCIAL_WORKER,
    ],
)
def test_everyone_else_gets_404(client, db, role):
    client.force_login(factories.PersonFactory(role=role).user)
    before = counts()

    assert client.get(URL).status_code == 404
    assert upload(client, GOOD).status_code == 404
    assert counts() == before


def test_anonymous_is_sent_to_log_in(client, db):
    before = counts()

    for response in (client.get(URL), upload(client, GOOD)):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert counts() == before


def test_wrong_method(administrator_client):
    assert administrator_client.put(URL).status_code == 405


# The CSV template and the dry run (issue 10 item 12) ----------------------------------------

TEMPLATE_URL = reverse("cohorts:import_template")


def test_administrator_downloads_the_template_and_it_checks_clean(
    administrator_client, django_capture_on_commit_callbacks
):
    response = administrator_client.get(TEMPLATE_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "starters-template.csv" in response["Content-Disposition"]
    text = response.content.decode()
    assert text.splitlines()[0] == HEADER
    assert reverse("cohorts:import_template") in administrator_client.get(URL).text

    # The template is itself a valid file: a dry run of it reports, saves and sends nothing.
    before = counts()
    with django_capture_on_commit_callbacks(execute=True):
        response = administrator_client.post(
            URL,
            {"file": SimpleUploadedFile("t.csv", text.encode(), "text/csv"), "dry_run": "on"},
        )
    page = response.content.decode()
    assert "Dry run: the file is valid, nothing was saved" in page
    assert "4 people created" in page
    assert counts() == before and mail.outbox == []


def test_dry_run_of_a_bad_file_lists_the_problems(administrator_client):
    response = administrator_client.post(
        URL, {"file": SimpleUploadedFile("s.csv", BAD.encode(), "text/csv"), "dry_run": "on"}
    )
    assert "Checked, nothing saved: 2 problems" in response.content.decode()


@pytest.mark.parametrize("role", [Person.Role.NQSW, Person.Role.PRACTICE_MANAGER])
def test_others_get_404_for_the_template(client, db, role):
    client.force_login(factories.PersonFactory(role=role).user)
    assert client.get(TEMPLATE_URL).status_code == 404


def test_anonymous_is_sent_to_log_in_for_the_template(client, db):
    response = client.get(TEMPLATE_URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_template_wrong_method(administrator_client):
    assert administrator_client.post(TEMPLATE_URL).status_code == 405
