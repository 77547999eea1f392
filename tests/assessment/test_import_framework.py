"""import_framework (issue 14): a framework's statements loaded from a file, all or nothing."""

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from assessment import frameworks
from assessment.models import Framework, FrameworkElement

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[2] / "assessment" / "sample_frameworks"
SAMPLE_JSON = SAMPLES / "SAMPLE-early-career-placeholder.json"
SAMPLE_CSV = SAMPLES / "SAMPLE-early-career-placeholder.csv"


def run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_framework", *args, stdout=out, stderr=err)
    except SystemExit as exit:
        return exit.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def counts():
    return Framework.objects.count(), FrameworkElement.objects.count()


@pytest.mark.parametrize("sample", [SAMPLE_JSON, SAMPLE_CSV], ids=["json", "csv"])
def test_the_sample_file_imports_every_statement(sample):
    code, out, err = run(
        str(sample), "--name", "Sample Early Career", "--version", "sample-1",
        "--in-force-from", "2027-04-01", "--code", "SAMPLE",
    )  # fmt: skip
    assert code == 0, err
    framework = Framework.objects.get(code="SAMPLE", version="sample-1")
    assert framework.in_force_from == date(2027, 4, 1)
    assert framework.kind == Framework.Kind.STANDARD
    titles = list(framework.elements.order_by("number").values_list("title", flat=True))
    assert len(titles) == 7 and all(t.startswith("Sample standard") for t in titles)
    assert "7 statements" in out


def test_the_sample_is_clearly_not_the_real_standards():
    assert "SAMPLE" in SAMPLE_JSON.name and "placeholder" in SAMPLE_JSON.name
    assert "NOT THE REAL TEXT" in SAMPLE_JSON.read_text()


def test_a_bad_row_changes_nothing_and_exits_2_naming_the_row(tmp_path):
    before = counts()
    bad = tmp_path / "standards.csv"
    bad.write_text(
        "number,title,summary,statement\n"
        "1,Good,,Fine text\n"
        "two,Bad number,,Text\n"
        "3,,,\n"
        "1,Duplicate,,Text\n"
    )
    code, out, err = run(str(bad), "--name", "X", "--version", "1", "--in-force-from", "2027-04-01")
    assert code == 2
    assert "row 3, column number: 'two' is not a whole number" in err
    assert "row 4, column title: the title is empty" in err
    assert "row 4, column statement: the statement text is empty" in err
    assert "row 5, column number: number 1 is also on row 2" in err
    assert "Nothing was imported" in err
    assert counts() == before


def test_a_bad_json_item_changes_nothing(tmp_path):
    before = counts()
    bad = tmp_path / "standards.json"
    bad.write_text('{"statements": [{"number": 1, "title": "A", "statement": "x"}, {"number": 0}]}')
    code, _, err = run(str(bad), "--name", "X", "--version", "1", "--in-force-from", "2027-04-01")
    assert code == 2
    assert "row 2, column number: statements are numbered from 1" in err
    assert counts() == before


def test_an_existing_version_is_refused(tmp_path):
    before = counts()
    code, _, err = run(
        str(SAMPLE_CSV), "--code", "KSS", "--name", "KSS again",
        "--version", Framework.objects.get(code="KSS").version, "--in-force-from", "2027-04-01",
    )  # fmt: skip
    assert code == 2 and "already exists" in err
    assert counts() == before


def test_a_bad_date_or_file_exits_2(tmp_path):
    sample = str(SAMPLE_CSV)
    assert run(sample, "--name", "X", "--version", "1", "--in-force-from", "1/4/27")[0] == 2
    missing = str(tmp_path / "nope.csv")
    assert run(missing, "--name", "X", "--version", "1", "--in-force-from", "2027-04-01")[0] == 2
    other = tmp_path / "standards.txt"
    other.write_text("number,title,summary,statement\n")
    code, _, err = run(str(other), "--name", "X", "--version", "1", "--in-force-from", "2027-04-01")
    assert code == 2 and ".json or .csv" in err


def test_replacing_a_standard_keeps_it_in_force_until_the_new_one_begins():
    kss = Framework.objects.get(code="KSS")
    code, out, err = run(
        str(SAMPLE_JSON), "--name", "Sample Early Career", "--version", "1",
        "--in-force-from", "2027-04-01", "--code", "SAMPLE", "--replaces", f"KSS:{kss.version}",
    )  # fmt: skip
    assert code == 0, err
    kss.refresh_from_db()
    assert kss.in_force_until == date(2027, 4, 1)
    assert set(Framework.objects.in_force(date(2027, 3, 31)).values_list("code", flat=True)) == {
        "PCF",
        "KSS",
    }
    assert set(Framework.objects.in_force(date(2027, 4, 1)).values_list("code", flat=True)) == {
        "PCF",
        "SAMPLE",
    }


def test_the_code_defaults_to_the_initials():
    assert frameworks.default_code("Early Career Standards") == "ECS"


# --- The same from the admin -----------------------------------------------------------------

IMPORT_URL = "/admin/assessment/framework/import/"


def upload(client, content: bytes, name="standards.csv", **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"name": "Sample Early Career", "version": "1", "in_force_from": "2027-04-01"}
    data["kind"] = "standard"
    data.update(fields)
    data["file"] = SimpleUploadedFile(name, content)
    return client.post(IMPORT_URL, data)


def test_an_administrator_imports_a_framework_in_the_admin(client, superuser):
    client.force_login(superuser)
    page = client.get("/admin/assessment/framework/")
    assert IMPORT_URL in page.content.decode()
    assert client.get(IMPORT_URL).status_code == 200
    response = upload(client, SAMPLE_JSON.read_bytes(), name=SAMPLE_JSON.name, code="SAMPLE")
    framework = Framework.objects.get(code="SAMPLE")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/framework/{framework.pk}/change/")
    assert framework.elements.count() == 7


def test_the_admin_lists_the_bad_rows_and_saves_nothing(client, superuser):
    client.force_login(superuser)
    before = counts()
    response = upload(client, b"number,title,summary,statement\n1,A,,x\n0,B,,y\n")
    assert response.status_code == 200
    assert "Row 3, column number: statements are numbered from 1" in response.content.decode()
    assert counts() == before


def test_staff_without_the_add_permission_cannot_import(client, people):
    staff = people["pm"].user
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.get(IMPORT_URL).status_code == 403
    before = counts()
    assert upload(client, SAMPLE_CSV.read_bytes()).status_code == 403
    assert counts() == before


def test_an_outsider_is_sent_to_the_admin_login(client, people):
    client.force_login(people["nqsw"].user)
    response = client.get(IMPORT_URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_programmes_assessed_against_it_are_named_on_the_command_line():
    code, _, err = run(
        str(SAMPLE_CSV), "--name", "Sample", "--version", "1", "--in-force-from", "2027-04-01",
        "--code", "SAMPLE", "--programme", "ASYE",
    )  # fmt: skip
    assert code == 0, err
    linked = Framework.objects.get(code="SAMPLE").programmes.values_list("name", flat=True)
    assert list(linked) == ["ASYE"]
    before = counts()
    code, _, err = run(
        str(SAMPLE_CSV), "--name", "Sample", "--version", "2", "--in-force-from", "2027-04-01",
        "--programme", "NOPE",
    )  # fmt: skip
    assert code == 2 and "no such programme" in err
    assert counts() == before
