"""The admin does not offer what only the app's services may do (issue 15 item 5).

An allocation request and a visit sign-off (VISIT-SIGNOFF) are made through
caseloads.services, which check who may make them and record who did: the admin offers no
"add" for either, to a real superuser too.
"""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["allocation", "visitsignoff"])
def test_the_admin_offers_no_add(client, superuser, model):
    client.force_login(superuser)
    assert client.get(reverse(f"admin:caseloads_{model}_add")).status_code == 403
    listing = client.get(reverse(f"admin:caseloads_{model}_changelist"))
    assert listing.status_code == 200
    assert reverse(f"admin:caseloads_{model}_add") not in listing.text
