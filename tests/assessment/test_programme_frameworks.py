"""Evidence maps to the framework version in force on the record's date for the NQSW's
programme (EVIDENCE, issue 14); a portfolio that straddles a change shows both versions."""

from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from academy import csvfiles
from assessment import frameworks, portfolio, services
from assessment.models import Framework
from cohorts.models import Cohort, Programme
from tests import factories
from tests.assessment import factories as af

pytestmark = pytest.mark.django_db

SAMPLE = (
    Path(__file__).resolve().parents[2]
    / "assessment"
    / "sample_frameworks"
    / "SAMPLE-early-career-placeholder.json"
)
CHANGE = date(2027, 4, 1)  # the early career standards replace the KSS


def load_sample(*, programmes, replaces=None, in_force_from=CHANGE):
    return frameworks.import_framework(
        text=csvfiles.read_file(SAMPLE),
        file_name=SAMPLE.name,
        name="Sample early career standards",
        version="sample-1",
        in_force_from=in_force_from,
        code="SAMPLE",
        replaces=replaces,
        programmes=programmes,
    ).framework


@pytest.fixture
def asye():
    return Programme.objects.get(name="ASYE")


@pytest.fixture
def sample(asye):
    return load_sample(programmes=[asye], replaces=Framework.objects.get(code="KSS"))


@pytest.fixture
def ecdp():
    return Programme.objects.create(name="ECDP", length_months=24, pcf_applies=False)


def codes(found):
    return sorted(f.code for f in found)


def test_the_asye_frameworks_are_linked_to_the_asye(asye):
    assert codes(asye.frameworks.all()) == ["KSS", "PCF"]


def test_the_version_in_force_depends_on_the_date_and_the_programme(asye, ecdp, sample):
    assert codes(Framework.objects.in_force(date(2027, 3, 31), asye)) == ["KSS", "PCF"]
    assert codes(Framework.objects.in_force(CHANGE, asye)) == ["PCF", "SAMPLE"]
    # The ECDP has no PCF and is not linked to the KSS or (yet) to the sample.
    assert codes(Framework.objects.in_force(CHANGE, ecdp)) == []
    sample.programmes.add(ecdp)
    assert codes(Framework.objects.in_force(CHANGE, ecdp)) == ["SAMPLE"]


@time_machine.travel(date(2027, 5, 10))
def test_mapping_picks_the_version_in_force_on_the_records_date(enrolment, sample):
    before = af.LogFactory(enrolment=enrolment, written_on=date(2027, 3, 20), elements=[])
    after = af.LogFactory(enrolment=enrolment, written_on=date(2027, 4, 20), elements=[])
    kss_2, sample_2 = af.elements("KSS", 2), af.elements("SAMPLE", 2)

    services.map_evidence(record=before, elements=kss_2)
    with pytest.raises(ValidationError, match="EVIDENCE: .* on 20/03/2027"):
        services.map_evidence(record=before, elements=sample_2)
    services.map_evidence(record=after, elements=sample_2)
    with pytest.raises(ValidationError, match="EVIDENCE"):
        services.map_evidence(record=after, elements=kss_2)
    assert [e.framework.code for e in before.elements.all()] == ["KSS"]
    assert [e.framework.code for e in after.elements.all()] == ["SAMPLE"]


@time_machine.travel(date(2027, 5, 10))
def test_a_portfolio_that_straddles_the_change_shows_both_versions(enrolment, sample):
    af.LogFactory(enrolment=enrolment, written_on=date(2027, 3, 20), elements=af.elements("KSS", 1))
    af.LogFactory(
        enrolment=enrolment, written_on=date(2027, 4, 20), elements=af.elements("SAMPLE", 1, 2)
    )
    loaded = portfolio.load(portfolio_enrolment(enrolment))
    maps = {m.framework.code: m for m in loaded.evidence_map}
    assert set(maps) == {"PCF", "KSS", "SAMPLE"}
    assert (maps["KSS"].covered, maps["SAMPLE"].covered) == (1, 2)
    assert "in force until 01/04/2027" in maps["KSS"].framework.in_force_label


@time_machine.travel(date(2027, 5, 10))
def test_the_map_page_offers_the_version_of_the_records_date(client, people, enrolment, sample):
    before = af.LogFactory(enrolment=enrolment, written_on=date(2027, 3, 20), elements=[])
    after = af.LogFactory(enrolment=enrolment, written_on=date(2027, 4, 20), elements=[])
    client.force_login(people["assessor"].user)

    def offered(log):
        url = reverse("assessment:map_evidence", args=[enrolment.pk, "log", log.pk])
        page = client.get(url).content.decode()
        return {
            code for code in ("KSS", "SAMPLE", "PCF") if f'name="elements_{code.lower()}"' in page
        }

    assert offered(before) == {"PCF", "KSS"}
    assert offered(after) == {"PCF", "SAMPLE"}


@time_machine.travel(date(2027, 2, 10))
def test_an_ecdp_nqsw_maps_to_the_ecdp_framework_only(ecdp):
    sample = load_sample(programmes=[ecdp], in_force_from=date(2027, 1, 1))
    start = date(2027, 1, 4)
    enrolment = factories.EnrolmentFactory(asye_start=start, cohort=Cohort.for_start(start, ecdp))
    log = af.LogFactory(enrolment=enrolment, written_on=date(2027, 2, 1), elements=[])
    services.map_evidence(record=log, elements=af.elements("SAMPLE", 3))
    with pytest.raises(ValidationError, match="not in a framework this ECDP is assessed against"):
        services.map_evidence(record=log, elements=af.elements("PCF", 1))
    loaded = portfolio.load(portfolio_enrolment(enrolment))
    assert [m.framework for m in loaded.evidence_map] == [sample]
    assert loaded.standard == sample


def portfolio_enrolment(enrolment):
    from cohorts.models import Enrolment

    return Enrolment.objects.for_listing().get(pk=enrolment.pk)


def test_a_deferred_two_year_programme_has_its_length_plus_a_year_to_finish():
    from assessment import checks

    def limit(months, today):
        return checks.nat_outcome(
            status="deferred",
            asye_start=date(2027, 1, 4),
            final_review_signed_off=False,
            recommendation=None,
            due=date(2028, 12, 31),
            today=today,
            programme_months=months,
        )

    # The ASYE: 2 years, as NAT-OUTCOME says. The ECDP: 24 months and the same 12 (inferred).
    asye = limit(12, date(2029, 1, 5))
    assert [f.rule for f in asye] == ["NAT-OUTCOME"]
    assert "within 2 years of starting, by 4 Jan 2029" in asye[0].message
    assert limit(24, date(2029, 1, 5)) == []
    found = limit(24, date(2030, 1, 5))
    assert [f.rule for f in found] == ["NAT-OUTCOME"]
    assert "within 3 years" in found[0].message
