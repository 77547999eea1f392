"""The admin keeps a completed moderation form (issue 15 item 5, MOD-FORM)."""

import pytest
from django.urls import reverse

from moderation.models import ModerationForm

pytestmark = pytest.mark.django_db


def test_a_completed_moderation_form_is_not_deleted_in_the_admin(client, superuser, moderated):
    form = ModerationForm.objects.get(allocation__submission=moderated)
    assert form.is_complete
    client.force_login(superuser)
    url = reverse("admin:moderation_moderationform_delete", args=[form.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert ModerationForm.objects.filter(pk=form.pk).exists()
