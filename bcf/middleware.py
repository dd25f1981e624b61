"""Project-wide middleware."""

from django.utils.cache import add_never_cache_headers


class NoStoreWhenSignedIn:
    """Whatever is shown to a signed-in user (a page, a document, an API answer) is kept by
    no browser or proxy cache: `Cache-Control: no-store`, so the back button after logging
    out, or the next user of a shared computer, finds nothing. The API's token users count
    as signed in: DRF sets `request.user` before the answer comes back through here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response
