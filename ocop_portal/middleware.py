"""The portal's own error pages on a DEBUG machine too (the demo, ``make demo``)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views import defaults


class PortalErrorPagesMiddleware:
    """With DEBUG on Django answers a missing page and a crash with its technical pages (in
    English, listing the URL patterns or the traceback); ``make demo`` runs with DEBUG on and
    would show those to the people trying the portal. Here they are replaced on the way out by
    the pages production serves (templates/404.html, 500.html; 403 is the portal's already).
    Django has logged the error before, with its traceback. A developer who wants the technical
    pages sets DEBUG_TECHNICAL_PAGES=true.

    Running the demo with DEBUG off instead would need a secret key, an e-mail server, HTTPS
    cookies and collected static files turned off one by one, and would stop Django serving the
    uploaded photos: more settings to get wrong than this one rule.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not settings.DEBUG or getattr(settings, "DEBUG_TECHNICAL_PAGES", False):
            return response
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        # With DEBUG on, no handler404/handler500 runs: every such HTML page is Django's.
        if response.status_code == 404:
            return defaults.page_not_found(request, exception=None)
        if response.status_code == 500:
            return defaults.server_error(request)
        return response
