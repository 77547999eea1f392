"""The frameworks as data: the PCF's 9 domains and the KSS's 10 statements (EVIDENCE)."""

from datetime import date

import pytest

from assessment import portfolio
from assessment.models import Framework, FrameworkElement

pytestmark = pytest.mark.django_db

PCF_TITLES = [
    "Professionalism",
    "Values and Ethics",
    "Diversity",
    "Rights, Justice and Economic Wellbeing",
    "Knowledge",
    "Critical reflection and Analysis",
    "Intervention and Skills",
    "Contexts and organisations",
    "Professional Leadership",
]


def test_the_pcf_has_exactly_nine_domains_with_their_asye_level_text():
    pcf = Framework.objects.get(code="PCF")
    domains = list(pcf.elements.order_by("number"))
    assert [d.number for d in domains] == list(range(1, 10))
    assert [d.title for d in domains] == PCF_TITLES
    assert pcf.kind == Framework.Kind.CAPABILITIES
    assert domains[0].summary.startswith("Identify and behave as a professional social worker")
    assert "• Recognise your own professional limitations" in domains[0].statement
    # The bullet the guidance lost its marker on is still a capability statement.
    assert "• Understand forms of harm" in domains[4].statement
    assert domains[3].summary == (
        "Advance human rights and promote social justice and economic well-being"
    )


def test_the_kss_has_exactly_ten_statements():
    kss = Framework.objects.get(code="KSS")
    statements = list(kss.elements.order_by("number"))
    assert [s.number for s in statements] == list(range(1, 11))
    assert statements[0].title == "Relationships and effective direct work"
    assert statements[9].title == "Organisational context"
    assert statements[1].statement.startswith("Communicate clearly and sensitively")
    assert kss.kind == Framework.Kind.STANDARD


def test_the_text_does_not_come_from_outside_the_app():
    # Loaded by the data migration from the text copied into it.
    assert FrameworkElement.objects.count() == 19
    assert all(e.statement.strip() for e in FrameworkElement.objects.all())


def test_a_later_standard_sits_beside_the_kss_for_later_starts():
    kss = Framework.objects.get(code="KSS")
    kss.in_force_until = date(2027, 9, 1)
    kss.save()
    pqs = Framework.objects.create(
        code="PQS",
        kind=Framework.Kind.STANDARD,
        name="Post-qualifying standard",
        version="2027",
        source="test",
        in_force_from=date(2027, 9, 1),
    )
    FrameworkElement.objects.create(framework=pqs, number=1, title="New", statement="...")

    started_2026 = set(Framework.objects.in_force(date(2026, 9, 1)).values_list("code", flat=True))
    started_2027 = set(Framework.objects.in_force(date(2027, 9, 1)).values_list("code", flat=True))
    assert started_2026 == {"PCF", "KSS"}
    assert started_2027 == {"PCF", "PQS"}
    everything = portfolio.all_frameworks()
    assert portfolio.standard_for(everything, date(2026, 9, 1)).code == "KSS"
    assert portfolio.standard_for(everything, date(2027, 9, 1)).code == "PQS"
