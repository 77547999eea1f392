"""Importing the starters CSV: people, their practice groups and enrolments, all or nothing.

An administrator exports the year's starters from a spreadsheet, one person a row. They fix
the file and upload it again, so every problem is reported at once, named by spreadsheet row
and column, and a file with any problem changes nothing: the whole import is one transaction
that is rolled back when a single row is wrong. Reading the file, the header, the row numbers
and the all-or-nothing transaction are academy.csvfiles'.

The work is done in passes, so that a row may refer to a person or a practice manager defined
further down the file:

1. check every row on its own (StarterRowForm), then against the others and the database
   (no writes);
2. save offices, practice groups, people, and the groups' practice and group managers;
3. save enrolments (they need the people, the groups and the new practice managers);
4. re-check the groups whose practice manager changed (ASSESSOR-INDEPENDENT against
   enrolments that are in the database but not in the file).

A national file has 20,000 rows and imports in under a minute (issue 17 item 5;
benchmarks/import_people.py): the checks read what they need for the whole file at once and
check each row in memory (csvfiles.model_problems with a Checked: the *_CHECKED below), and
each pass saves its rows in bulk with their history rows, so the queries do not grow with
the rows. The database constraints still back every check.

Each person the import creates gets an invitation email with a set-password link
(academy/invitations.py) once the import commits; a dry run or a rejected file sends none.
"""

from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from functools import partial

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from academy import csvfiles, invitations
from academy.models import Office, Person, PracticeGroup, Service
from cohorts.models import Cohort, Enrolment, PeopleImport, Programme

COLUMNS = (
    "staff_id",
    "full_name",
    "email",
    "role",
    "service",
    "office",
    "practice_group",
    "asye_start",
    "programme",
    "assessor_staff_id",
)
# Columns a file may leave out, read as empty when it does (issue 14): a file without them
# imports exactly as before. `programme` above is a trainee's university course, so the
# early career programme an NQSW runs (the ASYE, the ECDP: cohorts.Programme by name) has
# a column of its own; empty, an NQSW stays on the programme they run, a new one starts
# the ASYE.
OPTIONAL_COLUMNS = ("early_career_programme",)
# The template offered for download: the header and one example row per kind of person.
TEMPLATE_ROWS = (
    "PM1,Priya Patel,priya.patel@example.org,practice_manager,CAI,Worthing,Worthing CA&I,,,",
    "AS1,Asha Khan,asha.khan@example.org,assessor,CAI,,,,,",
    "NQ1,Nina Shah,nina.shah@example.org,nqsw,CAI,Worthing,Worthing CA&I,2026-09-07,,AS1",
    "TR1,Tom Reed,tom.reed@example.org,trainee,FSP,Bognor,Bognor FS&P,,OU_BA,",
)


def template_csv() -> str:
    """A starters CSV to fill in: the header row, then example rows to overwrite."""
    return "\r\n".join([",".join(COLUMNS), *TEMPLATE_ROWS]) + "\r\n"


# People whose academy years are enrolments: they need a team, a service and an enrolment.
ACADEMY_ROLES = frozenset({Person.Role.NQSW, Person.Role.TRAINEE})
MANAGER_ROLES = frozenset({Person.Role.PRACTICE_MANAGER, Person.Role.GROUP_MANAGER})
# Roles that see or decide about other people's records (issue 15 item 11: a file could
# make anyone, an existing NQSW included, an administrator). A file never gives one to
# someone already in the database: an administrator does that in the admin, after which
# the file may list them with it.
PRIVILEGED_ROLES = frozenset(
    {
        *MANAGER_ROLES,
        Person.Role.ASSESSOR,
        Person.Role.SERVICE_DEVELOPMENT_LEAD,
        # Panel members read portfolios (MOD-PANEL): an administrator gives the seat's role.
        Person.Role.ADULT_SERVICES_LEAD,
        Person.Role.EXTERNAL_PANEL_MEMBER,
        Person.Role.PRINCIPAL_SOCIAL_WORKER,
        Person.Role.LD_OFFICER,
        Person.Role.ADMIN,
    }
)
# The roles that see every cohort or run the system are never given by a file, not even to
# a new starter. A new team's practice manager, group manager and assessor may arrive with
# their team (with no password until an administrator sets one).
ADMIN_GIVEN_ROLES = PRIVILEGED_ROLES - MANAGER_ROLES - {Person.Role.ASSESSOR}
# The guidance writes the services with ampersands; spreadsheets follow it.
SERVICE_CODES = {"CAI": "CAI", "CA&I": "CAI", "CLA": "CLA", "FSP": "FSP", "FS&P": "FSP"}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
CHANGE_REASON = "Imported from the starters CSV"
BATCH_SIZE = 1000
# How often the import says how far it has got: each write costs a query (cohorts/tasks.py).
PROGRESS_ROWS = 500
User = get_user_model()
PERSON_FIELDS = ["full_name", "email", "role", "service", "practice_group"]
ENROLMENT_FIELDS = ["cohort", "practice_group", "assessor", "asye_start", "programme"]

