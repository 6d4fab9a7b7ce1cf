"""The address of the client, as the reverse proxy saw it.

Behind a proxy every request comes from the proxy's address (``REMOTE_ADDR``): a lockout or a
rate limit keyed on it would treat all users as one (five wrong passwords for ``city`` from
anywhere would lock ``city`` out for everyone). The proxy appends the address it received the
request from to ``X-Forwarded-For``; reading that header from the right, the first address
that is not one of the trusted proxies (``settings.TRUSTED_PROXIES``) is the client. Addresses
to its left were written by the client itself and are never believed.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, proxies: list[str]) -> bool:
    if address is None:
        return False
    for proxy in proxies:
        try:
            if address in ipaddress.ip_network(proxy.strip(), strict=False):
                return True
        except ValueError:
            continue
    return False


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address (django-axes' AXES_CLIENT_IP_CALLABLE, the rate limits)."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = list(getattr(settings, "TRUSTED_PROXIES", []))
    if not proxies or not request.META.get("HTTP_X_FORWARDED_FOR"):
        return remote
    hops = [hop for hop in request.META["HTTP_X_FORWARDED_FOR"].split(",") if hop.strip()]
    if "*" in proxies:
        # Any peer is a proxy (gunicorn's "*"): only the hop the last proxy added is believed.
        return str(_address(hops[-1]) or remote) if hops else remote
    if not _trusted(_address(remote or ""), proxies):
        return remote  # not from the proxy: the header is the client's own
    client = remote
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # garbage: what the last good hop said is all that is known
        client = str(address)
        if not _trusted(address, proxies):
            break
    return client
