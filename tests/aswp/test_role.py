"""ASWP-ROLE at each owning model, and the caseload rules for ASWPs (CAP-ASWP, SOLE-CP-CLA)
at their boundaries, through the real services."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError

from academy.models import Person
from cohorts import services as cohort_services
from supervision import services as supervision_services
from tests import factories as base
from tests.caseloads import factories as f

pytestmark = pytest.mark.django_db


def messages_of(excinfo) -> str:
    return " ".join(excinfo.value.messages)


def test_an_aswp_as_one_to_one_supervisor_is_refused():
    enrolment = base.EnrolmentFactory(asye_start=date(2026, 9, 1))
    aswp = base.PersonFactory(role=Person.Role.ASWP)
    with pytest.raises(ValidationError) as excinfo:
        supervision_services.record_session(
            kind="one_to_one",
            held_on=date(2026, 10, 1),
            start_time=time(10),
            supervisor=aswp,
            recorded_by=enrolment.practice_group.practice_manager,
            attendance=[(enrolment, True)],
            reflection="r",
            training_to_practice="t",
            today=date(2026, 10, 2),
        )
    assert "ASWP-ROLE: an ASWP never supervises staff." in messages_of(excinfo)
    assert not enrolment.supervision_attendances.exists()


def test_an_aswp_as_practice_manager_is_refused():
    group = base.PracticeGroupFactory()
    group.practice_manager = base.PersonFactory(role=Person.Role.ASWP)
    with pytest.raises(ValidationError) as excinfo:
        group.full_clean()
    assert excinfo.value.message_dict["practice_manager"] == [
        "ASWP-ROLE: an ASWP never manages staff."
    ]


def test_an_aswp_as_assessor_is_refused():
    enrolment = base.EnrolmentFactory()
    with pytest.raises(ValidationError) as excinfo:
        cohort_services.change_assessor(
            enrolment=enrolment, assessor=base.PersonFactory(role=Person.Role.ASWP)
        )
    assert "ASWP-ROLE" in messages_of(excinfo)


def test_cap_aswp_thirteenth_case_allowed_fourteenth_a_cap_max_breach():
    aswp = f.staff(Person.Role.ASWP, "FSP")
    on = date(2026, 10, 1)
    for _ in range(13):
        # Counted in cases, not children: 3 children each is 39 children and still fine.
        f.allocate(aswp, start=on, children=3, service=base.service("FSP"))
    with pytest.raises(ValidationError) as excinfo:
        f.allocate(aswp, start=on, children=1, service=base.service("FSP"))
    assert "CAP-MAX" in messages_of(excinfo) and "CAP-ASWP" in messages_of(excinfo)
    assert "14 cases" in messages_of(excinfo)


def test_an_aswp_is_the_experienced_worker_on_an_nqsws_cp_case():
    on = date(2026, 10, 1)  # the NQSW's ASYE month 2
    nqsw = f.nqsw("FSP").person
    alone = f.CaseFactory(case_type="CP", children=1, service=base.service("FSP"))
    with pytest.raises(ValidationError, match="SOLE-CP-CLA"):
        f.allocate(nqsw, start=on, case=alone)
    case = f.CaseFactory(case_type="CP", children=1, service=base.service("FSP"))
    f.allocate(f.staff(Person.Role.ASWP, "FSP"), start=on, case=case)
    assert f.allocate(nqsw, start=on, case=case, role="coworker").status == "approved"
