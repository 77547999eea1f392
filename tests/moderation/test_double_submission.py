"""The external sample form sent twice exports one sample (issue 15 item 4)."""

from django.urls import reverse

from moderation.models import ExternalSample
from tests.double_submit import post_twice
from tests.moderation.test_pdf import decide


def test_an_external_sample_is_exported_once(client, crew, queued, moderated):
    decide(moderated, crew)
    client.force_login(crew["ld"].user)
    url = reverse("moderation:external_new")
    data = {"title": "Autumn sample", "notes": "", "submissions": [str(moderated.pk)]}
    post_twice(client, url, data)
    assert ExternalSample.objects.count() == 1
