"""`manage.py caseload_audit`: a CSV snapshot checked against the rules, changing nothing."""

import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError

from academy.models import Person
from tests import factories as base
from tests.caseloads import factories as f

AS_OF = "2026-11-15"  # ASYE month 3 for a September start

HEADER = "case_ref,case_type,children,staff_id,role\n"


@pytest.fixture
def academy(db):
    """People already in the system, by staff id."""
    f.nqsw("CLA", person__staff_id="NQ-CLA")
    f.nqsw("CAI", person__staff_id="NQ-CAI")
    f.trainee("CHI_MA", person__staff_id="TR-CHI")
    base.PersonFactory(staff_id="SW-1", role=Person.Role.SOCIAL_WORKER)
    base.PersonFactory(staff_id="ASWP-1", role=Person.Role.ASWP)


def snapshot(tmp_path, body: str, name="snapshot.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body if not body.startswith("case_ref") else body)
    return str(path)


def run(*argv):
    out, err = StringIO(), StringIO()
    try:
        call_command("caseload_audit", *argv, stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, out.getvalue(), str(error)
    return 0, out.getvalue(), err.getvalue()


def test_no_breach_exits_0_and_warnings_are_allowed(academy, tmp_path):
    path = snapshot(
        tmp_path,
        "\n".join(
            [
                "CLA-1,CLA,4,NQ-CLA,allocated",
                "CLA-1,CLA,4,SW-1,coworker",
                "CIN-1,CIN,3,NQ-CAI,allocated",
            ]
        )
        + "\n",
    )
    code, out, _ = run(path, "--as-of", AS_OF)
    assert code == 0
    # 4 children in CLA month 3 is under the band of 6-8, and no visit sign-off yet.
    assert out.splitlines() == [
        line for line in out.splitlines() if line.startswith("NQ-CLA warning: ")
    ]
    assert "CAP-MIN" in out and "VISIT-SIGNOFF" in out

    code, out, _ = run(path, "--as-of", AS_OF, "--format", "json")
    report = json.loads(out)
    assert code == 0
    assert report["as_of"] == AS_OF
    assert {finding["rule"] for finding in report["findings"]} == {"CAP-MIN", "VISIT-SIGNOFF"}
    assert all(finding["severity"] == "warning" for finding in report["findings"])


def test_a_clean_snapshot_has_no_findings(academy, tmp_path):
    path = snapshot(tmp_path, "C-1,CIN,10,NQ-CAI,allocated\nC-2,CP,3,SW-1,allocated\n")
    assert run(path, "--as-of", AS_OF, "--format", "json") == (
        0,
        json.dumps({"as_of": AS_OF, "findings": []}, indent=2) + "\n",
        "",
    )
    assert run(path, "--as-of", AS_OF) == (0, "", "")


def test_breaches_exit_1_sorted_by_staff_id_then_rule(academy, tmp_path):
    path = snapshot(
        tmp_path,
        "\n".join(
            [
                "CIN-9,CIN,9,NQ-CLA,allocated",  # CLA month 3: cap 8
                "S47-1,S47,1,TR-CHI,coworker",  # a trainee on an S47
                "S47-1,S47,1,SW-1,allocated",
                "CIN-8,CIN,4,TR-CHI,allocated",  # Chichester first semester: cap 4
                "CP-1,CP,2,NQ-CAI,allocated",  # sole on a CP case in month 3
            ]
        )
        + "\n",
    )
    code, out, message = run(path, "--as-of", AS_OF, "--format", "json")
    assert code == 1
    assert "breach" in message
    report = json.loads(out)
    assert list(report) == ["as_of", "findings"]
    summary = [(x["staff_id"], x["rule"], x["severity"]) for x in report["findings"]]
    assert summary == [
        ("NQ-CAI", "SOLE-CP-CLA", "breach"),
        ("NQ-CAI", "VISIT-SIGNOFF", "warning"),
        ("NQ-CLA", "CAP-MAX", "breach"),
        ("TR-CHI", "CAP-MAX", "breach"),
        ("TR-CHI", "S47-TRAINEE", "breach"),
    ]
    cap = report["findings"][2]
    assert cap["message"].startswith("CAP-MAX: ")
    assert "holds 9 children; the cap for CLA in ASYE month 3 is 8" in cap["message"]
    assert cap["numbers"]["children"] == 9 and cap["numbers"]["cap"] == 8
    assert "is 4" in report["findings"][3]["message"]
    assert {"staff_id", "rule", "severity", "message"} <= set(cap)

    code, out, _ = run(path, "--as-of", AS_OF)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 5
    assert lines[2].startswith("NQ-CLA breach: CAP-MAX: ")
    assert [line.split(" ")[0] for line in lines] == sorted(line.split(" ")[0] for line in lines)


def test_coworkers_in_the_file_count_for_everyone(academy, tmp_path):
    path = snapshot(
        tmp_path,
        "\n".join(
            [
                "CLA-1,CLA,5,NQ-CLA,coworker",
                "CLA-1,CLA,5,SW-1,allocated",
                "CLA-2,CLA,4,NQ-CLA,allocated",
            ]
        )
        + "\n",
    )
    code, out, _ = run(path, "--as-of", AS_OF, "--format", "json")
    findings = json.loads(out)["findings"]
    assert code == 1
    assert [(x["rule"], x["case_ref"]) for x in findings if x["severity"] == "breach"] == [
        ("CAP-MAX", None),  # 5 co-worked + 4 own = 9 > 8
        ("SOLE-CP-CLA", "CLA-2"),  # CLA-1 has the experienced social worker
    ]


def test_people_without_an_enrolment_are_judged_by_role(academy, tmp_path):
    rows = [f"A-{n},CP,2,ASWP-1,allocated" for n in range(14)]
    rows += [f"S-{n},CIN,5,SW-1,allocated" for n in range(6)]
    code, out, _ = run(
        snapshot(tmp_path, "\n".join(rows) + "\n"), "--as-of", AS_OF, "--format", "json"
    )
    findings = json.loads(out)["findings"]
    assert code == 1
    assert [(x["staff_id"], x["rule"]) for x in findings] == [("ASWP-1", "CAP-MAX")]
    assert "holds 14 cases; the cap for ASWPs (CAP-ASWP) is 13" in findings[0]["message"]


def test_after_month_12_no_cap(academy, tmp_path):
    path = snapshot(tmp_path, "C-1,CIN,20,NQ-CAI,allocated\nC-2,S47,3,NQ-CAI,allocated\n")
    assert run(path, "--as-of", "2027-09-01")[0] == 0
    assert run(path, "--as-of", AS_OF)[0] == 1


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ("C-1,CIN,2,NOBODY,allocated\n", "row 2, column staff_id"),
        ("C-1,CIN,2,NQ-CAI,allocated\nC-2,CPP,2,NQ-CAI,allocated\n", "row 3, column case_type"),
        ("C-1,CIN,0,NQ-CAI,allocated\n", "row 2, column children"),
        ("C-1,CIN,21,NQ-CAI,allocated\n", "row 2, column children"),
        ("C-1,CIN,2.5,NQ-CAI,allocated\n", "row 2, column children"),
        ("C-1,CIN,two,NQ-CAI,allocated\n", "row 2, column children"),
        ("C-1,CIN,2,NQ-CAI,lead\n", "row 2, column role"),
        ("C-1,CIN,2,NQ-CAI,allocated\nC-1,CP,2,SW-1,coworker\n", "row 3, column case_type"),
        ("C-1,CIN,2,NQ-CAI,allocated\nC-1,CIN,3,SW-1,coworker\n", "row 3, column children"),
        ("C-1,CIN,2,NQ-CAI,allocated\nC-1,CIN,2,NQ-CAI,coworker\n", "row 3, column staff_id"),
        (",CIN,2,NQ-CAI,allocated\n", "row 2, column case_ref"),
        ("case_ref,case_type,staff_id,role\nC-1,CIN,NQ-CAI,allocated\n", "row 1, column children"),
        ("", "row 1, column case_ref"),
    ],
)
def test_bad_input_exits_2_naming_row_and_column(academy, tmp_path, body, where):
    path = tmp_path / "bad.csv"
    path.write_text(body if body.startswith("case_ref") or not body else HEADER + body)
    code, out, message = run(str(path), "--as-of", AS_OF)
    assert code == 2
    assert where in message
    assert out == ""


