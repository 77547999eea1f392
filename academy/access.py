"""The ground of access: who the signed-in user is, and the organisation-wide roles.

Each app owns its own access module (cohorts/access.py, caseloads/access.py, ...): the
visibility filters its QuerySets' `visible_to(user)` apply, its predicates, the `rules`
permissions it registers from its AppConfig.ready(), and its `get_*_for_user` helpers,
which turn "not visible" into 404 so that outsiders cannot learn a record exists. This
module imports no feature app.

The default policy (architecture note, "Who sees what"):

| role                                   | sees                                           |
|----------------------------------------|------------------------------------------------|
| NQSW / trainee                         | their own enrolment                            |
| practice manager                       | everyone in the practice groups they lead      |
| group manager                          | everyone in their service                      |
| assessor                               | the NQSWs assigned to them                     |
| panel member (the adult-services lead, | only the anonymised portfolios allocated to    |
| the external members; moderation/)     | them, while the panel is open                  |
| panel chair, Professional Practice team| every cohort                                   |
| administrator                          | everything                                     |

A Django superuser is an administrator, and nothing more: permissions are asked of the
rules themselves (`allowed`), never through `user.has_perm`, which Django's ModelBackend
answers "yes" for every active superuser. So a superuser is never an NQSW, an assessor or
a PM by accident, and never writes an NQSW's own log or self-assessment.
"""

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from academy.models import Person, PracticeGroup

NOTHING = Q(pk__in=[])


def person_of(user) -> Person | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.person
    except Person.DoesNotExist:
        return None


def acting_person(user_or_person) -> Person | None:
    """Services take the acting person; views may hand them a user."""
    if isinstance(user_or_person, Person):
        return user_or_person
    return person_of(user_or_person)


@rules.predicate
def is_administrator(user_or_person) -> bool:
    if isinstance(user_or_person, Person):
        if user_or_person.role == Person.Role.ADMIN:
            return True
        user = user_or_person.user
    else:
        user = user_or_person
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    person = person_of(user)
    return person is not None and person.role == Person.Role.ADMIN


@rules.predicate
def is_professional_practice(user) -> bool:
    """The panel chair and the Professional Practice team (Person.PROFESSIONAL_PRACTICE_ROLES)."""
    person = person_of(user)
    return person is not None and person.is_professional_practice


# Administrators, the panel chair and the Professional Practice team see every cohort.
sees_every_cohort = is_administrator | is_professional_practice


def staff_member(user) -> Person:
    """The person a write is recorded against. Every decision names a member of staff, so a
    superuser without a staff profile may look at everything but record nothing."""
    person = person_of(user)
    if person is None:
        raise PermissionDenied(
            "Records are kept against a member of staff: sign in with an account that has a "
            "staff profile to record this."
        )
    return person


def allowed(user, perm: str, obj=None) -> bool:
    """May `user` do `perm` (to `obj`)? The rule itself answers, for a superuser too."""
    return rules.has_perm(perm, user, obj)


def require(user, perm: str, obj=None, why: str = "") -> None:
    """403 unless allowed. Used where the user may already see the object, so a refusal is
    no secret: `why` says plainly who may."""
    if not allowed(user, perm, obj):
        raise PermissionDenied(why)


def first_or_404(queryset, what: str):
    """The one row of a `visible_to` queryset, or 404: outsiders cannot learn it exists."""
    found = queryset.first()
    if found is None:
        raise Http404(f"No such {what}.")
    return found


# --- Practice groups -------------------------------------------------------------------


def practice_group_filter(user) -> Q:
    if sees_every_cohort(user):
        return Q()
    person = person_of(user)
    if person is None:
        return NOTHING
    q = Q(practice_manager=person) | Q(group_manager=person) | Q(pk=person.practice_group_id)
    if person.role == Person.Role.GROUP_MANAGER and person.service_id:
        q |= Q(service_id=person.service_id)
    return q


@rules.predicate
def leads_practice_group(user, group) -> bool:
    person = person_of(user)
    return person is not None and group.practice_manager_id == person.pk


def get_practice_group_for_user(user, pk):
    return first_or_404(
        (
            PracticeGroup.objects.visible_to(user)
            .select_related("service", "office", "practice_manager")
            .filter(pk=pk)
        ),
        "practice group",
    )


def register():
    rules.add_perm("academy.import_people", is_administrator)
