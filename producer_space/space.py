"""What a producer's space shows: its record, its officers, its products and certificates with
their re-rating (``products.rerating``), and what to do next.

Everything starts from ``owned_by(user)``: an account reads its own producer's records and
nothing else, whatever it asks for.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import formats
from django.utils.translation import gettext as _

from accounts.models import User
from core import policy
from products import rerating
from products.models import Certificate, Product
from products.rerating import State
from subjects.models import Producer

#: A window opening within this many days is announced in "what to do next".
ANNOUNCE_DAYS = 60


def day(value: date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def producer_of(user) -> Producer:
    """The producer of the account (the one policy's ``owned_by``)."""
    return Producer.objects.owned_by(user).select_related("area").get()


def officers_of(producer: Producer) -> list[User]:
    """The local officers whose areas cover the producer's area: who corrects its record and
    receives its dossiers."""
    return list(
        User.objects.filter(policy.local_officers(), areas__path__in=producer.area.containing_paths)
        .distinct()
        .order_by("full_name", "username")
    )


def products_of(user, today: date):
    return (
        Product.objects.owned_by(user)
        .with_status(today)
        .select_related("category")
        .order_by("search_name", "pk")
    )


@dataclass
class Step:
    """One line of "what to do next": what, by whom, how urgent (a Bootstrap colour)."""

    text: str
    who: str
    tone: str = "info"
    certificate: Certificate | None = None
    may_file: bool = False


def certificates_of(user, today: date, schedule: rerating.Schedule | None = None) -> list:
    """The account's certificates, the latest first, each with its re-rating state, window,
    words and next step (one query, and one for the legal bases)."""
    schedule = schedule or rerating.Schedule.load()
    certificates = list(
        rerating.annotate_states(
            Certificate.objects.owned_by(user).select_related("product"), today, schedule
        ).order_by("product__search_name", "-decision_date", "-pk")
    )
    for certificate in certificates:
        rules = schedule.rules_for(certificate.valid_until)
        certificate.rules = rules
        certificate.window = rerating.window(certificate, schedule)
        certificate.state = State(certificate.rerating_state)
        certificate.state_text = rerating.describe(
            certificate.rerating_state, certificate.extended_until
        )
        certificate.next = rerating.next_step(certificate.rerating_state, certificate, rules, today)
        certificate.is_current = certificate.state != State.RERATED
    return certificates


@dataclass
class NextSteps:
    steps: list[Step] = field(default_factory=list)
    #: When nothing is due: the nearest window to come, to say when.
    upcoming: Certificate | None = None


def next_steps(certificates: list, today: date) -> NextSteps:
    """What the producer has to do about its certificates, the most urgent first: file a
    re-rating dossier in an open window (or late, before expiry), a window opening soon, a
    dossier being processed, a product no longer recognised."""
    found = NextSteps()
    waiting = []
    for certificate in certificates:
        if not certificate.is_current:
            continue
        state, window = certificate.state, certificate.window
        values = {
            "number": certificate.decision_number,
            "product": certificate.product.name,
            "expiry": day(certificate.valid_until),
        }
        if state == State.OPEN and window:
            text = _(
                "Giấy chứng nhận %(number)s (%(product)s) hết hạn ngày %(expiry)s; hãy nộp hồ sơ "
                "đánh giá lại từ %(opens)s đến %(closes)s."
            ) % {**values, "opens": day(window.opens_on), "closes": day(window.closes_on)}
            found.steps.append(Step(text, certificate.next.who, "warning", certificate, True))
        elif state == State.OPEN:
            text = (
                _(
                    "Giấy chứng nhận %(number)s (%(product)s) hết hạn ngày %(expiry)s; hãy nộp "
                    "hồ sơ đánh giá lại trước ngày đó."
                )
                % values
            )
            found.steps.append(Step(text, certificate.next.who, "warning", certificate, True))
        elif state == State.LATE:
            text = _("Giấy chứng nhận %(number)s (%(product)s): %(what)s") % {
                **values,
                "what": certificate.next.what,
            }
            found.steps.append(Step(text, certificate.next.who, "danger", certificate, True))
        elif state in (State.FILED, State.IN_GRACE):
            text = _("Giấy chứng nhận %(number)s (%(product)s): %(what)s") % {
                **values,
                "what": certificate.next.what,
            }
            found.steps.append(Step(text, certificate.next.who, "info", certificate))
        elif state == State.LAPSED:
            text = _("%(product)s: %(what)s") % {**values, "what": certificate.next.what}
            found.steps.append(
                Step(
                    text, certificate.next.who, "secondary", certificate, certificate.next.may_file
                )
            )
        elif state == State.NOT_YET_OPEN and window:
            waiting.append(certificate)
    order = {"danger": 0, "warning": 1, "info": 2, "secondary": 3}
    found.steps.sort(key=lambda step: order[step.tone])
    waiting.sort(key=lambda certificate: certificate.window.opens_on)
    soon = [c for c in waiting if c.window.opens_on <= today + timedelta(days=ANNOUNCE_DAYS)]
    for certificate in soon:
        text = _(
            "Giấy chứng nhận %(number)s (%(product)s) hết hạn ngày %(expiry)s; thời hạn nộp hồ sơ "
            "đánh giá lại từ %(opens)s đến %(closes)s."
        ) % {
            "number": certificate.decision_number,
            "product": certificate.product.name,
            "expiry": day(certificate.valid_until),
            "opens": day(certificate.window.opens_on),
            "closes": day(certificate.window.closes_on),
        }
        found.steps.append(Step(text, certificate.next.who, "info", certificate))
    if waiting and not soon:
        found.upcoming = waiting[0]
    return found


def certified_products(user, today: date):
    """The account's products with a certificate valid today: those whose QR labels print."""
    return (
        Product.objects.owned_by(user)
        .certified_on(today)
        .with_status(today)
        .select_related("producer__area")
        .order_by("-current_stars", "search_name", "pk")
    )