# What the import checks for the whole file at once, so that checking a row's models makes
# no query (csvfiles.model_problems). The relations are objects the import holds: loaded
# with the file's people and groups, or saved by this import. Check constraints are
# evaluated in memory. The database constraints still back all of it.
PERSON_CHECKED = csvfiles.Checked(
    held=("user", "service", "practice_group"),
    # staff_id and user (the login is the lower-cased staff id): _check_duplicates, against
    # the file's rows and the database's people and logins; email likewise, case-blind.
    unique=("staff_id", "email", "user"),
    in_memory=True,
)
GROUP_CHECKED = csvfiles.Checked(
    held=("office", "service", "practice_manager", "group_manager"),
    # name: a group the file names is the database's (matched case-blind, _check_groups)
    # or new, so a new one's name is free.
    unique=("name",),
    in_memory=True,
)
ENROLMENT_CHECKED = csvfiles.Checked(
    held=("person", "cohort", "practice_group", "assessor"),
    # cohorts_enrolment_one_current_per_person: the file's people's current enrolments are
    # read at once (_load_database), and a row updates that enrolment, or ends a trainee
    # placement before its ASYE is created, or is an error.
    unique=("one_current_per_person",),
    in_memory=True,
)

# Where a model's validation error belongs in the file, when it is not the column of the same
# name. Constraints are keyed by name without the "<app>_<model>_" prefix; anything else
# falls back to the model's default column.
PERSON_COLUMNS = {
    "user": "staff_id",
    "swe_registration": "role",
    "role_valid": "role",
    "trainee_unregistered": "role",
}
GROUP_COLUMNS = {
    "name": "practice_group",
    "practice_manager": "practice_group",
    "group_manager": "practice_group",
}
ENROLMENT_COLUMNS = {
    "person": "staff_id",
    "cohort": "asye_start",
    "kind": "role",
    "assessor": "assessor_staff_id",
    "status": "role",
    "end_date": "asye_start",
    "kind_valid": "role",
    "status_valid": "role",
    "programme_for_trainees": "programme",
    "asye_has_start": "asye_start",
    "ends_after_start": "asye_start",
    "finished_has_end": "asye_start",
    "not_own_assessor": "assessor_staff_id",
    "one_current_per_person": "role",
}


