"""How a notice's e-mail leaves: the one place to route it (a job queue, when the portal has
one). Sends inline for now; an error is logged, never raised into the workflow."""

import logging

from django.conf import settings
from django.core.mail import send_mail

logger = logging.getLogger(__name__)


def send(*, subject: str, body: str, to: str) -> bool:
    """Send one message to one address; False (and logged) when it could not be sent."""
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    except Exception:
        logger.exception("Could not send a notice to %s", to)
        return False
    return True
