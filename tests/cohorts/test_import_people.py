"""`manage.py import_people FILE.csv`: people, groups and enrolments, all or nothing."""

import io
import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from academy.models import Office, Person, PracticeGroup
from cohorts import importing
from cohorts.models import Cohort, Enrolment
from tests import factories

HEADER = (
    "staff_id,full_name,email,role,service,office,practice_group,asye_start,programme,"
    "assessor_staff_id"
)
# Rows 2-4 of most files: a new team's PM and GM, and an assessor.
STAFF = [
    "PM1,Priya Patel,pm1@example.org,practice_manager,CAI,Worthing,Worthing CA&I,,,",
    "GM1,Gareth Jones,gm1@example.org,group_manager,CAI,Worthing,Worthing CA&I,,,",
    "AS1,Asha Khan,as1@example.org,assessor,CAI,,,,,",
]
GOOD = [
    *STAFF,
    "G10,Grace Hill,g10@example.org,grade10,CAI,Worthing,Worthing CA&I,,,",
    "NQ1,Nina Shah,nq1@example.org,nqsw,CAI,Worthing,Worthing CA&I,2026-09-07,,AS1",
    "TR1,Tom Reed,tr1@example.org,trainee,FSP,Bognor,Bognor FS&P,2027-01-04,OU_BA,AS1",
    "TR2,Tara Bell,tr2@example.org,trainee,FSP,Bognor,Bognor FS&P,,CHI_MA,",
]
PASSWORD = "a-new-long-passphrase"
MODELS = [Person, get_user_model(), PracticeGroup, Office, Enrolment, Cohort]


def csv_text(*rows, header=HEADER):
    return "\n".join([header, *rows]) + "\n"


def run_command(tmp_path, text, *args, encoding="utf-8"):
    path = tmp_path / "starters.csv"
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_people", str(path), *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        code = exit_.code
    else:
        code = 0
    return code, out.getvalue(), err.getvalue()


def snapshot():
    """Everything an import could touch: counts, and the values of what it updates."""
    return (
        {model.__name__: model.objects.count() for model in MODELS},
        list(
            Person.objects.order_by("pk").values_list(
                "staff_id", "full_name", "email", "role", "service", "practice_group"
            )
        ),
        list(
            PracticeGroup.objects.order_by("pk").values_list(
                "name", "office", "service", "practice_manager", "group_manager"
            )
        ),
        list(
            Enrolment.objects.order_by("pk").values_list(
                "person",
                "kind",
                "cohort",
                "practice_group",
                "assessor",
                "asye_start",
                "programme",
                "status",
                "end_date",
            )
        ),
    )


def assert_rejected(tmp_path, text, *expected):
    """The command exits 2, prints each expected error, and the database is as it was."""
    before = snapshot()
    code, out, err = run_command(tmp_path, text)
    assert code == 2, out
    for message in expected:
        assert message in err, err
    assert "Nothing was imported" in err
    assert snapshot() == before
    return err


@pytest.fixture
def worthing(db):
    """An existing CA&I team in Worthing, with its PM and GM in the database."""
    return factories.PracticeGroupFactory(
        name="Worthing CA&I",
        office=factories.OfficeFactory(name="Worthing"),
        practice_manager__full_name="Mary Lead",
        practice_manager__staff_id="PMDB",
    )


# The good file --------------------------------------------------------------------------


