"""How a notice's e-mail leaves: on the background queue when one is configured
(``core.jobs.enqueue``), inline otherwise (the demo, the tests). An error is logged, never
raised into the workflow."""

import logging

from django.conf import settings
from django.core.mail import send_mail

from core import jobs

logger = logging.getLogger(__name__)


def deliver(subject: str, body: str, to: str) -> bool:
    """Send one message to one address now; False (and logged) when it could not be sent."""
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    except Exception:
        logger.exception("Could not send a notice to %s", to)
        return False
    return True


def send(*, subject: str, body: str, to: str) -> bool:
    """Hand one message to the queue (or send it now when there is none)."""
    try:
        result = jobs.enqueue(deliver, subject, body, to)
    except Exception:
        logger.exception("Could not queue a notice to %s", to)
        return False
    return result if isinstance(result, bool) else True
