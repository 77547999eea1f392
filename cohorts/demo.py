"""A believable demo academy, dated relative to `today` (`manage.py seed_demo`).

The builder is a few small steps (organisation, people, enrolments, extension), each
returning what the later steps need. `build(today)` runs them in one transaction and returns
the key people, so that later features can add their own `<app>/demo.py` step (caseloads,
supervision, assessment, moderation) that the command calls with those people.

Every name is fictional and fixed, so two runs give the same rows: people are keyed on their
staff id, logins on their username, offices and groups on their names, enrolments on their
person. A second run changes nothing and so writes no history rows.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from academy.models import Office, Person, PracticeGroup, Service
from cohorts.models import Cohort, Enrolment, Extension, ProgrammePoint
from cohorts.models import Programme as ProgrammeRun
from cohorts.services import record_extension

DEMO_PASSWORD = "asye-demo"
EMAIL_DOMAIN = "demo.asye.invalid"

Role = Person.Role
Programme = Enrolment.Programme


# --- The academy calendar ------------------------------------------------------------------


def new_year_bank_holidays(year: int) -> set[date]:
    """New Year's Day in England, with its substitute Monday when it falls at a weekend."""
    new_year = date(year, 1, 1)
    holidays = {new_year}
    if new_year.weekday() == 5:
        holidays.add(date(year, 1, 3))
    elif new_year.weekday() == 6:
        holidays.add(date(year, 1, 2))
    return holidays


def first_working_day(year: int, month: int) -> date:
    """The first weekday of the month that is not a bank holiday (September has none)."""
    day = date(year, month, 1)
    closed = new_year_bank_holidays(year) if month == 1 else set()
    while day.weekday() >= 5 or day in closed:
        day += timedelta(days=1)
    return day


@dataclass(frozen=True)
class AcademyCalendar:
    """The academy year around `today`: its September start and the January starts."""

    today: date
    september_start: date
    january_start: date
    next_january_start: date

    @classmethod
    def around(cls, today: date) -> "AcademyCalendar":
        year = today.year if today.month >= 9 else today.year - 1
        return cls(
            today=today,
            september_start=first_working_day(year, 9),
            january_start=first_working_day(year + 1, 1),
            next_january_start=first_working_day(year + 2, 1),
        )

    @property
    def ou_qualified(self) -> bool:
        """The year's OU trainees qualified in December and began their ASYE in January."""
        return self.today >= self.january_start


# --- The people ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    staff_id: str
    full_name: str
    username: str = ""  # a fixed demo login; everyone else signs in as their staff id


@dataclass(frozen=True)
class Group:
    name: str
    office: str
    service: str
    practice_manager: Member
    grade10: Member


# Staff outside the academy teams, by the key `build` returns them under.
STAFF = {
    "admin": (Member("D0001", "Gareth Lloyd", "admin.demo"), Role.ADMIN, None),
    "chair": (
        Member("D0002", "Margaret Ellison", "chair.demo"),
        Role.PRINCIPAL_SOCIAL_WORKER,
        None,
    ),
    "deputy_chair": (
        Member("D0003", "Anita Chauhan", "sdl.demo"),
        Role.SERVICE_DEVELOPMENT_LEAD,
        None,
    ),
    "ld_officer": (Member("D0004", "Paul Redmond", "ld.demo"), Role.LD_OFFICER, None),
    "assessor": (Member("D0005", "Helen Marsh", "assessor.demo"), Role.ASSESSOR, None),
    "assessor_2": (Member("D0006", "Simon Fairweather"), Role.ASSESSOR, None),
    "assessor_3": (Member("D0007", "Bernadette Quinn"), Role.ASSESSOR, None),
    "aswp": (Member("D0023", "Yvonne Castle"), Role.ASWP, "FSP"),
    "social_worker_cai": (Member("D0024", "Chloe Hartley"), Role.SOCIAL_WORKER, "CAI"),
    "social_worker_cla": (Member("D0025", "Femi Adeyemi"), Role.SOCIAL_WORKER, "CLA"),
    "social_worker_fsp": (Member("D0026", "Graham Tully"), Role.SOCIAL_WORKER, "FSP"),
}
ASSESSOR_KEYS = ["assessor", "assessor_2", "assessor_3"]

