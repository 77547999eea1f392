"""The starters CSV's optional early_career_programme column (issue 14): an ECDP starter lands
in a cohort of that programme; an unknown name is a row error and nothing is saved; a file
without the column imports as before (test_import_people.py is that contract, unchanged)."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from academy import csvfiles
from cohorts.models import Enrolment, Programme
from tests import factories
from tests.cohorts.test_import_people import (
    HEADER,
    STAFF,
    assert_rejected,
    csv_text,
    run_command,
    snapshot,
)

pytestmark = pytest.mark.django_db

WITH_PROGRAMME = HEADER + ",early_career_programme"
STAFF_ROWS = [f"{row}," for row in STAFF]
NINA = "NQ1,Nina Shah,nq1@example.org,nqsw,CAI,Worthing,Worthing CA&I,2026-09-07,,AS1"
OWEN = "NQ2,Owen Hart,nq2@example.org,nqsw,CAI,Worthing,Worthing CA&I,2026-09-07,,AS1"


@pytest.fixture
def ecdp(db):
    return Programme.objects.create(name="ECDP", length_months=24, pcf_applies=False)


def test_an_ecdp_starter_lands_in_a_cohort_of_that_programme(tmp_path, ecdp):
    text = csv_text(*STAFF_ROWS, f"{NINA},ECDP", f"{OWEN},", header=WITH_PROGRAMME)
    code, out, err = run_command(tmp_path, text)

    assert (code, err) == (0, "")
    nina = Enrolment.objects.get(person__staff_id="NQ1")
    assert nina.cohort.programme == ecdp
    assert nina.cohort.name == "ECDP September 2026"
    assert nina.programme_length == 24
    assert nina.planned_end() == date(2028, 8, 31)  # MONTH-3: 24 months, not 12
    # An empty cell: the ASYE, as without the column.
    owen = Enrolment.objects.get(person__staff_id="NQ2")
    assert (owen.cohort.programme.name, owen.cohort.name) == ("ASYE", "September 2026")
    assert owen.cohort != nina.cohort


def test_the_programme_name_is_read_without_case(tmp_path, ecdp):
    text = csv_text(*STAFF_ROWS, f"{NINA},ecdp", f"{OWEN},asye", header=WITH_PROGRAMME)
    assert run_command(tmp_path, text)[0] == 0
    assert Enrolment.objects.get(person__staff_id="NQ1").cohort.programme == ecdp
    assert Enrolment.objects.get(person__staff_id="NQ2").cohort.programme.name == "ASYE"


def test_an_unknown_programme_is_a_row_error_and_nothing_is_saved(tmp_path, ecdp):
    text = csv_text(*STAFF_ROWS, f"{OWEN},", f"{NINA},EDCP", header=WITH_PROGRAMME)
    assert_rejected(
        tmp_path,
        text,
        "row 6, column early_career_programme: unknown programme 'EDCP' "
        "(expected one of ASYE, ECDP)",
    )
    assert not Enrolment.objects.exists()


def test_only_nqsw_rows_name_an_early_career_programme(tmp_path, ecdp):
    trainee = "TR1,Tom Reed,tr1@example.org,trainee,FSP,Bognor,Bognor FS&P,,CHI_MA,"
    assessor = "AS9,Ann Sim,as9@example.org,assessor,CAI,,,,,"
    assert_rejected(
        tmp_path,
        csv_text(*STAFF_ROWS, f"{trainee},ECDP", f"{assessor},ECDP", header=WITH_PROGRAMME),
        "row 5, column early_career_programme: only nqsw rows have an early career "
        "programme; must be empty for a trainee social worker",
        "row 6, column early_career_programme: only nqsw rows have an early career "
        "programme; must be empty for an asye assessor",
    )


def test_a_file_without_the_column_keeps_an_ecdp_nqsw_on_the_ecdp(tmp_path, ecdp):
    run_command(tmp_path, csv_text(*STAFF_ROWS, f"{NINA},ECDP", header=WITH_PROGRAMME))
    cohort = Enrolment.objects.get(person__staff_id="NQ1").cohort

    # The next year's file, in the old shape: Nina stays where she is; a new NQSW is ASYE.
    code, _, err = run_command(tmp_path, csv_text(*STAFF, NINA, OWEN))
    assert (code, err) == (0, "")
    assert Enrolment.objects.get(person__staff_id="NQ1").cohort == cohort
    assert Enrolment.objects.get(person__staff_id="NQ2").cohort.programme.name == "ASYE"

    # Naming the ASYE moves her to its cohort (an administrator's correction).
    run_command(tmp_path, csv_text(*STAFF_ROWS, f"{NINA},ASYE", header=WITH_PROGRAMME))
    assert Enrolment.objects.get(person__staff_id="NQ1").cohort.programme.name == "ASYE"


def test_a_dry_run_with_the_column_saves_nothing(tmp_path, ecdp):
    before = snapshot()
    text = csv_text(*STAFF_ROWS, f"{NINA},ECDP", header=WITH_PROGRAMME)
    code, out, _ = run_command(tmp_path, text, "--dry-run")
    assert code == 0 and "1 enrolments created" in out
    assert snapshot() == before


def test_the_command_help_names_the_optional_column(ecdp):
    from cohorts.management.commands.import_people import Command

    assert "optional: early_career_programme" in Command.help


def test_the_upload_page_imports_an_ecdp_starter(client, ecdp):
    client.force_login(factories.UserFactory(username="root", is_superuser=True, is_staff=True))
    text = csv_text(*STAFF_ROWS, f"{NINA},ECDP", header=WITH_PROGRAMME)
    # The import runs as a background task (at once in the tests); the page redirects to
    # the import's status page, which shows its report or its row errors.
    response = client.post(
        reverse("cohorts:import_people"),
        {"file": SimpleUploadedFile("starters.csv", text.encode(), "text/csv")},
        follow=True,
    )
    assert response.status_code == 200 and response.redirect_chain
    assert Enrolment.objects.get(person__staff_id="NQ1").cohort.programme == ecdp

    bad = csv_text(*STAFF_ROWS, f"{OWEN},Two-year", header=WITH_PROGRAMME)
    response = client.post(
        reverse("cohorts:import_people"),
        {"file": SimpleUploadedFile("starters.csv", bad.encode(), "text/csv")},
        follow=True,
    )
    assert "early_career_programme: unknown programme &#x27;Two-year&#x27;" in (
        response.content.decode()
    )
    assert not Enrolment.objects.filter(person__staff_id="NQ2").exists()


# academy.csvfiles' optional columns ---------------------------------------------------------


def test_an_optional_column_may_be_left_out_or_given_in_any_place():
    columns, optional = ("staff_id", "name"), ("extra",)
    records, errors = csvfiles.read_table("name,staff_id\nAnn,S1\n", columns, optional=optional)
    assert [r.values for r in records] == [{"staff_id": "S1", "name": "Ann", "extra": ""}]
    records, _ = csvfiles.read_table("extra,name,staff_id\nX,Ann,S1\n", columns, optional=optional)
    assert records[0].values == {"staff_id": "S1", "name": "Ann", "extra": "X"}
    assert len(errors) == 0


def test_an_optional_column_twice_or_an_unknown_one_is_still_refused():
    columns, optional = ("staff_id",), ("extra",)
    with pytest.raises(csvfiles.CSVRejected) as twice:
        csvfiles.read_table("staff_id,extra,extra\nS1,a,b\n", columns, optional=optional)
    assert "this column appears twice" in str(twice.value.errors[0])
    with pytest.raises(csvfiles.CSVRejected) as unknown:
        csvfiles.read_table("staff_id,other\nS1,a\n", columns, optional=optional)
    assert "unexpected column 'other'" in str(unknown.value.errors[0])