def test_every_problem_is_reported_at_once(academy, tmp_path):
    path = snapshot(tmp_path, "C-1,XX,2,NQ-CAI,allocated\n\nC-2,CIN,99,NQ-CAI,boss\n")
    code, _, message = run(path, "--as-of", AS_OF)
    assert code == 2
    assert "row 2, column case_type" in message
    # The blank line is row 3 in a spreadsheet, so the next record is row 4.
    assert "row 4, column children" in message and "row 4, column role" in message


@pytest.mark.parametrize("as_of", [None, "", "2026-13-01", "15/11/2026", "2026-11-5"])
def test_bad_or_missing_as_of_exits_2(academy, tmp_path, as_of):
    path = snapshot(tmp_path, "C-1,CIN,2,NQ-CAI,allocated\n")
    argv = [path] if as_of is None else [path, "--as-of", as_of]
    code, _, message = run(*argv)
    assert code == 2
    assert "--as-of" in message


def test_a_missing_file_or_format_exits_2(academy, tmp_path):
    assert run(str(tmp_path / "none.csv"), "--as-of", AS_OF)[0] == 2
    path = snapshot(tmp_path, "C-1,CIN,2,NQ-CAI,allocated\n")
    assert run(path, "--as-of", AS_OF, "--format", "xml")[0] == 2