# One group manager per service.
GROUP_MANAGERS = {
    "CAI": Member("D0008", "Richard Okafor", "gm.demo"),
    "CLA": Member("D0009", "Angela Forsyth"),
    "FSP": Member("D0010", "Marcus Bennett"),
}

GROUPS = [
    Group(
        "Worthing CA&I academy",
        "Worthing",
        "CAI",
        Member("D0011", "Joanna Pritchard", "pm.demo"),
        Member("D0017", "Claire Dunmore"),
    ),
    Group(
        "Bognor FS&P academy",
        "Bognor",
        "FSP",
        Member("D0012", "Nadia Rahman"),
        Member("D0018", "Ian Whitlock"),
    ),
    Group(
        "Crawley CLA academy",
        "Crawley",
        "CLA",
        Member("D0013", "Stuart Kerr"),
        Member("D0019", "Sophie Carver"),
    ),
    Group(
        "Horsham CA&I academy",
        "Horsham",
        "CAI",
        Member("D0014", "Fiona Gallagher"),
        Member("D0020", "Kwame Mensah"),
    ),
    Group(
        "Crawley FS&P academy",
        "Crawley",
        "FSP",
        Member("D0015", "Owen Price"),
        Member("D0021", "Rachel Penrose"),
    ),
    Group(
        "Bognor CLA academy",
        "Bognor",
        "CLA",
        Member("D0016", "Lucy Brennan"),
        Member("D0022", "Daniel Moss"),
    ),
]
DEMO_GROUP = GROUPS[0].name  # pm.demo's team: nqsw.demo and trainee.demo work here

# The September cohort: (member, group, days after the September start they began).
SEPTEMBER_NQSWS = [
    (Member("D0031", "Priya Sandhu", "nqsw.demo"), "Worthing CA&I academy", 0),
    (Member("D0032", "Jack Harrington"), "Worthing CA&I academy", 0),
    (Member("D0033", "Amelia Stone"), "Worthing CA&I academy", 0),
    (Member("D0034", "Ruth Osei"), "Worthing CA&I academy", 0),
    (Member("D0035", "Callum Reid"), "Worthing CA&I academy", 7),
    (Member("D0036", "Hannah Doyle"), "Bognor FS&P academy", 0),
    (Member("D0037", "Liam Fletcher"), "Bognor FS&P academy", 0),
    (Member("D0038", "Zara Hussain"), "Bognor FS&P academy", 0),
    (Member("D0039", "Megan Powell"), "Bognor FS&P academy", 0),
    (Member("D0040", "Ellie Morgan"), "Crawley CLA academy", 0),
    (Member("D0041", "Josh Turner"), "Crawley CLA academy", 0),
    (Member("D0042", "Aisha Begum"), "Crawley CLA academy", 0),
    (Member("D0043", "Rhys Evans"), "Crawley CLA academy", 14),
    (Member("D0044", "Georgia Blake"), "Horsham CA&I academy", 0),
    (Member("D0045", "Sam Whitaker"), "Horsham CA&I academy", 0),
    (Member("D0046", "Bethany Cole"), "Horsham CA&I academy", 0),
    (Member("D0047", "Tariq Aziz"), "Horsham CA&I academy", 14),
    (Member("D0048", "Lauren Fisher"), "Crawley FS&P academy", 0),
    (Member("D0049", "Nathan Okoro"), "Crawley FS&P academy", 0),
    (Member("D0050", "Katie Sinclair"), "Crawley FS&P academy", 0),
    (Member("D0051", "Imogen Hale"), "Crawley FS&P academy", 0),
    (Member("D0052", "Olivia Grant"), "Bognor CLA academy", 0),
    (Member("D0053", "Connor Walsh"), "Bognor CLA academy", 7),
    (Member("D0054", "Jasmine Kaur"), "Bognor CLA academy", 0),
]
# On maternity leave from the autumn: her ASYE is extended (EXT-1, MONTH-2).
EXTENDED_NQSW = "D0033"

