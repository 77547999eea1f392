"""academy.csvfiles: decoding, the header check, row numbers, errors, all or nothing."""

import pytest

from academy import csvfiles
from academy.csvfiles import CSVRejected, RowError, RowErrors
from academy.models import Office, Person

COLUMNS = ("staff_id", "name", "role")


def rejected(text, columns=COLUMNS, **options):
    with pytest.raises(CSVRejected) as caught:
        csvfiles.read_table(text, columns, **options)
    return [str(error) for error in caught.value.errors]


# Decoding ---------------------------------------------------------------------------------


def test_utf8_with_or_without_the_bom():
    assert csvfiles.decode("José\n".encode()) == "José\n"
    assert csvfiles.decode("\ufeffJosé\n".encode()) == "José\n"


def test_other_encodings_are_a_clear_error():
    with pytest.raises(csvfiles.NotUTF8, match="not UTF-8 text; save it as CSV UTF-8"):
        csvfiles.decode("José\n".encode("latin-1"))
    with pytest.raises(csvfiles.NotUTF8):
        csvfiles.decode("staff_id\n".encode("utf-16"))


def test_read_file(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes("\ufeffstaff_id\r\nS1\r\n".encode())
    assert csvfiles.read_file(path) == "staff_id\r\nS1\r\n"
    with pytest.raises(FileNotFoundError):
        csvfiles.read_file(tmp_path / "none.csv")


# The header ------------------------------------------------------------------------------


def test_header_in_any_order_case_and_padding():
    records, errors = csvfiles.read_table(" Role ,NAME,staff_id\nnqsw, Ann ,S1\n", COLUMNS)
    assert list(errors) == []
    assert records == [csvfiles.Record(2, {"staff_id": "S1", "name": "Ann", "role": "nqsw"})]
    assert records[0]["name"] == "Ann"


def test_missing_unknown_and_duplicate_columns_are_each_named():
    assert rejected("staff_id,name,name,grade\n") == [
        "row 1, column grade: unexpected column 'grade' (the header is exactly: "
        "staff_id, name, role)",
        "row 1, column name: this column appears twice",
        "row 1, column role: missing column (the header is exactly: staff_id, name, role)",
    ]


def test_an_empty_file_names_the_header_it_needs():
    assert rejected("") == [
        "row 1, column staff_id: the file is empty: the first row must be the header "
        "staff_id, name, role"
    ]
    assert rejected("\n\n") == rejected("")


def test_other_columns_may_be_ignored_but_not_the_ones_asked_for():
    text = "staff_id,team,name,role,team\nS1,A,Ann,nqsw,B,extra\n"
    records, errors = csvfiles.read_table(text, COLUMNS, other_columns="ignore")
    assert list(errors) == []
    assert records[0].values == {"staff_id": "S1", "name": "Ann", "role": "nqsw"}
    # A row with a value in another column only is not blank: its own columns are empty.
    records, _ = csvfiles.read_table(text + ",A,,,\n", COLUMNS, other_columns="ignore")
    assert records[1] == csvfiles.Record(3, {"staff_id": "", "name": "", "role": ""})
    assert rejected("staff_id,team\n", other_columns="ignore") == [
        "row 1, column name: missing column (expected: staff_id, name, role)",
        "row 1, column role: missing column (expected: staff_id, name, role)",
    ]
    assert rejected("staff_id,name,role,name\n", other_columns="ignore") == [
        "row 1, column name: this column appears twice"
    ]


# Rows ------------------------------------------------------------------------------------


def test_rows_are_numbered_as_the_spreadsheet_numbers_them():
    # The header is row 1; a quoted cell with line breaks is one row; blank lines count.
    text = 'staff_id,name,role\nS1,"Ann\nOther",nqsw\n\nS2,Bob,nqsw\r\n,,\nS3,Cy,nqsw\n'
    records, errors = csvfiles.read_table(text, COLUMNS)
    assert list(errors) == []
    assert [(record.row, record["staff_id"]) for record in records] == [
        (2, "S1"),
        (4, "S2"),
        (6, "S3"),
    ]
    assert records[0]["name"] == "Ann\nOther"


def test_short_rows_read_as_empty_cells():
    records, _ = csvfiles.read_table("staff_id,name,role\nS1\n", COLUMNS)
    assert records[0].values == {"staff_id": "S1", "name": "", "role": ""}


def test_a_stray_value_beyond_the_header_is_a_row_error():
    text = "staff_id,name,role\nS1,Ann,nqsw,oops\nS2,Bob,nqsw, \n"
    records, errors = csvfiles.read_table(text, COLUMNS)
    assert len(records) == 2  # the caller reports it with the other rows' problems
    assert [str(e) for e in errors] == [
        "row 2, column role: the row has 1 more value(s) than the 3 columns of the header "
        "(a stray comma?)"
    ]


def test_a_file_the_csv_module_cannot_read_is_a_row_error():
    # A cell larger than the csv module's field limit (a quote that never closes, say).
    text = 'staff_id,name,role\nS1,Ann,nqsw\nS2,"' + "x" * 200_000 + '"\nS3,Cy,nqsw\n'
    records, errors = csvfiles.read_table(text, COLUMNS)
    assert [record.row for record in records] == [2]
    [error] = errors
    assert (error.row, error.column) == (3, "staff_id")
    assert error.message == "cannot read: a cell is longer than 131,072 characters"


def test_a_huge_cell_is_reported_on_its_own_row():
    # Issue 15 item 11: once reported on "row 1".
    text = "staff_id,name,role\nS1,Ann,nqsw\n\nS2,Bo," + "x" * 200_000 + "\n"
    records, errors = csvfiles.read_table(text, COLUMNS)
    assert [record.row for record in records] == [2]
    assert [(e.row, e.column) for e in errors] == [(4, "staff_id")]


def test_an_unterminated_quote_is_reported_on_the_row_where_it_opens():
    text = 'staff_id,name,role\nS1,Ann,nqsw\nS2,"Bo,nqsw\nS3,Cy,nqsw\n'
    records, errors = csvfiles.read_table(text, COLUMNS)
    assert [record.row for record in records] == [2]
    [error] = errors
    assert (error.row, error.column) == (3, "staff_id")
    assert "never closed" in error.message


def test_a_nul_byte_is_a_row_error_naming_its_row_and_column():
    text = "staff_id,name,role\nS1,Ann,nqsw\nS2,B\x00o,nqsw\nS3,Cy,nqsw\n"
    records, errors = csvfiles.read_table(text, COLUMNS)
    assert [record.row for record in records] == [2, 4]
    [error] = errors
    assert (error.row, error.column) == (3, "name")
    assert "NUL character" in error.message
    assert rejected("staff_id,na\x00me,role\n") == [
        f"row 1, column staff_id: the header {csvfiles.NUL_MESSAGE}"
    ]


# Errors ----------------------------------------------------------------------------------


def test_row_error_reads_as_row_column_message():
    assert str(RowError(3, "email", "is required")) == "row 3, column email: is required"


def test_row_errors_know_which_rows_failed_and_raise_them_sorted():
    errors = RowErrors()
    errors.raise_if_any()  # nothing yet
    errors.add(5, "role", "unknown role")
    errors.add(2, "email", "taken")
    errors.add(5, "email", "invalid")
    assert errors.on_row(5) and not errors.on_row(3)
    assert len(errors) == 3
    with pytest.raises(CSVRejected) as caught:
        errors.raise_if_any()
    # By row, then column, whatever order they were found in.
    assert caught.value.errors == [
        RowError(2, "email", "taken"),
        RowError(5, "email", "invalid"),
        RowError(5, "role", "unknown role"),
    ]
    assert str(caught.value) == (
        "row 2, column email: taken\nrow 5, column email: invalid\nrow 5, column role: unknown role"
    )


# All or nothing --------------------------------------------------------------------------


@pytest.mark.django_db
def test_all_or_nothing_writes_nothing_if_any_row_has_an_error():
    errors = RowErrors()
    with pytest.raises(CSVRejected), csvfiles.all_or_nothing(errors):
        Office.objects.create(name="Worthing")
        errors.add(3, "office", "found while saving")
    assert not Office.objects.exists()


@pytest.mark.django_db
def test_all_or_nothing_keeps_a_clean_file_and_dry_run_rolls_it_back():
    with csvfiles.all_or_nothing(RowErrors()):
        Office.objects.create(name="Worthing")
    with csvfiles.all_or_nothing(RowErrors(), dry_run=True):
        Office.objects.create(name="Bognor")
    assert list(Office.objects.values_list("name", flat=True)) == ["Worthing"]


# Model validation ------------------------------------------------------------------------


@pytest.mark.django_db
def test_model_problems_name_the_field():
    Office.objects.create(name="Worthing")
    problems = csvfiles.model_problems(Office(name="Worthing"))
    assert [name for name, _ in problems] == ["name"]
    assert csvfiles.model_problems(Office(name="Bognor")) == []
    assert [name for name, _ in csvfiles.model_problems(Office(name=""))] == ["name"]


@pytest.mark.django_db
def test_model_problems_name_a_constraint_without_its_prefix():
    person = Person(
        staff_id="S1",
        full_name="Tom Reed",
        email="tr@example.org",
        role=Person.Role.TRAINEE,
        swe_registration="SW123",
    )
    assert csvfiles.model_problems(person, exclude=["user"]) == [
        ("trainee_unregistered", "A trainee is not yet registered with Social Work England.")
    ]
