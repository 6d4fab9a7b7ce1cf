"""``/healthz`` for load balancers and monitors, answered before any other middleware.

A balancer probes each app server by its address (``Host: 10.0.0.5``) and over plain HTTP, every
few seconds. Through the ordinary stack that probe would meet ALLOWED_HOSTS (a 400 and a
DisallowedHost traceback in the log each time), SECURE_SSL_REDIRECT (a 301) and the request log
(one line per probe). So this middleware comes first and answers the path itself: it never reads
the Host header, never redirects, and logs only a failure.
"""

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse

PATHS = frozenset({"/healthz", "/healthz/"})

logger = logging.getLogger("core.health")


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info not in PATHS:
            return self.get_response(request)
        if request.method not in {"GET", "HEAD"}:
            response = HttpResponse(status=405)
            response["Allow"] = "GET, HEAD"
            return response
        return health()


def health() -> JsonResponse:
    """200 when the database answers a round trip, 503 (logged, with its cause) otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        logger.error(
            "Health check failed: database unavailable: %s: %s", type(error).__name__, first_line
        )
        response = JsonResponse({"status": "error", "database": "unavailable"}, status=503)
        # Logged once, above, with its cause: not again by django.request's "Service Unavailable".
        response._has_been_logged = True
    else:
        response = JsonResponse({"status": "ok", "database": "ok"})
    # A probe's answer is about this moment and this server: never kept by a cache.
    response["Cache-Control"] = "no-store"
    return response