# The year's trainees. Chichester MA students are on their final placement; OU students
# finished studying in the summer, qualify in December and begin the ASYE in January.
TRAINEES = [
    (Member("D0061", "Tom Ashworth", "trainee.demo"), "Worthing CA&I academy", Programme.CHI_MA),
    (Member("D0062", "Freya Lawson"), "Crawley CLA academy", Programme.CHI_MA),
    (Member("D0063", "Adam Kowalski"), "Bognor FS&P academy", Programme.CHI_MA),
    (Member("D0064", "Leanne Dawson"), "Horsham CA&I academy", Programme.OU_BA),
    (Member("D0065", "Mark Gibbons"), "Crawley FS&P academy", Programme.OU_BA),
    (Member("D0066", "Sian Roberts"), "Bognor CLA academy", Programme.OU_BA),
]
# Once the year's OU trainees have become NQSWs (January to August), next year's OU
# students are on their final placement, so the academy still has trainees of both kinds.
NEXT_OU_TRAINEES = [
    (Member("D0067", "Kerry Naylor"), "Horsham CA&I academy"),
    (Member("D0068", "Dean Fowler"), "Crawley FS&P academy"),
    (Member("D0069", "Abigail Shaw"), "Bognor CLA academy"),
]

# The two-year early career development programme's pilot (issue 14): a small cohort from
# January 2027 beside the ASYE, assessed against the sample placeholder framework
# (assessment/sample_frameworks, loaded by assessment.demo), not the real standards.
ECDP = "ECDP"
ECDP_PILOT_START = date(2027, 1, 4)  # the first working day of January 2027
ECDP_PILOT = [
    (Member("D0091", "Maya Lindqvist", "ecdp.demo"), "Worthing CA&I academy"),
    (Member("D0092", "Owen Hargreaves"), "Crawley CLA academy"),
]
# (month due, label, optional, moderated); the final review at month 24's end, moderated.
# The pilot's points are the demo's own choice, not the programme's published ones.
ECDP_POINTS = [
    (4, "3-month review", False, False),
    (7, "6-month review", False, True),
    (13, "12-month review", False, True),
    (19, "18-month review", False, False),
]
ECDP_SOURCE = (
    "Demo pilot of the early career development programme: 24 months; reviews at 3, 6, 12 "
    "and 18 months (6 and 12 moderated) are the demo's placeholders, to be set from the "
    "programme's published requirements."
)

# --- Writing rows without needless saves ---------------------------------------------------


def _put(model: type[Model], lookup: dict, values: dict, *, validate: bool = True) -> Model:
    """The row matching `lookup`, created or changed so that its fields equal `values`.

    Like update_or_create, but it saves (after full_clean) only when something differs, so
    running the demo again writes no history rows.
    """
    obj = model._default_manager.filter(**lookup).order_by("pk").first()
    if obj is None:
        obj = model(**lookup, **values)
    else:
        changed = False
        for name, value in values.items():
            field = model._meta.get_field(name)
            current = getattr(obj, field.attname)
            wanted = value.pk if field.is_relation and value is not None else value
            if current != wanted:
                setattr(obj, name, value)
                changed = True
        if not changed:
            return obj
    if validate:
        obj.full_clean()
    obj.save()
    return obj


def email_for(full_name: str) -> str:
    first, last = full_name.lower().split(" ", 1)
    return f"{first}.{last.replace(' ', '-')}@{EMAIL_DOMAIN}"


def registration_for(staff_id: str) -> str:
    """A made-up Social Work England number derived from the staff id."""
    return f"SW{900000 + int(staff_id[1:])}"


def login_for(member: Member, *, superuser: bool = False):
    """The member's login: the fixed demo logins get the shared password, others none."""
    first, last = member.full_name.split(" ", 1)
    username = member.username or member.staff_id.lower()
    user = _put(
        get_user_model(),
        {"username": username},
        {
            "first_name": first,
            "last_name": last,
            "email": email_for(member.full_name),
            "is_active": True,
            "is_staff": superuser,
            "is_superuser": superuser,
        },
        validate=False,
    )
    if member.username:
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
    elif user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def person_for(
    member: Member,
    role: str,
    *,
    service: Service | None = None,
    practice_group: PracticeGroup | None = None,
    superuser: bool = False,
) -> Person:
    # Trainees are not yet registered; an administrator or an external panel member (a
    # service user, a university lecturer) is not registered as a social worker here.
    qualified = role not in (Role.TRAINEE, Role.ADMIN, Role.EXTERNAL_PANEL_MEMBER)
    return _put(
        Person,
        {"staff_id": member.staff_id},
        {
            "user": login_for(member, superuser=superuser),
            "full_name": member.full_name,
            "email": email_for(member.full_name),
            "role": role,
            "service": service,
            "practice_group": practice_group,
            "swe_registration": registration_for(member.staff_id) if qualified else "",
        },
    )