@pytest.mark.django_db
def test_good_file_creates_people_groups_offices_users_and_enrolments(tmp_path):
    code, out, err = run_command(tmp_path, csv_text(*GOOD))

    assert (code, err) == (0, "")
    assert "7 people created, 0 updated; 2 practice groups created; " in out
    assert "3 enrolments created, 0 updated" in out
    assert set(Office.objects.values_list("name", flat=True)) == {"Worthing", "Bognor"}

    worthing = PracticeGroup.objects.get(name="Worthing CA&I")
    assert (worthing.office.name, worthing.service.code) == ("Worthing", "CAI")
    assert worthing.practice_manager.staff_id == "PM1"
    assert worthing.group_manager.staff_id == "GM1"
    bognor = PracticeGroup.objects.get(name="Bognor FS&P")
    assert (bognor.office.name, bognor.service.code) == ("Bognor", "FSP")
    assert bognor.practice_manager is None

    grace = Person.objects.get(staff_id="G10")
    assert (grace.role, grace.practice_group) == ("grade10", worthing)
    pm = Person.objects.get(staff_id="PM1")
    assert (pm.full_name, pm.email, pm.service.code) == ("Priya Patel", "pm1@example.org", "CAI")
    assert pm.user.username == "pm1"
    assert not pm.user.has_usable_password()
    assert get_user_model().objects.filter(person__isnull=False).count() == 7

    nina = Enrolment.objects.get(person__staff_id="NQ1")
    assert (nina.kind, nina.programme, nina.status) == ("asye", "", "active")
    assert (nina.practice_group, nina.assessor.staff_id) == (worthing, "AS1")
    assert nina.asye_start == date(2026, 9, 7)
    assert (nina.cohort.intake, nina.cohort.start_date) == ("september", date(2026, 9, 1))

    tom = Enrolment.objects.get(person__staff_id="TR1")
    assert (tom.kind, tom.programme, tom.practice_group) == ("trainee", "OU_BA", bognor)
    assert tom.asye_start == date(2027, 1, 4)
    assert (tom.cohort.intake, tom.cohort.start_date) == ("january", date(2027, 1, 1))

    tara = Enrolment.objects.get(person__staff_id="TR2")
    assert (tara.kind, tara.programme, tara.asye_start, tara.assessor) == (
        "trainee",
        "CHI_MA",
        None,
        None,
    )
    # No ASYE date yet: the intake of today's date.
    today = timezone.localdate()
    assert tara.cohort.start_date == (
        date(today.year, 9, 1) if today.month >= 7 else date(today.year, 1, 1)
    )


@pytest.mark.django_db
def test_reimporting_the_same_file_updates_rather_than_duplicates(tmp_path):
    run_command(tmp_path, csv_text(*GOOD))
    before = snapshot()

    code, out, _ = run_command(tmp_path, csv_text(*GOOD))

    assert code == 0
    assert "0 people created, 7 updated; 0 practice groups created; " in out
    assert "0 enrolments created, 3 updated" in out
    assert snapshot() == before


@pytest.mark.django_db
def test_changed_rows_update_people_and_their_current_enrolment(tmp_path):
    run_command(tmp_path, csv_text(*GOOD))
    changed = [
        *STAFF,
        "AS2,Ade Brown,as2@example.org,social_worker,CAI,,,,,",
        "NQ1,Nina Shah-Lee,nina@example.org,nqsw,CAI,Worthing,Worthing CA&I,2026-09-14,,AS2",
    ]

    code, out, _ = run_command(tmp_path, csv_text(*changed))

    assert code == 0
    assert "1 people created, 4 updated" in out
    nina = Person.objects.get(staff_id="NQ1")
    assert (nina.full_name, nina.email, nina.user.email) == (
        "Nina Shah-Lee",
        "nina@example.org",
        "nina@example.org",
    )
    enrolment = nina.enrolments.get()
    assert (enrolment.assessor.staff_id, enrolment.asye_start) == ("AS2", date(2026, 9, 14))
    assert enrolment.history.first().history_change_reason == importing.CHANGE_REASON


