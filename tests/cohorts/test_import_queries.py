"""Issue 17 item 5: importing the starters CSV makes a fixed number of queries, whatever the
number of rows, so that a national file (20,000 rows) imports in under a minute."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cohorts import importing
from cohorts.models import Cohort, Enrolment
from tests import factories

START = "2026-09-07"


def starters_csv(count, tag, group, assessor):
    """`count` new NQSWs and trainees in the group, assessed by the assessor."""
    lines = [",".join(importing.COLUMNS)]
    for i in range(count):
        who = f"{tag}{i},Starter {i},{tag.lower()}{i}@example.org"
        place = f"{group.service.code},{group.office.name},{group.name}"
        if i % 5 == 4:
            lines.append(f"{who},trainee,{place},,OU_BA,{assessor.staff_id}")
        else:
            lines.append(f"{who},nqsw,{place},{START},,{assessor.staff_id}")
    return "\n".join(lines) + "\n"


def queries_to_import(text):
    with CaptureQueriesContext(connection) as queries:
        importing.import_people_csv(text, today=timezone.localdate())
    return len(queries)


@pytest.fixture
def team(db):
    group = factories.PracticeGroupFactory()
    assessor = factories.PersonFactory(role="assessor", service=group.service)
    # The cohorts the rows join exist already, so both imports find them the same way.
    Cohort.for_start(timezone.localdate())
    Cohort.for_start(importing._parse_date(START))
    return group, assessor


@pytest.mark.django_db
def test_importing_new_starters_makes_the_same_queries_for_10_rows_as_for_50(team):
    group, assessor = team

    ten = queries_to_import(starters_csv(10, "TEN", group, assessor))
    fifty = queries_to_import(starters_csv(50, "FIFTY", group, assessor))

    assert ten == fifty
    assert Enrolment.objects.filter(practice_group=group).count() == 60


@pytest.mark.django_db
def test_importing_a_file_again_makes_the_same_queries_for_10_rows_as_for_50(team):
    group, assessor = team
    ten_rows = starters_csv(10, "TEN", group, assessor)
    fifty_rows = starters_csv(50, "FIFTY", group, assessor)
    queries_to_import(ten_rows)
    queries_to_import(fifty_rows)

    # The second time every row updates a person and their current enrolment. The one
    # query a row left is Enrolment.clean()'s: an ASYE start that has not changed is not
    # held to the date range (_check_asye_start), and it reads the stored start to tell.
    ten, fifty = queries_to_import(ten_rows), queries_to_import(fifty_rows)
    nqsw_rows = 8, 40
    assert fifty - nqsw_rows[1] == ten - nqsw_rows[0]


def new_teams_csv(count, tag, assessor):
    """`count` rows: new practice groups of five, each a new PM and four new NQSWs."""
    lines = [",".join(importing.COLUMNS)]
    for i in range(count):
        who = f"{tag}{i},Starter {i},{tag.lower()}{i}@example.org"
        place = f"CAI,Worthing,{tag} team {i // 5}"
        if i % 5 == 0:
            lines.append(f"{who},practice_manager,{place},,,")
        else:
            lines.append(f"{who},nqsw,{place},{START},,{assessor.staff_id}")
    return "\n".join(lines) + "\n"


@pytest.mark.django_db
def test_importing_new_teams_makes_the_same_queries_for_10_rows_as_for_50(team):
    _, assessor = team
    factories.OfficeFactory(name="Worthing")

    ten = queries_to_import(new_teams_csv(10, "TEN", assessor))
    fifty = queries_to_import(new_teams_csv(50, "FIFTY", assessor))

    assert ten == fifty
    assert Enrolment.objects.filter(practice_group__name__startswith="FIFTY").count() == 40


@pytest.mark.django_db
def test_a_clash_the_checks_could_not_see_is_still_an_error_on_its_row(team, monkeypatch):
    """Another import saves a starter's email between the checks and the bulk save: the
    database refuses the batch, each row is saved on its own, and the clash is named on its
    row, as when the import saved a row at a time."""
    group, assessor = team
    check_rows = importing._PeopleImport.check_rows

    def check_then_clash(run):
        check_rows(run)
        factories.PersonFactory(email="clash3@example.org")

    monkeypatch.setattr(importing._PeopleImport, "check_rows", check_then_clash)
    before = Enrolment.objects.count()

    with pytest.raises(importing.csvfiles.CSVRejected) as rejected:
        importing.import_people_csv(starters_csv(5, "CLASH", group, assessor))

    ((row, column, message),) = [(e.row, e.column, e.message) for e in rejected.value.errors]
    assert (row, column) == (5, "staff_id") and message.startswith("could not be saved: ")
    assert Enrolment.objects.count() == before