# --- The steps -----------------------------------------------------------------------------


def staff(services: dict[str, Service]) -> dict[str, Person]:
    """Everyone outside the academy teams: panel, assessors, group managers, others."""
    people = {}
    for key, (member, role, service_code) in STAFF.items():
        people[key] = person_for(
            member,
            role,
            service=services[service_code] if service_code else None,
            superuser=(role == Role.ADMIN),
        )
    for code, member in GROUP_MANAGERS.items():
        people[f"gm_{code.lower()}"] = person_for(
            member, Role.GROUP_MANAGER, service=services[code]
        )
    return people


def organisation(
    services: dict[str, Service], people: dict[str, Person]
) -> dict[str, PracticeGroup]:
    """The four offices and the academy teams, each with its PM, GM and Grade 10/11 SW."""
    offices = {
        name: _put(Office, {"name": name}, {}) for name in sorted({g.office for g in GROUPS})
    }
    groups = {}
    for spec in GROUPS:
        service = services[spec.service]
        pm = person_for(spec.practice_manager, Role.PRACTICE_MANAGER, service=service)
        group = _put(
            PracticeGroup,
            {"name": spec.name},
            {
                "office": offices[spec.office],
                "service": service,
                "practice_manager": pm,
                "group_manager": people[f"gm_{spec.service.lower()}"],
            },
        )
        person_for(spec.grade10, Role.GRADE10, service=service, practice_group=group)
        groups[spec.name] = group
    return groups


def cohorts(calendar: AcademyCalendar) -> dict[str, Cohort]:
    found = {
        "september": Cohort.for_start(calendar.september_start),
        "january": Cohort.for_start(calendar.january_start),
    }
    if calendar.ou_qualified:
        found["next_january"] = Cohort.for_start(calendar.next_january_start)
    return found


def ecdp_programme() -> ProgrammeRun:
    """The 24-month ECDP as an administrator would set it up in the admin (issue 14)."""
    programme = _put(
        ProgrammeRun,
        {"name": ECDP},
        {"length_months": 24, "pcf_applies": False, "move_on_month": None, "source": ECDP_SOURCE},
    )
    for month, label, optional, moderated in ECDP_POINTS:
        _put(
            ProgrammePoint,
            {"programme": programme, "month": month},
            {"label": label, "optional": optional, "moderated": moderated},
        )
    return programme


def ecdp_pilot(people: dict[str, Person]) -> dict[str, Enrolment]:
    """The January 2027 ECDP pilot cohort (issue 14): two NQSWs, one in pm.demo's team,
    on the 24-month programme. seed_demo calls it after `build`, so that the ASYE demo
    `build` makes is the one every feature's demo tests know."""
    ecdp = ecdp_programme()
    groups = {
        group.name: group
        for group in PracticeGroup.objects.filter(name__in=[g for _, g in ECDP_PILOT])
    }
    found = {}
    for member, group_name in ECDP_PILOT:
        group = groups[group_name]
        person = person_for(member, Role.NQSW, service=group.service)
        found[member.staff_id] = _enrol(
            person,
            {
                "cohort": Cohort.for_start(ECDP_PILOT_START, ecdp),
                "kind": Enrolment.Kind.ASYE,
                "programme": "",
                "practice_group": group,
                "assessor": people["assessor"],
                "asye_start": ECDP_PILOT_START,
            },
        )
    return found


def _enrol(person: Person, values: dict) -> Enrolment:
    """One current enrolment per demo person, whatever it held before."""
    held = person.enrolments.current().first() or person.enrolments.order_by("pk").first()
    return _put(
        Enrolment,
        {"pk": held.pk} if held else {"person": person},
        {"status": Enrolment.Status.ACTIVE, "end_date": None, **values},
    )


