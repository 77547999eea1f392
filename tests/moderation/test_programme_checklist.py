"""MOD-CHECKLIST per programme (issue 14): the checklist asks about the 3- and 6-month
reviews; a programme whose reviews before the panel include other points (the ECDP's
12-month review before its 12-month panel) gets one more answer, shown and required only
then, with the submission's snapshot listing those reviews. The ASYE's form is as it was."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cohorts.models import Cohort
from moderation import anonymise, services
from moderation.forms import ModerationFormForm
from moderation.models import CHECKLIST, ModerationForm
from tests import factories
from tests.moderation.conftest import COMPLETE_FORM, finished_start, make_panel, member

pytestmark = pytest.mark.django_db

ASYE_FIELDS = [
    *[name for name, _ in CHECKLIST],
    "accurate",
    "valid",
    "robust",
    "sufficient",
    "strengths",
    "gaps",
    "comments",
    "concerns",
    "concern_details",
]
QUESTION = "The programme's other reviews due by this panel (12-month review)"


@pytest.fixture
def ecdp_allocated(crew, queued, group, ecdp):
    """An ECDP NQSW whose month 13 began this month, entered for and submitted to the
    12-month panel in a month's time, allocated to the CLA group manager."""
    start = finished_start()
    nqsw = factories.EnrolmentFactory(
        practice_group=group, asye_start=start, cohort=Cohort.for_start(start, ecdp)
    )
    panel = make_panel(crew, kind="month_13")
    [entry] = services.enter_for_panel(panel=panel, enrolments=[nqsw], by=crew["ld"])
    submitted = services.submit_portfolio(submission=entry, by=nqsw.person)
    services.allocate_to(
        submission=submitted, moderator=member(panel, crew["other_gm"]), by=crew["ld"]
    )
    return submitted


def _form_url(submission):
    return reverse("moderation:moderation_form", args=[submission.code])


def test_the_snapshot_lists_the_other_reviews_due_by_the_panel(ecdp_allocated):
    nqsw = ecdp_allocated.enrolment
    others = ecdp_allocated.snapshot["checklist"]["review_others"]
    # The 12-month review is due at the start of month 13, before the panel; the 18-month
    # is not; the 3- and 6-month have answers of their own.
    assert others == [
        {
            "label": "12-month review",
            "due": nqsw.month_starts_on(13).isoformat(),
            "signed_off": False,
        }
    ]


def test_the_ecdp_form_asks_about_them_and_requires_an_answer(client, crew, ecdp_allocated):
    client.force_login(crew["other_gm"].user)
    response = client.get(_form_url(ecdp_allocated))
    form = response.context["form"]
    names = list(form.fields)
    assert names[names.index("review_six") + 1] == "review_others"
    assert form.fields["review_others"].label == QUESTION
    assert "12-month review not signed off" in response.text

    allocation = ecdp_allocated.allocations.get()
    with pytest.raises(ValidationError) as refused:
        services.record_form(
            allocation=allocation, by=crew["other_gm"], values=COMPLETE_FORM, complete=True
        )
    assert refused.value.message_dict == {"review_others": [f"MOD-CHECKLIST: answer “{QUESTION}”."]}

    response = client.post(
        _form_url(ecdp_allocated), {**COMPLETE_FORM, "review_others": "no", "complete": "1"}
    )
    assert response.status_code == 302
    saved = ModerationForm.objects.get(allocation=allocation)
    assert saved.is_complete and saved.review_others == "no"
    assert ("review_others", QUESTION, "No") in saved.checklist()


def test_the_asye_form_is_as_it_was(client, crew, queued, allocated):
    assert "review_others" not in allocated.snapshot["checklist"]
    client.force_login(crew["other_gm"].user)
    form = client.get(_form_url(allocated)).context["form"]
    assert list(form.fields) == ASYE_FIELDS
    services.record_form(
        allocation=allocated.allocations.get(),
        by=crew["other_gm"],
        values=COMPLETE_FORM,
        complete=True,
    )
    saved = ModerationForm.objects.get()
    assert [name for name, _, _ in saved.checklist()] == [name for name, _ in CHECKLIST]


def test_a_form_without_its_allocation_asks_the_asye_checklist():
    assert list(ModerationFormForm().fields) == ASYE_FIELDS


@pytest.mark.parametrize("who", ["chair", "ld", "assessor", "nqsw", "pm"])
def test_only_the_allocated_moderator_answers(client, crew, ecdp_allocated, who):
    client.force_login(crew[who].user)
    response = client.post(
        _form_url(ecdp_allocated), {**COMPLETE_FORM, "review_others": "yes", "complete": "1"}
    )
    assert response.status_code in (403, 404), who
    assert not ModerationForm.objects.exists()


def test_a_superuser_does_not_answer(client, superuser, ecdp_allocated):
    client.force_login(superuser)
    response = client.post(
        _form_url(ecdp_allocated), {**COMPLETE_FORM, "review_others": "yes", "complete": "1"}
    )
    assert response.status_code in (403, 404)
    assert not ModerationForm.objects.exists()


def test_without_a_panel_day_the_facts_list_no_other_reviews(ecdp_allocated):
    from assessment import portfolio as portfolios
    from cohorts.models import Enrolment

    listed = Enrolment.objects.for_listing().get(pk=ecdp_allocated.enrolment_id)
    facts = anonymise.facts(portfolios.load(listed), listed, date.today())
    assert "review_others" not in facts["checklist"]