@pytest.mark.django_db
def test_existing_people_and_group_are_matched(tmp_path, worthing):
    nqsw = factories.PersonFactory(staff_id="NQ9", role=Person.Role.NQSW, full_name="Old Name")
    existing = factories.EnrolmentFactory(person=nqsw, practice_group=worthing)

    code, out, _ = run_command(
        tmp_path,
        csv_text(
            "AS1,Asha Khan,as1@example.org,assessor,CAI,,,,,",
            f"NQ9,New Name,{nqsw.email},nqsw,CAI,Worthing,Worthing CA&I,2026-09-01,,AS1",
        ),
    )

    assert code == 0
    assert "1 people created, 1 updated; 0 practice groups created; " in out
    assert "0 enrolments created, 1 updated" in out
    existing.refresh_from_db()
    assert (existing.person.full_name, existing.assessor.staff_id) == ("New Name", "AS1")
    assert Enrolment.objects.filter(person=nqsw).count() == 1


@pytest.mark.django_db
def test_ou_trainee_starting_the_asye_ends_the_placement(tmp_path, worthing):
    placement = factories.TraineeEnrolmentFactory(
        person__staff_id="OU1",
        practice_group=worthing,
        programme=Enrolment.Programme.OU_BA,
        asye_start=date(2027, 1, 4),
    )
    assessor = factories.PersonFactory(role=Person.Role.ASSESSOR)
    person = placement.person

    code, out, _ = run_command(
        tmp_path,
        csv_text(
            f"OU1,{person.full_name},{person.email},nqsw,CAI,,Worthing CA&I,04/01/2027,,"
            f"{assessor.staff_id}"
        ),
    )

    assert code == 0, out
    assert "1 enrolments created, 1 updated" in out
    placement.refresh_from_db()
    assert (placement.status, placement.end_date) == ("passed", date(2027, 1, 3))
    asye = Enrolment.objects.current().get(person=person)
    assert (asye.kind, asye.asye_start, asye.assessor) == ("asye", date(2027, 1, 4), assessor)
    assert (asye.cohort.intake, asye.cohort.start_date) == ("january", date(2027, 1, 1))
    person.refresh_from_db()
    assert person.role == "nqsw"


@pytest.mark.django_db
def test_file_written_by_hand_is_read_leniently(tmp_path):
    # A BOM, columns in another order, padding, the guidance's spelling of the services,
    # UK dates, upper-case roles, Windows line ends and a blank line at the end.
    header = (
        "full_name , staff_id,email,role,service,office,practice_group,asye_start,"
        "programme,assessor_staff_id"
    )
    rows = [
        " Asha Khan , AS1 ,as1@example.org,Assessor,ca&i,,,,,",
        "Nina Shah,NQ1,nq1@example.org, NQSW ,CA&I, Worthing ,Worthing CA&I, 07/09/2026 ,,as1",
        "Fay Wood,NQ2,nq2@example.org,nqsw,FS&P,Crawley,Crawley FS&P,2026-09-07,,AS1",
        ",,,,,,,,,",
    ]
    text = "\ufeff" + "\r\n".join([header, *rows]) + "\r\n\r\n"

    code, out, err = run_command(tmp_path, text)

    assert (code, err) == (0, "")
    nina = Person.objects.get(staff_id="NQ1")
    assert (nina.full_name, nina.role, nina.service.code) == ("Nina Shah", "nqsw", "CAI")
    enrolment = nina.enrolments.get()
    assert (enrolment.asye_start, enrolment.assessor.staff_id) == (date(2026, 9, 7), "AS1")
    assert PracticeGroup.objects.get(name="Crawley FS&P").service.code == "FSP"


@pytest.mark.django_db
def test_dry_run_reports_and_saves_nothing(tmp_path):
    before = snapshot()

    code, out, _ = run_command(tmp_path, csv_text(*GOOD), "--dry-run")

    assert code == 0
    assert "Dry run" in out and "7 people created" in out
    assert snapshot() == before


def test_report_reads_as_a_sentence():
    report = importing.ImportReport(
        people_created=3,
        people_updated=1,
        groups_created=2,
        enrolments_created=2,
        enrolments_updated=0,
    )
    assert str(report) == (
        "3 people created, 1 updated; 2 practice groups created; 2 enrolments created, "
        "0 updated; 3 invitations to set a password"
    )


# Invitations (issue 10 item 11) ----------------------------------------------------------