class StarterRowForm(forms.Form):
    """One row of the starters CSV on its own: a field per column, errors under the column.

    What a row means depends on its role (an NQSW needs an ASYE start, only trainees have a
    programme...), so most columns are optional here and clean() holds the role's rules.
    Checks against other rows and the database are the import's (_PeopleImport).
    """

    staff_id = forms.CharField(error_messages={"required": "a staff id is required"})
    full_name = forms.CharField(error_messages={"required": "a full name is required"})
    email = forms.EmailField(
        error_messages={
            "required": "an email address is required",
            "invalid": "%(value)r is not a valid email address",
        }
    )
    role = forms.CharField(required=False)
    service = forms.CharField(required=False)
    office = forms.CharField(required=False)
    practice_group = forms.CharField(required=False)
    asye_start = forms.CharField(required=False)
    programme = forms.CharField(required=False)
    assessor_staff_id = forms.CharField(required=False)

    def __init__(self, data, *, services):
        super().__init__(data)
        self.services = services  # code -> Service

    def clean_staff_id(self):
        staff_id = self.cleaned_data["staff_id"]
        try:
            Person._meta.get_field("staff_id").run_validators(staff_id)
        except ValidationError as e:
            raise ValidationError(f"{staff_id!r}: {' '.join(e.messages)}") from None
        return staff_id

    def clean_role(self):
        role = self.cleaned_data["role"].lower()
        if role not in Person.Role.values:
            given = f"unknown role {role!r}" if role else "a role is required"
            raise ValidationError(f"{given} (expected one of {', '.join(Person.Role.values)})")
        return role

    def clean_service(self):
        given = self.cleaned_data["service"]
        if not given:
            return None
        service = self.services.get(SERVICE_CODES.get(given.upper()))
        if service is None:
            raise ValidationError(f"unknown service {given!r} (expected CAI, CLA or FSP)")
        return service

    def clean_asye_start(self):
        given = self.cleaned_data["asye_start"]
        if not given:
            return None
        start = _parse_date(given)
        if start is None:
            raise ValidationError(f"{given!r} is not a date (use YYYY-MM-DD or DD/MM/YYYY)")
        return start

    def clean(self):
        """The rules that depend on the row's role (when the role itself is valid)."""
        data = self.data
        role = self.cleaned_data.get("role")
        academy = role in ACADEMY_ROLES
        label = _role_label(role) if role else ""
        if academy and not data["service"]:
            self.add_error("service", f"{_an(label)} needs the service (CAI, CLA or FSP)")
        if academy and not data["practice_group"]:
            self.add_error("practice_group", f"{_an(label)} needs their practice group")

        if data["asye_start"]:
            if self.cleaned_data.get("asye_start") and role and not academy:
                self.add_error(
                    "asye_start", f"only nqsw and trainee rows have an ASYE start, not {label}"
                )
        elif role == Person.Role.NQSW:
            self.add_error("asye_start", "an nqsw needs the date their ASYE starts")

        programme = data["programme"].upper()
        if role == Person.Role.TRAINEE:
            if not programme:
                self.add_error("programme", "a trainee needs their programme (OU_BA or CHI_MA)")
            elif programme not in Enrolment.Programme.values:
                self.add_error(
                    "programme", f"unknown programme {programme!r} (expected OU_BA or CHI_MA)"
                )
        elif programme and role:
            self.add_error(
                "programme", f"only trainees have a programme; must be empty for {_an(label)}"
            )

        if data["assessor_staff_id"] and role and not academy:
            self.add_error(
                "assessor_staff_id",
                f"only nqsw and trainee rows have an assessor, not {_an(label)}",
            )
        return self.cleaned_data


@dataclass
class ImportReport:
    people_created: int = 0
    people_updated: int = 0
    groups_created: int = 0
    offices_created: int = 0
    enrolments_created: int = 0
    enrolments_updated: int = 0
    created: list[Person] = field(default_factory=list, repr=False)

    def counts(self) -> dict[str, int]:
        """The numbers, without the people: what a PeopleImport keeps (ImportReport(**counts))."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "created"}

    def __str__(self):
        return (
            f"{self.people_created} people created, {self.people_updated} updated; "
            f"{self.groups_created} practice groups created; "
            f"{self.enrolments_created} enrolments created, {self.enrolments_updated} updated; "
            f"{self.people_created} invitation{'s' if self.people_created != 1 else ''} "
            "to set a password"
        )


@dataclass
class _Row:
    """One person's row, as written (stripped), plus what the passes make of it."""

    number: int
    staff_id: str
    full_name: str
    email: str
    role: str
    service: str
    office: str
    practice_group: str
    asye_start: str
    programme: str
    assessor_staff_id: str
    early_career_programme: str = ""
    programme_obj: Programme | None = None  # the early career programme the row names
    service_obj: Service | None = None
    start: date | None = None
    person: Person | None = None

    def values(self):
        """The row's cells by column."""
        return {column: getattr(self, column) for column in COLUMNS}

    @property
    def key(self):
        # Usernames are the lower-cased staff id, so S001 and s001 are one person.
        return self.staff_id.lower()


@dataclass
class _Group:
    """A practice group named in the file: the database's, or one the import creates."""

    name: str
    first_row: _Row
    existing: PracticeGroup | None = None
    office: str = ""
    office_from: str = ""
    service: Service | None = None
    service_from: str = ""
    practice_manager: _Row | None = None
    group_manager: _Row | None = None
    instance: PracticeGroup | None = None  # the group, once it is in the database
    new: PracticeGroup | None = None  # the group the import creates, before it is saved
    rows: list[_Row] = field(default_factory=list)


