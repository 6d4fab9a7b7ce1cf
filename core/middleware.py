import logging
import time

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.deprecation import MiddlewareMixin


class LanguageMiddleware(MiddlewareMixin):
    """Vietnamese unless the user chose another language with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an officer whose
    browser is set to English would get English by surprise; here only the language cookie that
    the switch sets (``set_language``) changes it.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request: HttpRequest, response):
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class SessionRefreshMiddleware(MiddlewareMixin):
    """A signed-in session ends after SESSION_COOKIE_AGE without activity.

    Each request pushes the expiry back, but the session is written at most once a minute
    (Django's SESSION_SAVE_EVERY_REQUEST would write it on every request).
    """

    REFRESH_SECONDS = 60
    KEY = "_refreshed"

    def process_request(self, request: HttpRequest) -> None:
        session = request.session
        if not session.session_key:
            return  # no session yet: nothing to keep alive, and none is created here
        now = int(time.time())
        if now - session.get(self.KEY, 0) >= self.REFRESH_SECONDS:
            session[self.KEY] = now  # modified: SessionMiddleware saves it, expiry renewed

    @classmethod
    def mark_fresh(cls, sender, request, user, **kwargs) -> None:
        """On login (user_logged_in): the session was just saved, with a full lifetime."""
        request.session[cls.KEY] = int(time.time())


class PrivatePagesMiddleware:
    """Every response to a signed-in user says ``Cache-Control: no-store, private``.

    Such a page shows the user's name and data that the public may not see: neither a shared
    cache (a proxy of the department) nor the browser, for the next person at the same computer,
    may keep it. Anonymous visitors are left alone, so the public catalogue stays cacheable;
    static files never get here (WhiteNoise answers them earlier).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
            if "Expires" in response:
                del response["Expires"]
        return response


class RequestLogMiddleware:
    """One log line per request: method, path, status, duration_ms and user_id (JSON fields).

    Never the query string, the body or headers; a token in the path (password reset links)
    is replaced by ``***``.
    """

    logger = logging.getLogger("core.requests")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        started = time.monotonic()
        response = self.get_response(request)
        path = request.path
        match = getattr(request, "resolver_match", None)
        for name in ("token", "uidb64"):
            if match and match.kwargs.get(name):
                path = path.replace(str(match.kwargs[name]), "***")
        user = getattr(request, "user", None)
        fields = {
            "method": request.method,
            "path": path,
            "status": response.status_code,
            "duration_ms": round((time.monotonic() - started) * 1000, 1),
            "user_id": user.pk if user is not None and user.is_authenticated else None,
        }
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        self.logger.log(level, "%s %s %s", request.method, path, response.status_code, extra=fields)
        return response


class DatabaseUnavailableMiddleware:
    """A database that cannot be reached (OperationalError, InterfaceError) answers a clear 503
    page with ``Retry-After`` instead of the generic 500, and is logged in one line with its
    cause: no traceback (``DatabaseOutageLogFilter``), which during an outage would fill the
    log with one per request.

    Errors from the view, from the transaction that ATOMIC_REQUESTS opens around it and from
    rendering reach ``process_exception``; errors in another middleware (a session saved in
    ``process_response``) become Django's 500 response first, so a ``got_request_exception``
    receiver marks the request and the 500 is turned into the 503 on the way out. The page is
    a standalone template (templates/503.html): rendering it needs no database.
    """

    RETRY_AFTER_SECONDS = 30
    logger = logging.getLogger("core.database")

    def __init__(self, get_response):
        from django.core.signals import got_request_exception

        self.get_response = get_response
        got_request_exception.connect(_mark_database_error, dispatch_uid="ocop_db_unavailable")

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        error = getattr(request, "_database_unavailable", None)
        if error is not None and response.status_code == 500:
            return self.unavailable(request, error)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception):
        from django.db import InterfaceError, OperationalError

        if isinstance(exception, OperationalError | InterfaceError):
            return self.unavailable(request, exception)
        return None

    def unavailable(self, request: HttpRequest, error: BaseException):
        from django.http import HttpResponse
        from django.template import loader

        self.logger.error(
            "Database unavailable: %s %s: %s: %s",
            request.method,
            request.path,
            type(error).__name__,
            str(error).strip().splitlines()[0] if str(error).strip() else "",
        )
        _forget_session(request)
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        # Logged above: Django's handler adds no "Service Unavailable" line of its own.
        response._has_been_logged = True
        return response


class DatabaseOutageLogFilter(logging.Filter):
    """On ``django.request``: drops Django's "Internal Server Error" record, traceback and all,
    for a database that cannot be reached; DatabaseUnavailableMiddleware logs that request."""

    def filter(self, record: logging.LogRecord) -> bool:
        from django.db import InterfaceError, OperationalError

        request = getattr(record, "request", None)
        if getattr(request, "_database_unavailable", None) is not None:
            return False
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, OperationalError | InterfaceError)


def _mark_database_error(sender, request=None, **kwargs) -> None:
    import sys

    from django.db import InterfaceError, OperationalError

    error = sys.exc_info()[1]
    if request is not None and isinstance(error, OperationalError | InterfaceError):
        request._database_unavailable = error
        _forget_session(request)


def _forget_session(request: HttpRequest) -> None:
    """No more database work for this request: an anonymous user (for the request log) and an
    emptied session that is neither loaded nor saved (a 5xx response never saves it)."""
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    session = getattr(request, "session", None)
    if session is not None:
        session.clear()