def enrolments(
    calendar: AcademyCalendar,
    groups: dict[str, PracticeGroup],
    assessors: list[Person],
) -> dict[str, Enrolment]:
    """The NQSWs and trainees, keyed by staff id, with their people.

    Assessors are dealt round in turn; none of them leads a team, so no NQSW is assessed
    by their own PM (ASSESSOR-INDEPENDENT).
    """
    cohort = cohorts(calendar)
    found = {}
    nqsw_count = 0

    def asye(member: Member, group: PracticeGroup, start: date) -> Enrolment:
        nonlocal nqsw_count
        person = person_for(member, Role.NQSW, service=group.service)
        enrolment = _enrol(
            person,
            {
                "cohort": Cohort.for_start(start),
                "kind": Enrolment.Kind.ASYE,
                "programme": "",
                "practice_group": group,
                "assessor": assessors[nqsw_count % len(assessors)],
                "asye_start": start,
            },
        )
        nqsw_count += 1
        return enrolment

    def placement(member: Member, group: PracticeGroup, programme: str, start: date | None):
        person = person_for(member, Role.TRAINEE, service=group.service)
        return _enrol(
            person,
            {
                # OU trainees belong to the January start they are heading for.
                "cohort": Cohort.for_start(start) if start else cohort["september"],
                "kind": Enrolment.Kind.TRAINEE,
                "programme": programme,
                "practice_group": group,
                "assessor": None,
                "asye_start": start,
            },
        )

    for member, group_name, late_days in SEPTEMBER_NQSWS:
        start = calendar.september_start + timedelta(days=late_days)
        found[member.staff_id] = asye(member, groups[group_name], start)

    for member, group_name, programme in TRAINEES:
        group = groups[group_name]
        if programme == Programme.CHI_MA:
            found[member.staff_id] = placement(member, group, programme, None)
        elif calendar.ou_qualified:
            found[member.staff_id] = asye(member, group, calendar.january_start)
        else:
            found[member.staff_id] = placement(member, group, programme, calendar.january_start)

    if calendar.ou_qualified:
        for member, group_name in NEXT_OU_TRAINEES:
            found[member.staff_id] = placement(
                member, groups[group_name], Programme.OU_BA, calendar.next_january_start
            )

    return found


def extension(calendar: AcademyCalendar, enrolment: Enrolment) -> Extension:
    """Maternity leave from the tenth week of the ASYE, 26 weeks long (EXT-1)."""
    first_day = calendar.september_start + timedelta(weeks=10)
    first_day += timedelta(days=-first_day.weekday() % 7)  # the Monday on or after
    last_day = first_day + timedelta(weeks=26, days=-1)
    # Leave is agreed ahead: four weeks before it begins, or today if that is sooner.
    approved_on = min(calendar.today, first_day - timedelta(weeks=4))

    # A run in an earlier academy year left its dates behind: they would move this year's.
    enrolment.extensions.exclude(
        reason=Extension.Reason.MATERNITY, first_day=first_day, last_day=last_day
    ).delete()
    found = enrolment.extensions.first()
    if found is None:
        found = record_extension(
            enrolment=enrolment,
            reason=Extension.Reason.MATERNITY,
            first_day=first_day,
            last_day=last_day,
            approved_by=enrolment.practice_group.practice_manager,
            approved_on=approved_on,
            notes="Ordinary maternity leave, 26 weeks.",
        )
    if found.approved_on != approved_on:
        found.approved_on = approved_on
        found.save(update_fields=["approved_on"])
    return found


@transaction.atomic
def build(today: date | None = None) -> dict[str, Person]:
    """Create or bring up to date the demo academy around `today`; return the key people.

    Keys: admin, chair, deputy_chair, ld_officer, assessor (assessor.demo), assessor_2,
    assessor_3, gm (gm.demo, CA&I), gm_cai, gm_cla, gm_fsp, pm (pm.demo), grade10 (in pm.demo's
    team), aswp, social_worker_cai/cla/fsp, nqsw (nqsw.demo), trainee (trainee.demo) and
    extended_nqsw (on maternity leave, with an approved extension).
    """
    calendar = AcademyCalendar.around(today or timezone.localdate())
    services = {service.code: service for service in Service.objects.all()}

    people = staff(services)
    groups = organisation(services, people)
    assessors = [people[key] for key in ASSESSOR_KEYS]
    by_staff_id = enrolments(calendar, groups, assessors)
    extended = by_staff_id[EXTENDED_NQSW]
    extension(calendar, extended)

    demo_group = groups[DEMO_GROUP]
    return {
        **people,
        "gm": people["gm_cai"],
        "pm": demo_group.practice_manager,
        "grade10": demo_group.staff.get(role=Role.GRADE10),
        "nqsw": by_staff_id[SEPTEMBER_NQSWS[0][0].staff_id].person,
        "trainee": by_staff_id[TRAINEES[0][0].staff_id].person,
        "extended_nqsw": extended.person,
    }
