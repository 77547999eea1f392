"""Response headers that hold for the whole site."""

from django.utils.cache import patch_cache_control


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