def import_people_csv(
    text, *, today=None, dry_run=False, base_url=None, progress=None
) -> ImportReport:
    """Import the starters CSV; raise csvfiles.CSVRejected with every problem, saving nothing.

    With dry_run the file is checked and saved as usual, then rolled back, so the report
    says what a real import would do. Each new person is emailed an invitation when the
    import commits, its links pointing at base_url (default settings.ACADEMY_URL).

    progress, if given, is called as progress(stage, done, total) as the import goes: stage
    is a PeopleImport.Stage value; while the rows are saved, done and total are None. The
    calls while checking and saving are made inside the import's transaction: a caller that
    writes them down must do so where a rollback cannot undo them (cohorts/tasks.py).
    """
    tell = progress or _no_progress
    records, errors = csvfiles.read_table(text, COLUMNS, optional=OPTIONAL_COLUMNS)
    rows = [_Row(number=record.row, **record.values) for record in records]
    run = _PeopleImport(rows, errors, today=today or timezone.localdate(), progress=tell)
    with csvfiles.all_or_nothing(run.errors, dry_run=dry_run):
        run.check_rows()
        tell(PeopleImport.Stage.SAVING, None, None)
        run.save_people_and_groups()
        run.save_enrolments()
        run.recheck_groups()
        # Registered inside the transaction: a rollback (dry run, bad row) discards it.
        invitations.invite_on_commit(
            run.report.created,
            base_url=base_url or invitations.site_url(),
            progress=partial(tell, PeopleImport.Stage.INVITING),
        )
    return run.report


def _no_progress(stage, done, total):
    pass


def _role_label(role):
    return Person.Role(role).label.lower() if role in Person.Role.values else role


def _an(noun):
    return f"an {noun}" if noun[:1].lower() in "aeiou" else f"a {noun}"