def test_header_names_are_forgiving_about_case_spaces_and_order(academy, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text(
        "Role, Staff_ID ,children,case_type,case_ref\r\nallocated,NQ-CLA,9,cin,CIN-9\r\n",
        encoding="utf-8-sig",
    )
    code, out, _ = run(str(path), "--as-of", AS_OF)
    assert code == 1 and "holds 9 children" in out


def row_counts():
    """Rows of every model the audit reads from or could write to."""
    return {
        model._meta.label: model._default_manager.count()
        for label in ("auth", "academy", "cohorts", "caseloads")
        for model in apps.get_app_config(label).get_models()
    }


def test_the_audit_changes_nothing(academy, tmp_path):
    before = row_counts()
    path = snapshot(tmp_path, "CIN-9,CIN,9,NQ-CLA,allocated\nC-2,S47,1,TR-CHI,coworker\n")
    assert run(path, "--as-of", AS_OF)[0] == 1
    assert run(path, "--as-of", AS_OF, "--format", "json")[0] == 1
    assert row_counts() == before


@pytest.mark.django_db(transaction=True)
def test_exit_statuses_from_the_command_line(tmp_path, capsys):
    """Through manage.py's own entry point, as a script would run it."""
    f.reseed()
    f.nqsw("CLA", person__staff_id="NQ-CLA")

    def main(*argv):
        try:
            ManagementUtility(["manage.py", "caseload_audit", *argv]).execute()
        except SystemExit as exit:
            return exit.code
        return 0

    fine = snapshot(tmp_path, "C-1,CIN,8,NQ-CLA,allocated\n", "fine.csv")
    over = snapshot(tmp_path, "C-1,CIN,9,NQ-CLA,allocated\n", "over.csv")
    bad = snapshot(tmp_path, "C-1,CIN,9,NQ-XXX,allocated\n", "bad.csv")
    assert main(fine, "--as-of", AS_OF) == 0
    assert main(over, "--as-of", AS_OF) == 1
    assert "NQ-CLA breach: CAP-MAX" in capsys.readouterr().out
    assert main(bad, "--as-of", AS_OF) == 2
    assert "row 2, column staff_id" in capsys.readouterr().err
    assert main(fine) == 2
    assert main(fine, "--as-of", "tomorrow") == 2


def test_problems_are_listed_by_row_then_column(academy, tmp_path):
    path = snapshot(tmp_path, "C-1,CIN,2,,boss\nC-2,XX,0,NQ-CAI,allocated\n")
    code, _, message = run(path, "--as-of", AS_OF)
    assert code == 2
    assert [line.split(":")[0] for line in message.splitlines()[1:]] == [
        "row 2, column role",
        "row 2, column staff_id",
        "row 3, column case_type",
        "row 3, column children",
    ]


def test_columns_of_the_case_management_system_are_ignored(academy, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "team,case_ref,case_type,children,staff_id,role,opened\n"
        "A,CIN-9,CIN,9,NQ-CLA,allocated,2026-01-01,\n"
    )
    code, out, _ = run(str(path), "--as-of", AS_OF)
    assert code == 1 and "holds 9 children" in out


def test_a_cell_over_the_csv_limit_exits_2_with_its_row(academy, tmp_path):
    # Issue 15 item 11: once an uncaught error (exit 1, a 500 on upload).
    path = snapshot(tmp_path, "CIN-1,CIN,1,S1,allocated\nCIN-2,CIN,1,S1," + "x" * 131_073 + "\n")
    code, _, message = run(path, "--as-of", "2026-10-01")
    assert code == 2
    assert "row 3, column case_ref: cannot read: a cell is longer than 131,072" in message


def test_a_nul_byte_exits_2_with_its_row(academy, tmp_path):
    path = snapshot(tmp_path, "CIN-1,CIN,1,S1,allocated\nCIN-2,CIN,1,S\x001,allocated\n")
    code, _, message = run(path, "--as-of", "2026-10-01")
    assert code == 2
    assert "row 3, column staff_id: the cell contains a NUL character" in message
