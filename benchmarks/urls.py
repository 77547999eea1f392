"""The project's URLs plus the benchmark's baseline: the smallest view on the same stack.

Only benchmarks/run.py uses this module (as ROOT_URLCONF); the app never serves it.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from academy.urls import urlpatterns as project_patterns

MINIMAL_URL = "/__bench__/minimal/"


@login_required
def minimal(request):
    """Every middleware, the session and the signed-in user, and no page work at all."""
    return HttpResponse(f"<p>{request.user.get_username()}</p>")


urlpatterns = [path(MINIMAL_URL.strip("/") + "/", minimal), *project_patterns]