class _PeopleImport:
    def __init__(self, rows, errors, *, today, progress):
        self.rows = rows
        self.progress = progress
        self.errors = errors  # a csvfiles.RowErrors
        self.today = today
        self.report = ImportReport()
        self.by_key = {}  # staff id (lower case) -> first row with it
        self.groups = {}  # group name (lower case) -> _Group
        self.changed_pm = []  # groups whose practice manager this import sets
        self.services = {service.code: service for service in Service.objects.all()}
        self.programmes = {p.name.lower(): p for p in Programme.objects.all()}
        self.cohorts = {}  # (start, programme) -> Cohort.for_start's answer, asked once
        # Saved together at the end of their pass (bulk_create/bulk_update, with history):
        self.new_people = []  # (row, person), the person's user not saved yet
        self.changed_people = []  # (row, person), and the user when its email changes
        self.changed_users = []
        self.new_enrolments = []  # (row, enrolment)
        self.changed_enrolments = []
        self.ended_placements = []

    def error(self, row, column, message):
        self.errors.add(row.number, column, message)

    def ok(self, row):
        return not self.errors.on_row(row.number)

    # Pass 1: checks without writing -------------------------------------------------------

    def check_rows(self):
        total = len(self.rows)
        self.progress(PeopleImport.Stage.CHECKING, 0, total)
        self._load_database()
        for done, row in enumerate(self.rows, 1):
            self._check_fields(row)
            self._check_privilege(row)
            if done % PROGRESS_ROWS == 0:
                self.progress(PeopleImport.Stage.CHECKING, done, total)
        self._check_duplicates()
        self._check_groups()
        self._check_managers()
        for row in self.rows:
            self._check_assessor(row)

    def _load_database(self):
        keys = {row.key for row in self.rows} | {
            row.assessor_staff_id.lower() for row in self.rows if row.assessor_staff_id
        }
        self.db_people = {
            person.staff_id.lower(): person
            for person in Person.objects.annotate(key=Lower("staff_id"))
            .filter(key__in=keys)
            .select_related("user")
        }
        # Each person's current enrolment (one at most: one_current_per_person), read once
        # for the whole file rather than a query a row.
        self.current_enrolments = {
            enrolment.person_id: enrolment
            for enrolment in Enrolment.objects.current()
            .filter(person__in=[person.pk for person in self.db_people.values()])
            .select_related("cohort__programme")
        }
        emails = {row.email.lower() for row in self.rows if row.email}
        self.db_emails = {
            person.email.lower(): person
            for person in Person.objects.annotate(key=Lower("email")).filter(key__in=emails)
        }
        self.usernames = set(
            get_user_model()
            .objects.annotate(key=Lower("username"))
            .filter(key__in=keys)
            .values_list("key", flat=True)
        )
        names = {row.practice_group.lower() for row in self.rows if row.practice_group}
        self.db_groups = {
            group.name.lower(): group
            for group in PracticeGroup.objects.annotate(key=Lower("name"))
            .filter(key__in=names)
            .select_related("office", "service", "practice_manager", "group_manager")
        }

    def _check_fields(self, row):
        row.role = row.role.lower()
        row.programme = row.programme.upper()
        form = StarterRowForm(row.values(), services=self.services)
        for column, messages in form.errors.items():
            for message in messages:
                self.error(row, column, message)
        row.service_obj = form.cleaned_data.get("service")
        row.start = form.cleaned_data.get("asye_start")
        self._check_early_career_programme(row)

    def _check_early_career_programme(self, row):
        given = row.early_career_programme
        if not given:
            return
        if row.role and row.role != Person.Role.NQSW:
            self.error(
                row,
                "early_career_programme",
                "only nqsw rows have an early career programme; must be empty for "
                f"{_an(_role_label(row.role))}",
            )
            return
        row.programme_obj = self.programmes.get(given.lower())
        if row.programme_obj is None:
            names = ", ".join(p.name for p in self.programmes.values())
            self.error(
                row,
                "early_career_programme",
                f"unknown programme {given!r} (expected one of {names})",
            )

    def _check_privilege(self, row):
        if row.role not in PRIVILEGED_ROLES:
            return
        existing = self.db_people.get(row.key)
        if existing is not None and existing.role == row.role:
            return  # they hold it already: the file gives nothing
        if existing is None and row.role not in ADMIN_GIVEN_ROLES:
            return  # a new team's manager or assessor, arriving with the team
        who = f"{existing.full_name}, now {_an(_role_label(existing.role))}" if existing else "new"
        self.error(
            row,
            "role",
            f"the import does not give the {_role_label(row.role)} role ({who}): an "
            "administrator gives it in the admin (People); once they hold it, the file may "
            "list them with it",
        )

    def _check_duplicates(self):
        by_email = {}
        for row in self.rows:
            if row.staff_id:
                first = self.by_key.setdefault(row.key, row)
                if first is not row:
                    self.error(
                        row,
                        "staff_id",
                        f"staff id {row.staff_id} is already on row {first.number} "
                        f"({first.full_name})",
                    )
                elif row.key not in self.db_people and row.key in self.usernames:
                    self.error(
                        row,
                        "staff_id",
                        f"a login named {row.key!r} already exists without this staff id; "
                        "link it in the admin or use another staff id",
                    )
            if row.email:
                first = by_email.setdefault(row.email.lower(), row)
                owner = self.db_emails.get(row.email.lower())
                if first is not row:
                    self.error(
                        row,
                        "email",
                        f"email {row.email} is already on row {first.number} "
                        f"({first.full_name}, {first.staff_id})",
                    )
                elif owner is not None and owner.staff_id.lower() != row.key:
                    self.error(
                        row,
                        "email",
                        f"email {row.email} already belongs to {owner.full_name} "
                        f"(staff id {owner.staff_id})",
                    )

    def _check_groups(self):
        """One office and one service per group, whether it exists or the file creates it."""
        for row in self.rows:
            if not row.practice_group:
                continue
            key = row.practice_group.lower()
            group = self.groups.get(key)
            if group is None:
                existing = self.db_groups.get(key)
                group = self.groups[key] = _Group(
                    name=existing.name if existing else row.practice_group,
                    first_row=row,
                    existing=existing,
                )
                if existing:
                    group.office, group.office_from = existing.office.name, "in the database"
                    group.service, group.service_from = existing.service, "in the database"
            group.rows.append(row)
            if row.office:
                if not group.office:
                    group.office, group.office_from = row.office, f"on row {row.number}"
                elif group.office.lower() != row.office.lower():
                    self.error(
                        row,
                        "practice_group",
                        f"practice group {group.name!r} is in office {group.office} "
                        f"({group.office_from}), not {row.office}",
                    )
            if row.service_obj:
                if not group.service:
                    group.service, group.service_from = row.service_obj, f"on row {row.number}"
                elif group.service != row.service_obj:
                    self.error(
                        row,
                        "practice_group",
                        f"practice group {group.name!r} has service {group.service} "
                        f"({group.service_from}), not {row.service_obj}",
                    )
        for group in self.groups.values():
            if group.existing:
                continue
            if not group.office:
                self.error(
                    group.first_row,
                    "office",
                    f"practice group {group.name!r} is new: give its office",
                )
            if not group.service and not any(row.service for row in group.rows):
                self.error(
                    group.first_row,
                    "service",
                    f"practice group {group.name!r} is new: give its service (CAI, CLA or FSP)",
                )

    def _check_managers(self):
        for row in self.rows:
            if row.role not in MANAGER_ROLES or not row.practice_group:
                continue
            group = self.groups[row.practice_group.lower()]
            attribute = row.role  # "practice_manager" or "group_manager"
            earlier = getattr(group, attribute)
            if earlier is not None and earlier.key != row.key:
                label = _role_label(row.role)
                self.error(
                    row,
                    "practice_group",
                    f"practice group {group.name!r} already has its {label} on row "
                    f"{earlier.number} ({earlier.full_name}); a group has one {label}",
                )
            elif earlier is None:
                setattr(group, attribute, row)

    def _check_assessor(self, row):
        if not row.assessor_staff_id or row.role not in ACADEMY_ROLES:
            return
        key = row.assessor_staff_id.lower()
        in_file, in_db = self.by_key.get(key), self.db_people.get(key)
        if key == row.key:
            self.error(
                row,
                "assessor_staff_id",
                f"ASSESSOR-INDEPENDENT: {row.full_name} ({row.staff_id}) cannot assess themselves",
            )
            return
        if in_file is None and in_db is None:
            self.error(
                row,
                "assessor_staff_id",
                f"unknown assessor {row.assessor_staff_id!r}: not in this file or the database",
            )
            return
        # The file's row wins: this import is about to make it so.
        name = in_file.full_name if in_file else in_db.full_name
        role = in_file.role if in_file else in_db.role
        staff_id = in_file.staff_id if in_file else in_db.staff_id
        group = self.groups.get(row.practice_group.lower()) if row.practice_group else None
        pm_key = None
        if group is not None:
            if group.practice_manager is not None:
                pm_key = group.practice_manager.key
            elif group.existing is not None and group.existing.practice_manager is not None:
                pm_key = group.existing.practice_manager.staff_id.lower()
        if pm_key == key:
            self.error(
                row,
                "assessor_staff_id",
                f"ASSESSOR-INDEPENDENT: {name} ({staff_id}) is the practice manager of "
                f"{group.name}, so cannot assess {row.full_name}",
            )
        elif role in Person.Role.values and role not in Person.QUALIFIED_ROLES:
            self.error(
                row,
                "assessor_staff_id",
                f"{name} ({staff_id}) is {_an(_role_label(role))} and cannot be an assessor "
                "(an assessor is a qualified social worker)",
            )

    # Pass 2: offices, groups, people, managers ---------------------------------------------

    def save_people_and_groups(self):
        offices = self._save_offices()
        new_groups = []
        for group in self.groups.values():
            self._save_group(group, offices, new_groups)
        saved = self._save_all(PracticeGroup, new_groups, "practice_group", create=True)
        for group in self.groups.values():
            if group.instance is None and group.first_row.number in saved:
                group.instance = group.new
                self.report.groups_created += 1
        for row in self.rows:
            if self.ok(row) and self.by_key.get(row.key) is row:
                self._save_person(row)
        self._save_people()
        led_groups = []
        for group in self.groups.values():
            self._save_managers(group, led_groups)
        self._save_all(
            PracticeGroup,
            led_groups,
            "practice_group",
            fields=["practice_manager", "group_manager"],
        )

    def _save_offices(self):
        first_rows = {}  # office name (lower case) -> the first row naming it
        for row in self.rows:
            if row.office:
                first_rows.setdefault(row.office.lower(), row)
        offices = {
            office.name.lower(): office
            for office in Office.objects.annotate(key=Lower("name")).filter(key__in=first_rows)
        }
        for key, row in first_rows.items():
            if key in offices:
                continue
            office = Office(name=row.office)
            if self._valid(office, row, {"name": "office"}, "office") and self._save(
                office, row, "office"
            ):
                offices[key] = office
                self.report.offices_created += 1
        return offices

    def _save_group(self, group, offices, new_groups):
        """The group, if it exists; else check the new one and add it to new_groups."""
        if group.existing is not None:
            group.instance = group.existing
            return
        if group.office.lower() not in offices or not group.service:
            return  # already reported
        instance = PracticeGroup(
            name=group.name, office=offices[group.office.lower()], service=group.service
        )
        if self._valid(
            instance, group.first_row, GROUP_COLUMNS, "practice_group", checked=GROUP_CHECKED
        ):
            instance._change_reason = CHANGE_REASON
            group.new = instance
            new_groups.append((group.first_row, instance))

    def _group_of(self, row):
        return self.groups[row.practice_group.lower()] if row.practice_group else None

    def _save_person(self, row):
        group = self._group_of(row)
        if group is not None and group.instance is None:
            return  # the group could not be made; that is reported on its row
        person = self.db_people.get(row.key)
        creating = person is None
        if creating:
            user = get_user_model()(username=row.key, email=row.email)
            user.set_unusable_password()
            person = Person(user=user, staff_id=row.staff_id)
        # Managers lead groups through the group; NQSWs and trainees are placed through their
        # enrolment. Only the other staff belong to a group through their own record.
        own_group = None
        if group is not None and row.role not in MANAGER_ROLES | ACADEMY_ROLES:
            own_group = group.instance
        changed = _assign(
            person,
            full_name=row.full_name,
            email=row.email,
            role=row.role,
            service=row.service_obj,
            practice_group=own_group,
        )
        exclude = ["user"] if creating else []
        if not self._valid(
            person, row, PERSON_COLUMNS, "staff_id", exclude=exclude, checked=PERSON_CHECKED
        ):
            return
        person._change_reason = CHANGE_REASON
        row.person = person
        if creating:
            self.new_people.append((row, person))
            return
        if person.user.email != row.email:
            person.user.email = row.email
            self.changed_users.append((row, person.user))
        if changed:
            self.changed_people.append((row, person))
        self.report.people_updated += 1

    def _save_people(self):
        """The people pass 2 checked, in bulk: new users and people, then the changes."""
        users = [(row, person.user) for row, person in self.new_people]
        saved = self._save_all(User, users, "staff_id", create=True)
        for row, _person in self.new_people:
            if row.number not in saved:
                row.person = None
        new_people = [(row, p) for row, p in self.new_people if row.number in saved]
        saved = self._save_all(Person, new_people, "staff_id", create=True)
        for row, person in new_people:
            if row.number in saved:
                self.report.people_created += 1
                self.report.created.append(person)
            else:
                row.person = None
        self._save_all(User, self.changed_users, "email", fields=["email"])
        self._save_all(Person, self.changed_people, "staff_id", fields=PERSON_FIELDS)

    def _save_managers(self, group, led_groups):
        """Set the group's managers from the file; add it to led_groups if they change."""
        if group.instance is None:
            return
        changed = {}
        for attribute in ("practice_manager", "group_manager"):
            row = getattr(group, attribute)
            if row is None or row.person is None:
                continue
            if getattr(group.instance, f"{attribute}_id") != row.person.pk:
                changed[attribute] = row
                setattr(group.instance, attribute, row.person)
        if not changed:
            return
        # PracticeGroup.clean() checks the new PM against the group's enrolments; those may
        # be about to change in this file, so it runs after the enrolments (recheck_groups).
        row = next(iter(changed.values()))
        if self._valid(
            group.instance,
            row,
            GROUP_COLUMNS,
            "practice_group",
            run_clean=False,
            checked=GROUP_CHECKED,
        ):
            group.instance._change_reason = CHANGE_REASON
            led_groups.append((row, group.instance))
        if "practice_manager" in changed:
            self.changed_pm.append(group)

    # Pass 3: enrolments ----------------------------------------------------------------------

    def save_enrolments(self):
        for row in self.rows:
            if row.role in ACADEMY_ROLES and self.ok(row) and row.person is not None:
                self._save_enrolment(row)
        # Ended placements first: one_current_per_person holds after every statement.
        self._save_all(Enrolment, self.ended_placements, "staff_id", fields=["status", "end_date"])
        self._save_all(Enrolment, self.changed_enrolments, "staff_id", fields=ENROLMENT_FIELDS)
        self._save_all(Enrolment, self.new_enrolments, "staff_id", create=True)

    def _save_enrolment(self, row):
        group = self._group_of(row).instance
        assessor = None
        if row.assessor_staff_id:
            key = row.assessor_staff_id.lower()
            assessor_row = self.by_key.get(key)
            assessor = (assessor_row and assessor_row.person) or self.db_people.get(key)
            if assessor is None:
                return  # the assessor's own row is wrong, and says so
        kind = Enrolment.Kind.ASYE if row.role == Person.Role.NQSW else Enrolment.Kind.TRAINEE
        current = self.current_enrolments.get(row.person.pk) if row.person.pk else None

        if current is not None and current.kind != kind:
            if current.kind == Enrolment.Kind.TRAINEE and kind == Enrolment.Kind.ASYE:
                if not self._end_placement(current, row):
                    return
                current = None
            else:
                self.error(
                    row,
                    "role",
                    f"{row.full_name} has a current {current.get_kind_display()} "
                    f"({current.cohort}); a trainee row cannot replace it",
                )
                return

        creating = current is None
        enrolment = current or Enrolment(person=row.person, kind=kind)
        # The programme the row names; else the one the NQSW runs; else the ASYE (None).
        programme = row.programme_obj
        if programme is None and current is not None and kind == Enrolment.Kind.ASYE:
            programme = current.cohort.programme
        if row.start is not None:
            cohort = self._cohort_for(row.start, programme)
        elif creating:
            cohort = self._cohort_for(self.today, None)
        else:
            # A trainee placement with no ASYE date yet stays in the intake it began in.
            cohort = enrolment.cohort
        changed = _assign(
            enrolment,
            cohort=cohort,
            practice_group=group,
            assessor=assessor,
            asye_start=row.start,
            programme=row.programme if kind == Enrolment.Kind.TRAINEE else "",
        )
        if not self._valid(
            enrolment, row, ENROLMENT_COLUMNS, "staff_id", checked=ENROLMENT_CHECKED
        ):
            return
        enrolment._change_reason = CHANGE_REASON
        if creating:
            self.new_enrolments.append((row, enrolment))
            self.report.enrolments_created += 1
        else:
            if changed:
                self.changed_enrolments.append((row, enrolment))
            self.report.enrolments_updated += 1

    def _cohort_for(self, start, programme):
        key = (start, programme.pk if programme else None)
        if key not in self.cohorts:
            self.cohorts[key] = Cohort.for_start(start, programme)
        return self.cohorts[key]

    def _end_placement(self, placement, row):
        """An OU trainee starting the ASYE: the placement ends the day before it starts."""
        placement.status = Enrolment.Status.PASSED
        placement.end_date = row.start - timedelta(days=1)
        if not self._valid(
            placement, row, ENROLMENT_COLUMNS, "staff_id", checked=ENROLMENT_CHECKED
        ):
            return False
        placement._change_reason = "Trainee placement ended: ASYE starts (starters CSV)"
        self.ended_placements.append((row, placement))
        self.report.enrolments_updated += 1
        return True

    # Pass 4 ---------------------------------------------------------------------------------

    def recheck_groups(self):
        """ASSESSOR-INDEPENDENT for a new PM against every enrolment now in their group."""
        for group in self.changed_pm:
            if group.existing is None:
                # A group this import creates holds only the file's enrolments, whose
                # assessors _check_assessor has held to ASSESSOR-INDEPENDENT against the
                # file's PM, and that PM's row has the practice manager role (not ASWP-ROLE):
                # its clean() has nothing left to find, and would cost a query a group.
                continue
            try:
                group.instance.clean()
            except ValidationError as e:
                for message in e.messages:
                    self.error(group.practice_manager, "practice_group", message)

    # Helpers ------------------------------------------------------------------------------

    def _valid(self, instance, row, columns, default, *, exclude=(), run_clean=True, checked=None):
        """full_clean(), with every problem reported on the row under its CSV column."""
        problems = csvfiles.model_problems(
            instance, exclude=exclude, run_clean=run_clean, checked=checked
        )
        for name, message in problems:
            column = columns.get(name, name if name in COLUMNS else default)
            self.error(row, column, message)
        return not problems

    def _save_all(self, model, pairs, column, *, create=False, fields=()):
        """Save the (row, instance) pairs in bulk, with their history rows; the numbers of
        the rows saved. If the database refuses the batch (a clash the checks could not
        see: another import running at the same moment), each is saved on its own, so that
        the clash is a row error as it would be saving a row at a time."""
        if not pairs:
            return set()
        instances = [instance for _, instance in pairs]
        history = hasattr(model, "history")
        try:
            with transaction.atomic():
                if create and history:
                    bulk_create_with_history(instances, model, batch_size=BATCH_SIZE)
                elif create:
                    model.objects.bulk_create(instances, batch_size=BATCH_SIZE)
                elif history:
                    bulk_update_with_history(instances, model, fields, batch_size=BATCH_SIZE)
                else:
                    model.objects.bulk_update(instances, fields, batch_size=BATCH_SIZE)
        except IntegrityError:
            if create:
                for instance in instances:
                    instance.pk = None
                    instance._state.adding = True
            return {row.number for row, instance in pairs if self._save(instance, row, column)}
        return {row.number for row, _ in pairs}

    def _save(self, instance, row, column):
        # A savepoint per save, so that a clash the checks could not see (another import
        # running at the same moment) becomes a row error instead of a broken transaction.
        try:
            with transaction.atomic():
                instance.save()
        except IntegrityError as e:
            self.error(row, column, f"could not be saved: {e}")
            return False
        return True


def _assign(instance, **values):
    """Set the values; True if any of them changed."""
    changed = False
    for name, value in values.items():
        model_field = instance._meta.get_field(name)
        # Relations compare by id: reading an unset required relation raises.
        if model_field.is_relation:
            old, new = getattr(instance, model_field.attname), value.pk if value else None
        else:
            old, new = getattr(instance, name), value
        if old != new:
            changed = True
        setattr(instance, name, value)
    return changed


def _parse_date(text):
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    return None
