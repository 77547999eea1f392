"""LOGS: a reflection log is frozen once the assessor has given feedback.

A change after feedback is the next version with its reason; the assessor sees that it
changed and the log awaits feedback again; the history keeps each version; the database
refuses a silent change whoever attempts it.
"""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from assessment import portfolio as portfolios
from assessment import services
from assessment.models import ReflectionLog
from tests import factories
from tests.assessment import factories as af

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(enrolment):
    log = af.LogFactory(enrolment=enrolment, written_on=date(2026, 10, 2))
    af.give_feedback(log)
    return ReflectionLog.objects.get(pk=log.pk)


def awaiting(enrolment):
    return portfolios.facts_for([enrolment])[enrolment.pk].logs_awaiting_feedback


def test_before_feedback_a_log_is_edited_in_place(enrolment):
    log = af.LogFactory(enrolment=enrolment, written_on=date(2026, 10, 2))
    services.update_log(log=log, reflection="Second thoughts.")
    log.refresh_from_db()
    assert (log.version, log.change_reason, log.changed_after_feedback_at) == (1, "", None)


def test_after_feedback_a_change_without_a_reason_is_refused_naming_logs(answered):
    with pytest.raises(ValidationError) as caught:
        services.update_log(log=answered, reflection="Rewritten.", change_reason="  ")
    assert "LOGS" in str(caught.value.message_dict["change_reason"])
    answered.refresh_from_db()
    assert answered.version == 1
    assert answered.reflection != "Rewritten."


def test_after_feedback_a_change_is_a_new_version_awaiting_feedback_again(answered):
    enrolment = answered.enrolment
    assert awaiting(enrolment) == ()
    services.update_log(log=answered, reflection="Rewritten.", change_reason="Added the outcome.")
    log = ReflectionLog.objects.get(pk=answered.pk)
    assert log.version == 2
    assert log.change_reason == "Added the outcome."
    assert log.changed_after_feedback_at is not None
    assert log.changed_since_feedback and log.awaiting_feedback
    assert awaiting(enrolment) == (log.written_on,)
    # Each version is kept, with its reason.
    versions = list(log.history.order_by("history_date").values_list("version", "reflection"))
    assert versions[0][0] == 1 and versions[-1] == (2, "Rewritten.")
    assert log.history.latest().history_change_reason == "Added the outcome."
    # Feedback on version 2 answers it.
    af.give_feedback(log)
    log = ReflectionLog.objects.get(pk=log.pk)
    assert not log.awaiting_feedback and not log.changed_since_feedback
    assert awaiting(enrolment) == ()


def test_after_feedback_nothing_changed_needs_no_reason(answered):
    services.update_log(log=answered, title=answered.title)
    answered.refresh_from_db()
    assert answered.version == 1


def test_the_database_refuses_a_silent_change_of_an_answered_log(answered):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReflectionLog.objects.filter(pk=answered.pk).update(reflection="Quietly rewritten.")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReflectionLog.objects.filter(pk=answered.pk).update(version=0)
    # A new version with its reason passes; so does a change of an unanswered log.
    ReflectionLog.objects.filter(pk=answered.pk).update(
        reflection="Openly rewritten.",
        version=2,
        change_reason="Why",
        changed_after_feedback_at=answered.recorded_at,
    )
    other = af.LogFactory(enrolment=answered.enrolment, written_on=date(2026, 10, 3))
    ReflectionLog.objects.filter(pk=other.pk).update(reflection="Draft again.")


def test_a_new_version_without_a_reason_breaks_a_constraint(answered):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReflectionLog.objects.filter(pk=answered.pk).update(reflection="x", version=2)


def test_the_trigger_exists(answered):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name = %s",
                ["assessment_reflectionlog_frozen_after_feedback"],
            )
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgname = %s",
                ["assessment_reflectionlog_frozen_after_feedback"],
            )
        assert cursor.fetchone()


# --- The pages ------------------------------------------------------------------------------


def edit_url(log):
    return reverse("assessment:log_edit", args=[log.enrolment_id, log.pk])


def post_values(log, **changes):
    values = {
        "period": log.period,
        "title": log.title,
        "written_on": log.written_on.isoformat(),
        "case_reference": log.case_reference,
        "reflection": log.reflection,
    }
    return values | changes


def test_the_form_asks_the_nqsw_for_the_reason(client, people, answered):
    client.force_login(people["nqsw"].user)
    response = client.get(edit_url(answered))
    assert response.status_code == 200
    assert "Why are you changing this log?" in response.text
    response = client.post(edit_url(answered), post_values(answered, reflection="New text."))
    assert response.status_code == 200
    assert "This field is required" in response.text
    answered.refresh_from_db()
    assert answered.version == 1
    response = client.post(
        edit_url(answered),
        post_values(answered, reflection="New text.", change_reason="I left out the outcome."),
    )
    assert response.status_code == 302
    answered.refresh_from_db()
    assert (answered.version, answered.reflection) == (2, "New text.")


def test_an_unanswered_log_form_asks_no_reason(client, people, enrolment):
    log = af.LogFactory(enrolment=enrolment, written_on=date(2026, 10, 2))
    client.force_login(people["nqsw"].user)
    assert "Why are you changing" not in client.get(edit_url(log)).text


@pytest.mark.parametrize(
    "role, seen",
    [
        ("assessor", "Changed after your feedback"),
        ("pm", "Changed after the assessor's feedback"),
        ("nqsw", "Changed after the assessor's feedback"),
    ],
)
def test_readers_see_that_the_log_changed_after_feedback(client, people, answered, role, seen):
    services.update_log(log=answered, reflection="Rewritten.", change_reason="Added the outcome.")
    client.force_login(people[role].user)
    text = client.get(reverse("assessment:portfolio", args=[answered.enrolment_id])).text
    assert seen in text
    assert "Added the outcome." in text
    assert "Awaiting the assessor's feedback on version 2." in text


@pytest.mark.parametrize("role", ["pm", "gm", "assessor", "chair", "admin", "other_nqsw"])
def test_nobody_but_the_nqsw_changes_an_answered_log(client, people, answered, role):
    client.force_login(people[role].user)
    response = client.post(
        edit_url(answered), post_values(answered, reflection="x", change_reason="y")
    )
    assert response.status_code in (403, 404)
    answered.refresh_from_db()
    assert answered.version == 1


def test_a_superuser_does_not_change_an_answered_log(client, answered):
    user = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(user)
    response = client.post(
        edit_url(answered), post_values(answered, reflection="x", change_reason="y")
    )
    assert response.status_code in (403, 404)
    answered.refresh_from_db()
    assert answered.version == 1


def test_the_admin_shows_an_answered_log_read_only(client, answered):
    user = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(user)
    url = reverse("admin:assessment_reflectionlog_change", args=[answered.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="reflection"' not in response.text
    response = client.post(url, {"title": "x", "reflection": "Quietly rewritten."})
    assert response.status_code == 403
    answered.refresh_from_db()
    assert answered.reflection != "Quietly rewritten."
