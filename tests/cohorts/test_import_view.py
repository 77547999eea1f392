"""The upload page for the starters CSV (/people/import/): administrators only. The file is
imported by a background task (run at once in the tests) and the page redirects to the
import's status page (/people/import/<pk>/), which shows its report or its row errors."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from academy.models import Office, Person, PracticeGroup
from cohorts import importing, services, tasks
from cohorts.models import Cohort, Enrolment, PeopleImport
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


def upload(client, text, name="starters.csv", **extra):
    """POST the file and follow the redirect to the import's status page."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(
        URL, {"file": SimpleUploadedFile(name, data, "text/csv"), **extra}, follow=True
    )


def status_url(people_import):
    return reverse("cohorts:import_status", kwargs={"pk": people_import.pk})


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

    people_import = PeopleImport.objects.get()
    assert response.redirect_chain == [(status_url(people_import), 302)]
    assert response.status_code == 200
    assert people_import.status == PeopleImport.Status.DONE
    assert people_import.text == ""  # the file's names and emails are not kept
    assert people_import.finished is not None
    # Finished: the page no longer reloads itself.
    assert 'http-equiv="refresh"' not in response.content.decode()
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
    assert PeopleImport.objects.get().status == PeopleImport.Status.FAILED


def test_file_that_is_not_utf8_is_refused(administrator_client):
    before = counts()

    response = upload(administrator_client, GOOD.replace("Nina", "Niña").encode("latin-1"))

    assert response.status_code == 200 and response.redirect_chain == []
    assert "not UTF-8" in response.content.decode()
    assert counts() == before
    assert not PeopleImport.objects.exists()


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
    assert not PeopleImport.objects.exists()


def test_anonymous_is_sent_to_log_in(client, db):
    before = counts()

    posted = client.post(URL, {"file": SimpleUploadedFile("s.csv", GOOD.encode(), "text/csv")})
    for response in (client.get(URL), posted):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert counts() == before
    assert not PeopleImport.objects.exists()


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
        response = upload(administrator_client, text, dry_run="on")
    page = response.content.decode()
    assert "Dry run: the file is valid, nothing was saved" in page
    assert "4 people created" in page
    assert counts() == before and mail.outbox == []


def test_dry_run_of_a_bad_file_lists_the_problems(administrator_client):
    response = upload(administrator_client, BAD, dry_run="on")
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


# The status page of an upload (/people/import/<pk>/, issue 17 item 5) -----------------------


@pytest.fixture
def uploaded(db):
    """A dry run of the good file, uploaded by an administrator and imported."""
    uploader = factories.PersonFactory(role=Person.Role.ADMIN, full_name="Ursula Upload")
    people_import = services.queue_people_import(
        text=GOOD, dry_run=True, uploaded_by=uploader.user, base_url="http://testserver"
    )
    return uploader, people_import


def test_the_uploader_sees_the_outcome(client, uploaded, django_assert_max_num_queries):
    uploader, people_import = uploaded
    client.force_login(uploader.user)
    with django_assert_max_num_queries(6):
        response = client.get(status_url(people_import))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Uploaded" in page and "Ursula Upload" in page and "3 rows" in page
    assert "Dry run: the file is valid, nothing was saved" in page
    assert "3 people created, 0 updated" in page


def test_the_uploader_still_sees_it_once_no_longer_an_administrator(client, uploaded):
    uploader, people_import = uploaded
    uploader.role = Person.Role.PRACTICE_MANAGER
    uploader.save()
    client.force_login(uploader.user)
    assert client.get(status_url(people_import)).status_code == 200


@pytest.mark.parametrize("who", ["admin", "superuser"])
def test_another_administrator_and_a_superuser_see_it(client, uploaded, who):
    if who == "admin":
        user = factories.PersonFactory(role=Person.Role.ADMIN).user
    else:
        user = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(user)
    response = client.get(status_url(uploaded[1]))
    assert response.status_code == 200
    assert "3 people created" in response.content.decode()


@pytest.mark.parametrize("role", [Person.Role.PRACTICE_MANAGER, Person.Role.NQSW])
def test_others_get_404_for_the_status_page(client, uploaded, role):
    client.force_login(factories.PersonFactory(role=role).user)
    assert client.get(status_url(uploaded[1])).status_code == 404


def test_an_unknown_import_is_404(administrator_client):
    url = reverse("cohorts:import_status", kwargs={"pk": 999})
    assert administrator_client.get(url).status_code == 404


def test_anonymous_is_sent_to_log_in_for_the_status_page(client, uploaded):
    response = client.get(status_url(uploaded[1]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_status_page_wrong_method(client, uploaded):
    client.force_login(uploaded[0].user)
    assert client.post(status_url(uploaded[1])).status_code == 405


# The task: queued, then done with its report, or failed with the file's row errors --------


@pytest.fixture
def uploader(db):
    return factories.PersonFactory(role=Person.Role.ADMIN).user


def test_a_queued_import_runs_to_done_with_its_report(client, uploader):
    people_import = PeopleImport.objects.create(text=GOOD, uploaded_by=uploader)
    client.force_login(uploader)
    page = client.get(status_url(people_import)).content.decode()
    # Not started yet: the page says so and reloads itself.
    assert "Waiting to start" in page and '<meta http-equiv="refresh" content="2">' in page
    before = counts()

    assert tasks.import_people.call(people_import.pk) == PeopleImport.Status.DONE

    people_import.refresh_from_db()
    assert people_import.status == PeopleImport.Status.DONE
    assert people_import.rows_total == 3
    assert people_import.report == {
        "people_created": 3,
        "people_updated": 0,
        "groups_created": 1,
        "offices_created": 1,
        "enrolments_created": 1,
        "enrolments_updated": 0,
    }
    assert people_import.errors == [] and people_import.text == ""
    assert counts()["Person"] == before["Person"] + 3


def test_a_bad_file_writes_nothing_and_keeps_its_row_errors(client, uploader):
    people_import = PeopleImport.objects.create(text=BAD, uploaded_by=uploader)
    before = counts()

    assert tasks.import_people.call(people_import.pk) == PeopleImport.Status.FAILED

    assert counts() == before
    people_import.refresh_from_db()
    assert people_import.report == {} and people_import.text == ""
    assert people_import.errors[0] == {
        "row": 3,
        "column": "role",
        "message": people_import.errors[0]["message"],
    }
    assert len(people_import.errors) == 2
    client.force_login(uploader)
    page = client.get(status_url(people_import)).content.decode()
    assert "Nothing was imported: 2 problems" in page
    assert "row 3, column role: unknown role &#x27;nqws&#x27;" in page


def test_the_import_says_how_far_it_has_got(db):
    calls = []
    importing.import_people_csv(
        GOOD, dry_run=True, progress=lambda *call: calls.append(tuple(call))
    )
    assert calls == [
        (PeopleImport.Stage.CHECKING, 0, 3),
        (PeopleImport.Stage.SAVING, None, None),
    ]
