"""Panels for a programme's moderated points (issue 14, MOD-POINTS): the ECDP's 12-month
review (due at the start of month 13, ProgrammePoint.moderated) gets a panel kind of its own,
"month_13"; only NQSWs whose programme moderates that point are due for it. The ASYE's two
kinds (6-month, final) are as before."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from cohorts.models import Cohort, ProgrammePoint
from moderation import forms, points, services
from moderation.models import Panel
from tests import factories
from tests.moderation.conftest import finished_start, make_panel

pytestmark = pytest.mark.django_db


@pytest.fixture
def ecdp_nqsw(ecdp):
    """An ECDP NQSW whose month 13 began on the first of this month."""
    start = finished_start()
    return factories.EnrolmentFactory(asye_start=start, cohort=Cohort.for_start(start, ecdp))


def test_the_kinds_are_the_points_months():
    assert points.kind_for_month(7) == "six_months"
    assert points.kind_for_month(13) == "month_13"
    assert [points.point_month(k) for k in ("six_months", "month_13", "final")] == [7, 13, None]
    assert [points.kind_label(k) for k in ("six_months", "month_13", "final")] == [
        "6-month",
        "12-month",
        "Final",
    ]
    assert points.what("month_13") == "12-month point (month 13)"
    with pytest.raises(ValueError):
        points.point_month("month_x")


def test_the_panel_form_offers_the_programmes_moderated_points(ecdp):
    assert forms.PanelForm().fields["kind"].choices == [
        ("six_months", "6-month"),
        ("month_13", "12-month (month 13: ECDP)"),
        ("final", "Final"),
    ]
    ProgrammePoint.objects.filter(programme=ecdp, month=13).update(moderated=False)
    assert forms.PanelForm().fields["kind"].choices == Panel.Kind.choices  # the ASYE's two


def test_a_12_month_panel_takes_the_ecdp_nqsws_only(crew, enrolment, ecdp_nqsw):
    panel = make_panel(crew, kind="month_13")
    assert panel.title.startswith("12-month moderation panel, ")
    due = dict(services.due_for_panel(panel))
    assert due == {ecdp_nqsw: ecdp_nqsw.month_starts_on(13)}  # not the ASYE `enrolment`

    [submission] = services.enter_for_panel(panel=panel, enrolments=[ecdp_nqsw], by=crew["ld"])
    assert submission.enrolment == ecdp_nqsw
    assert services.due_for_panel(panel) == []

    with pytest.raises(ValidationError, match=r"ASYE has no moderated 12-month point \(month 13\)"):
        services.enter_for_panel(panel=panel, enrolments=[enrolment], by=crew["ld"])


def test_a_point_not_moderated_has_no_nqsws_due(crew, ecdp, ecdp_nqsw):
    ProgrammePoint.objects.filter(programme=ecdp, month=13).update(moderated=False)
    panel = make_panel(crew, kind="month_13")
    assert services.due_for_panel(panel) == []
    with pytest.raises(ValidationError, match="ECDP has no moderated 12-month point"):
        services.enter_for_panel(panel=panel, enrolments=[ecdp_nqsw], by=crew["ld"])


def test_a_panel_before_the_point_refuses_the_ecdp_nqsw(crew, ecdp):
    start = finished_start() + timedelta(days=62)  # month 13 begins in two months
    early = factories.EnrolmentFactory(asye_start=start, cohort=Cohort.for_start(start, ecdp))
    panel = make_panel(crew, kind="month_13")
    with pytest.raises(ValidationError, match=r"before the NQSW's 12-month point \(month 13\)"):
        services.enter_for_panel(panel=panel, enrolments=[early], by=crew["ld"])


def test_the_6_month_and_final_panels_take_an_ecdp_nqsw_as_before(crew, ecdp_nqsw):
    six = make_panel(
        crew, kind=Panel.Kind.SIX_MONTHS, held_on=ecdp_nqsw.month_starts_on(7) + timedelta(days=20)
    )
    assert ecdp_nqsw in dict(services.due_for_panel(six))


def test_the_database_refuses_another_kind(crew):
    panel = make_panel(crew)
    with pytest.raises(IntegrityError), transaction.atomic():
        Panel.objects.filter(pk=panel.pk).update(kind="annual")


def test_the_panel_page_names_the_point(client, crew, ecdp_nqsw):
    panel = make_panel(crew, kind="month_13")
    client.force_login(crew["chair"].user)
    page = client.get(reverse("moderation:panel_detail", args=[panel.pk])).text
    assert "reach their 12-month point (month 13) by the meeting" in page
    assert ecdp_nqsw.person.full_name in page