@pytest.mark.django_db
def test_import_invites_each_new_person_once(tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        code, out, _ = run_command(tmp_path, csv_text(*GOOD))
    assert code == 0 and "7 invitations to set a password" in out

    emails = [row.split(",")[2] for row in GOOD]
    assert sorted(message.to[0] for message in mail.outbox) == sorted(emails)
    for message in mail.outbox:
        # Outside a request the links point at settings.ACADEMY_URL.
        assert "http://localhost:8000/accounts/password/set/" in message.body
    assert not any(user.has_usable_password() for user in get_user_model().objects.all())

    # Importing the file again updates the same people: nobody is invited twice.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        code, out, _ = run_command(tmp_path, csv_text(*GOOD))
    assert code == 0 and "0 people created, 7 updated" in out
    assert mail.outbox == []


@pytest.mark.django_db
def test_import_invitation_link_sets_the_password(
    tmp_path, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run_command(tmp_path, csv_text(*GOOD))
    (message,) = [m for m in mail.outbox if m.to == ["nq1@example.org"]]
    path = re.search(r"http://localhost:8000(/accounts/password/set/\S+/)", message.body)[1]
    form_url = client.get(path).url
    client.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    response = client.post(reverse("login"), {"username": "nq1", "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("home")


@pytest.mark.django_db
def test_dry_run_sends_no_invitation(tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        code, out, _ = run_command(tmp_path, csv_text(*GOOD), "--dry-run")
    assert code == 0 and "7 invitations" in out
    assert callbacks == [] and mail.outbox == []


@pytest.mark.django_db
def test_rejected_file_sends_no_invitation(tmp_path, django_capture_on_commit_callbacks):
    bad = "NQ9,Nia Bad,nq9@example.org,nqws,CAI,Worthing,Worthing CA&I,2026-09-07,,"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        code, _, _ = run_command(tmp_path, csv_text(*GOOD, bad))
    assert code == 2
    assert callbacks == [] and mail.outbox == []


# One test per kind of bad row ------------------------------------------------------------


@pytest.mark.django_db
def test_unknown_role(tmp_path):
    assert_rejected(
        tmp_path,
        csv_text(*STAFF, "NQ1,Nina Shah,nq1@example.org,nqws,CAI,Worthing,Worthing CA&I,,,"),
        "row 5, column role: unknown role 'nqws' (expected one of nqsw, trainee, grade10",
    )


@pytest.mark.django_db
def test_bad_date(tmp_path):
    assert_rejected(
        tmp_path,
        csv_text(
            *STAFF,
            "NQ1,Nina Shah,nq1@example.org,nqsw,CAI,Worthing,Worthing CA&I,2026-13-01,,AS1",
        ),
        "row 5, column asye_start: '2026-13-01' is not a date",
    )


@pytest.mark.django_db
def test_missing_asye_start_for_an_nqsw(tmp_path):
    assert_rejected(
        tmp_path,
        csv_text(*STAFF, "NQ1,Nina Shah,nq1@example.org,nqsw,CAI,Worthing,Worthing CA&I,,,AS1"),
        "row 5, column asye_start: an nqsw needs the date their ASYE starts",
    )


@pytest.mark.django_db
def test_unknown_assessor(tmp_path):
    assert_rejected(
        tmp_path,
        csv_text(
            *STAFF,
            "NQ1,Nina Shah,nq1@example.org,nqsw,CAI,Worthing,Worthing CA&I,2026-09-07,,NOPE",
        ),
        "row 5, column assessor_staff_id: unknown assessor 'NOPE'",
    )


@pytest.mark.django_db
def test_assessor_who_is_the_groups_pm_in_the_database(tmp_path, worthing):
    pm = worthing.practice_manager
    err = assert_rejected(
        tmp_path,
        csv_text(
            "NQ1,Nina Shah,nq1@example.org,nqsw,CAI,Worthing,Worthing CA&I,2026-09-07,,PMDB",
        ),
        "row 2, column assessor_staff_id: ASSESSOR-INDEPENDENT",
    )
    assert "PMDB" in err and pm.full_name in err and "Nina Shah" in err


@pytest.mark.django_db
def test_assessor_who_is_the_groups_pm_on_a_later_row(tmp_path):
    err = assert_rejected(
        tmp_path,
        csv_text(
            "NQ1,Nina Shah,nq1@example.org,nqsw,CAI,Worthing,Worthing CA&I,2026-09-07,,PM1",
            *STAFF,
        ),
        "row 2, column assessor_staff_id: ASSESSOR-INDEPENDENT",
    )
    assert "PM1" in err and "Priya Patel" in err and "Nina Shah" in err


@pytest.mark.django_db
def test_new_pm_in_the_file_frees_the_old_one_to_assess(tmp_path, worthing):
    # The file replaces the group's PM, so the old PM is independent of the team now.
    code, _, err = run_command(
        tmp_path,
        csv_text(
            "NQ1,Nina Shah,nq1@example.org,nqsw,CAI,Worthing,Worthing CA&I,2026-09-07,,PMDB",
            "PM2,Pat New,pm2@example.org,practice_manager,CAI,Worthing,Worthing CA&I,,,",
        ),
    )
    assert (code, err) == (0, "")
    worthing.refresh_from_db()
    assert worthing.practice_manager.staff_id == "PM2"


@pytest.mark.django_db
def test_new_pm_who_assesses_someone_in_the_group(tmp_path, worthing):
    # ASSESSOR-INDEPENDENT also holds for enrolments that are not in the file.
    enrolment = factories.EnrolmentFactory(practice_group=worthing)
    assessor = enrolment.assessor
    # The file gives nobody a practice manager's role: an administrator did, in the admin.
    Person.objects.filter(pk=assessor.pk).update(role=Person.Role.PRACTICE_MANAGER)
    assert_rejected(
        tmp_path,
        csv_text(
            f"{assessor.staff_id},{assessor.full_name},{assessor.email},practice_manager,CAI,"
            "Worthing,Worthing CA&I,,,"
        ),
        "row 2, column practice_group: ASSESSOR-INDEPENDENT",
    )


@pytest.mark.django_db
def test_assessor_who_is_the_person(tmp_path):
    assert_rejected(
        tmp_path,
        csv_text(
            *STAFF,
            "NQ1,Nina Shah,nq1@example.org,nqsw,CAI,Worthing,Worthing CA&I,2026-09-07,,nq1",
        ),
        "row 5, column assessor_staff_id: ASSESSOR-INDEPENDENT: Nina Shah (NQ1) cannot assess",
    )


@pytest.mark.django_db
def test_assessor_who_is_not_qualified(tmp_path):
    assert_rejected(
        tmp_path,
        csv_text(
            *STAFF,
            "TR1,Tom Reed,tr1@example.org,trainee,CAI,Worthing,Worthing CA&I,,OU_BA,",
            "NQ1,Nina Shah,nq1@example.org,nqsw,CAI,Worthing,Worthing CA&I,2026-09-07,,TR1",
        ),
        "row 6, column assessor_staff_id: Tom Reed (TR1) is a trainee social worker and "
        "cannot be an assessor",
    )


@pytest.mark.django_db
def test_assessor_on_a_staff_row(tmp_path):
    assert_rejected(
        tmp_path,
        csv_text(*STAFF, "G10,Grace Hill,g10@example.org,grade10,CAI,,,,,AS1"),
        "row 5, column assessor_staff_id: only nqsw and trainee rows have an assessor",
    )


@pytest.mark.django_db
def test_duplicate_staff_id(tmp_path):
    assert_rejected(
        tmp_path,
        csv_text(*STAFF, "as1,Ann Other,ann@example.org,social_worker,CAI,,,,,"),
        "row 5, column staff_id: staff id as1 is already on row 4 (Asha Khan)",
    )


@pytest.mark.django_db
def test_bad_staff_id(tmp_path):
    assert_rejected(
        tmp_path,
        csv_text(*STAFF, "S 1,Ann Other,ann@example.org,social_worker,CAI,,,,,"),
        "row 5, column staff_id: 'S 1': A staff id is letters, digits and hyphens",
    )


@pytest.mark.django_db
def test_duplicate_email_in_the_file(tmp_path):
    assert_rejected(
        tmp_path,
        csv_text(*STAFF, "SW1,Ann Other,AS1@example.org,social_worker,CAI,,,,,"),
        "row 5, column email: email AS1@example.org is already on row 4 (Asha Khan, AS1)",
    )


@pytest.mark.django_db
def test_email_of_someone_else_in_the_database(tmp_path):
    other = factories.PersonFactory(staff_id="X1", email="taken@example.org")
    assert_rejected(
        tmp_path,
        csv_text(*STAFF, "SW1,Ann Other,taken@example.org,social_worker,CAI,,,,,"),
        f"row 5, column email: email taken@example.org already belongs to {other.full_name} "
        "(staff id X1)",
    )


@pytest.mark.django_db
def test_invalid_email(tmp_path):
    assert_rejected(
        tmp_path,
        csv_text(*STAFF, "SW1,Ann Other,ann.example.org,social_worker,CAI,,,,,"),
        "row 5, column email: 'ann.example.org' is not a valid email address",
    )


@pytest.mark.django_db
def test_programme_on_an_nqsw(tmp_path):
    assert_rejected(
        tmp_path,
        csv_text(
            *STAFF,
            "NQ1,Nina Shah,nq1@example.org,nqsw,CAI,Worthing,Worthing CA&I,2026-09-07,OU_BA,AS1",
        ),
        "row 5, column programme: only trainees have a programme",
    )


@pytest.mark.django_db
def test_missing_programme_for_a_trainee(tmp_path):
    assert_rejected(
        tmp_path,
        csv_text(*STAFF, "TR1,Tom Reed,tr1@example.org,trainee,CAI,Worthing,Worthing CA&I,,,AS1"),
        "row 5, column programme: a trainee needs their programme (OU_BA or CHI_MA)",
    )


@pytest.mark.django_db
def test_unknown_service(tmp_path):
    assert_rejected(
        tmp_path,
        csv_text(
            *STAFF,
            "NQ1,Nina Shah,nq1@example.org,nqsw,ASC,Worthing,Worthing CA&I,2026-09-07,,AS1",
        ),
        "row 5, column service: unknown service 'ASC' (expected CAI, CLA or FSP)",
    )


@pytest.mark.django_db
def test_missing_practice_group_for_an_nqsw(tmp_path):
    assert_rejected(
        tmp_path,
        csv_text(*STAFF, "NQ1,Nina Shah,nq1@example.org,nqsw,CAI,,,2026-09-07,,AS1"),
        "row 5, column practice_group: a newly qualified social worker needs their practice",
    )


@pytest.mark.django_db
def test_group_with_a_conflicting_service_in_the_database(tmp_path, worthing):
    assert_rejected(
        tmp_path,
        csv_text(
            "AS1,Asha Khan,as1@example.org,assessor,CAI,,,,,",
            "NQ1,Nina Shah,nq1@example.org,nqsw,FSP,Worthing,Worthing CA&I,2026-09-07,,AS1",
        ),
        "row 3, column practice_group: practice group 'Worthing CA&I' has service CA&I "
        "(in the database), not FS&P",
    )


@pytest.mark.django_db
def test_group_with_a_conflicting_service_earlier_in_the_file(tmp_path):
    assert_rejected(
        tmp_path,
        csv_text(
            *STAFF,
            "NQ1,Nina Shah,nq1@example.org,nqsw,CLA,Worthing,Worthing CA&I,2026-09-07,,AS1",
        ),
        "row 5, column practice_group: practice group 'Worthing CA&I' has service CA&I "
        "(on row 2), not CLA",
    )


@pytest.mark.django_db
def test_group_with_a_conflicting_office(tmp_path, worthing):
    assert_rejected(
        tmp_path,
        csv_text("G10,Grace Hill,g10@example.org,grade10,CAI,Crawley,worthing ca&i,,,"),
        "row 2, column practice_group: practice group 'Worthing CA&I' is in office Worthing "
        "(in the database), not Crawley",
    )


@pytest.mark.django_db
def test_new_group_without_an_office(tmp_path):
    assert_rejected(
        tmp_path,
        csv_text("G10,Grace Hill,g10@example.org,grade10,CAI,,Horsham CLA,,,"),
        "row 2, column office: practice group 'Horsham CLA' is new: give its office",
    )


@pytest.mark.django_db
def test_two_practice_managers_for_one_group(tmp_path):
    assert_rejected(
        tmp_path,
        csv_text(
            *STAFF,
            "PM2,Pat New,pm2@example.org,practice_manager,CAI,Worthing,Worthing CA&I,,,",
        ),
        "row 5, column practice_group: practice group 'Worthing CA&I' already has its practice "
        "manager on row 2 (Priya Patel)",
    )


@pytest.mark.django_db
def test_missing_column(tmp_path):
    header = HEADER.replace(",programme", "")
    assert_rejected(
        tmp_path,
        csv_text("AS1,Asha Khan,as1@example.org,assessor,CAI,,,,", header=header),
        "row 1, column programme: missing column",
    )


@pytest.mark.django_db
def test_extra_column(tmp_path):
    assert_rejected(
        tmp_path,
        csv_text("AS1,Asha Khan,as1@example.org,assessor,CAI,,,,,,x", header=HEADER + ",grade"),
        "row 1, column grade: unexpected column 'grade'",
    )


@pytest.mark.django_db
def test_empty_file(tmp_path):
    assert_rejected(tmp_path, "", "row 1, column staff_id: the file is empty")


@pytest.mark.django_db
def test_stray_value_beyond_the_last_column(tmp_path):
    assert_rejected(
        tmp_path,
        csv_text(*STAFF, "SW1,Ann Other,ann@example.org,social_worker,CAI,,,,,,oops"),
        "row 5, column assessor_staff_id: the row has 1 more value(s) than the 10 columns",
    )


@pytest.mark.django_db
def test_every_error_is_reported_with_spreadsheet_row_numbers(tmp_path):
    # A quoted cell with a line break is still one spreadsheet row; a blank line is one too.
    text = csv_text(
        *STAFF,
        '"SW1","Ann\nOther",ann@example.org,socal_worker,CAI,,,,,',
        "",
        "NQ1,Nina Shah,nq1@example.org,nqsw,CAI,Worthing,Worthing CA&I,31/02/2026,,NOPE",
        "TR1,Tom Reed,tr1@example.org,trainee,CAI,Worthing,Worthing CA&I,,MA,AS1",
    )
    err = assert_rejected(
        tmp_path,
        text,
        "row 5, column role: unknown role 'socal_worker'",
        "row 7, column asye_start: '31/02/2026' is not a date",
        "row 7, column assessor_staff_id: unknown assessor 'NOPE'",
        "row 8, column programme: unknown programme 'MA'",
    )
    assert err.index("row 5,") < err.index("row 7,") < err.index("row 8,")
    assert "4 problems" in err


# Reading the file --------------------------------------------------------------------------


@pytest.mark.django_db
def test_missing_file(tmp_path):
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("import_people", str(tmp_path / "nope.csv"), stderr=err)
    assert exit_.value.code == 2
    assert "no such file" in err.getvalue()


@pytest.mark.django_db
def test_file_that_is_not_utf8(tmp_path):
    before = snapshot()
    code, _, err = run_command(
        tmp_path,
        csv_text(*STAFF[:2], "X1,José Pérez,jp@example.org,admin,,,,,,"),
        encoding="latin-1",
    )
    assert code == 2
    assert "not UTF-8" in err
    assert snapshot() == before


@pytest.mark.django_db
def test_trainee_row_for_someone_in_the_asye(tmp_path, worthing):
    enrolment = factories.EnrolmentFactory(person__staff_id="NQ9", practice_group=worthing)
    person = enrolment.person
    assert_rejected(
        tmp_path,
        csv_text(
            f"NQ9,{person.full_name},{person.email},trainee,CAI,,Worthing CA&I,,OU_BA,",
        ),
        "row 2, column role: ",
        "has a current ASYE",
    )


@pytest.mark.django_db
def test_model_validation_errors_are_row_errors(tmp_path):
    # Lengths are the model's business: full_clean() reports them under the CSV column.
    long_name = "N" * 151
    assert_rejected(
        tmp_path,
        csv_text(*STAFF, f"SW1,{long_name},sw1@example.org,social_worker,CAI,,,,,"),
        "row 5, column full_name: Ensure this value has at most 150 characters",
    )


@pytest.mark.django_db
def test_header_names_are_read_without_case(tmp_path):
    # academy.csvfiles compares header names as the caseload audit always did.
    code, out, err = run_command(tmp_path, csv_text(*STAFF, header=HEADER.upper()))
    assert (code, err) == (0, "")
    assert "3 people created" in out


def test_a_nul_byte_in_a_cell_exits_2_naming_the_row(db, tmp_path):
    # Issue 15 item 11: on PostgreSQL a NUL reached the database as a DataError (exit 1).
    text = csv_text(
        STAFF[0], "NQ1,Ni\x00na Shah,nq1@example.org,nqsw,CAI,Worthing,Worthing CA&I,,,"
    )
    assert_rejected(tmp_path, text, "row 3, column full_name:", "NUL character")


def test_a_huge_cell_and_an_open_quote_exit_2_on_their_own_rows(db, tmp_path):
    huge = csv_text(*STAFF, "NQ1,Nina," + "x" * 200_000)
    assert_rejected(tmp_path, huge, "row 5, column staff_id: cannot read: a cell is longer")
    quote = csv_text(*STAFF, 'NQ1,"Nina Shah,nq1@example.org,nqsw,CAI,,,,,', STAFF[0])
    assert_rejected(tmp_path, quote, "row 5, column staff_id:", "never closed")


# Privileged roles (issue 15 item 11) -------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin", "practice_manager", "assessor", "ld_officer"])
def test_the_import_never_raises_an_existing_person_to_a_privileged_role(tmp_path, role):
    nqsw = factories.EnrolmentFactory().person
    text = csv_text(f"{nqsw.staff_id},{nqsw.full_name},{nqsw.email},{role},CAI,,,,,")
    label = Person.Role(role).label.lower()
    assert_rejected(tmp_path, text, f"row 2, column role: the import does not give the {label}")
    assert Person.objects.get(pk=nqsw.pk).role == Person.Role.NQSW


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", ["admin", "principal_social_worker", "service_development_lead", "ld_officer"]
)
def test_the_import_gives_a_new_starter_no_role_that_sees_every_cohort(tmp_path, role):
    text = csv_text(f"X1,Xan Doe,x1@example.org,{role},CAI,,,,,")
    err = assert_rejected(tmp_path, text, "row 2, column role: the import does not give")
    assert "(new)" in err and "an administrator gives it in the admin" in err
    assert not Person.objects.filter(staff_id="X1").exists()


@pytest.mark.django_db
def test_someone_who_holds_a_privileged_role_may_be_listed_with_it(tmp_path):
    admin = factories.PersonFactory(role=Person.Role.ADMIN)
    text = csv_text(f"{admin.staff_id},New Name,{admin.email},admin,CAI,,,,,")
    code, out, err = run_command(tmp_path, text)
    assert (code, err) == (0, ""), err
    assert Person.objects.get(pk=admin.pk).full_name == "New Name"
