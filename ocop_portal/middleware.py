"""The portal's own error pages on a DEBUG machine too (the demo, ``make demo``)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views import defaults

from core import policy


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


#: What a producer's account opens besides its own space: its account, its notices and the
#: public pages. Namespaces (``app_name``) and, outside them, URL names; every other page is
#: the staff's workspace. The online dossiers (``online``), the public page's changes
#: (``listings``) and the buyers' enquiries (``enquiries``) are the producer's too.
PRODUCER_NAMESPACES = frozenset(
    {
        "producer_space",
        "online",
        "listings",
        "enquiries",
        "notices",
        "catalogue",
        "public_reports",
    }
)
PRODUCER_URL_NAMES = frozenset(
    {
        "home",
        "login",
        "logout",
        "account_settings",
        "password_change",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "set_language",
        "catalogue_csv",
        "catalogue_json",
        "sitemap",
        "robots_txt",
        "favicon",
    }
)


def open_to_producers(request: HttpRequest, match) -> bool:
    """The page is one a producer's account may open (not the staff's workspace)."""
    if match.namespaces:
        return match.namespaces[0] in PRODUCER_NAMESPACES
    if match.url_name in PRODUCER_URL_NAMES:
        return True
    # The uploaded photos (served by Django on a developer's machine only).
    return request.path_info.lstrip("/").startswith(settings.MEDIA_URL.strip("/") + "/")


class WorkspaceMiddleware:
    """The staff's pages refuse a producer's account (403 with the policy's reason,
    ``workspace.enter``) rather than show it empty lists: one place for every staff page,
    whichever decorator it uses for the login. Anonymous visitors are left to each page
    (the login page, or the public page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs):
        user = getattr(request, "user", None)
        if not policy.is_producer_account(user):
            return None
        if not open_to_producers(request, request.resolver_match):
            policy.require(user, "workspace.enter")
        return None
