"""Response headers that hold for the whole site."""

import time

from django.conf import settings
from django.utils.cache import patch_cache_control

# Where the idle timeout keeps the time of the session's last refresh.
REFRESHED_KEY = "_idle_refreshed_at"


class PrivateCacheMiddleware:
    """Every response to a signed-in user is `Cache-Control: private, no-store` (issue 15 item 9).

    Pages and CSV exports carry names of NQSWs and children's case references: no shared
    proxy may keep them, and no browser may keep them on disk after sign-out. Anonymous
    responses (the sign-in page, static files) are left to their views.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class IdleSessionMiddleware:
    """A signed-in session ends SESSION_COOKIE_AGE after its last request (the idle timeout).

    SESSION_SAVE_EVERY_REQUEST did this by writing the session row on every request, three
    statements that were most of a small page's time (issue 17). This refreshes the expiry
    at most once every SESSION_IDLE_REFRESH_SECONDS instead, so the session ends between
    that many seconds early and on time: well inside the 30 minutes the policy asks for.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            if now - session.get(REFRESHED_KEY, 0) >= settings.SESSION_IDLE_REFRESH_SECONDS:
                session[REFRESHED_KEY] = now  # modified: SessionMiddleware saves a new expiry
        return response


def refreshed_at_sign_in(sender, request, user, **kwargs):
    """Signing in saves a new session with a fresh expiry: record that as its refresh, so
    the first page after sign-in does not write the session again (and every page's query
    count is the same whether or not it is the first)."""
    request.session[REFRESHED_KEY] = int(time.time())
