"""The producer's space (``/producer/``) and the accounts it hangs in.

- The space, for a producer's account only (``space.enter``): its home (the record, what to do
  next, products, certificates), its products, its certificates with their re-rating, and its
  QR labels to print. Everything is read through ``owned_by(user)``.
- The invitation's page (``/producer/invitation/<token>/``), for anyone holding the link: it
  opens the account once, then signs the person in. A link used, expired, revoked or replaced
  answers 410 with what to do.
- The officer's side, from the producer's page of the registry: invite, send again, revoke,
  and turn an account off or on (``producer.invite``, ``producer.account_manage``).
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import User
from core import policy
from core.forms import save_or_refuse
from core.submissions import SAVED, submit_once
from producer_space import services, space
from producer_space.forms import AcceptForm, InvitationForm, LabelsForm
from producer_space.models import Invitation
from products import qr, rerating
from products.catalogue_views import catalogue_url
from subjects.models import Producer

FORM_METHODS = ["GET", "HEAD", "POST"]
#: Django's own backend signs the new account in (the lockout backend needs a password).
BACKEND = "django.contrib.auth.backends.ModelBackend"


def portal_address(request: HttpRequest) -> str:
    """The portal's public address (``PORTAL_URL``, as the notices' e-mails use), or the one
    this request came to."""
    return settings.PORTAL_URL.rstrip("/") or request.build_absolute_uri("/").rstrip("/")


def space_page(view):
    """A page of the producer's space: signed in (else the login page), as a producer's
    account (else 403, saying whose page it is)."""

    @wraps(view)
    @login_required
    def page(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        policy.require(request.user, "space.enter")
        return view(request, *args, **kwargs)

    return page


# --- The space ----------------------------------------------------------------------------------


@require_safe
@space_page
def home(request: HttpRequest) -> HttpResponse:
    user, today = request.user, timezone.localdate()
    producer = space.producer_of(user)
    certificates = space.certificates_of(user, today)
    products = list(space.products_of(user, today))
    certified = [product for product in products if product.current_certificate_id]
    context = {
        "producer": producer,
        "officers": space.officers_of(producer),
        "products": products,
        "certified_count": len(certified),
        "certificates": [c for c in certificates if c.is_current],
        "next": space.next_steps(certificates, today),
        "today": today,
    }
    return render(request, "producer_space/home.html", context)


@require_safe
@space_page
def products(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = list(space.products_of(request.user, today))
    for product in rows:
        product.public_url = catalogue_url(product) if product.current_certificate_id else ""
    context = {"producer": space.producer_of(request.user), "products": rows, "today": today}
    return render(request, "producer_space/products.html", context)


@require_safe
@space_page
def certificates(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "producer": space.producer_of(request.user),
        "certificates": space.certificates_of(request.user, today),
        "states": rerating.State,
        "today": today,
    }
    return render(request, "producer_space/certificates.html", context)


@require_safe
@space_page
def labels(request: HttpRequest) -> HttpResponse:
    """A sheet of QR labels of the account's certified products, to print on A4: every
    product once, or one product as many times as asked."""
    today = timezone.localdate()
    certified = list(space.certified_products(request.user, today))
    form = LabelsForm(request.GET or None, products=certified)
    chosen, copies = certified, 1
    if form.is_bound and form.is_valid():
        product = form.cleaned_data["product"]
        chosen = [product] if product else certified
        copies = form.cleaned_data["copies"] or 1
    base = portal_address(request)
    for product in chosen:
        product.page_url = base + catalogue_url(product)
        # segno escapes the title it writes; the rest of the markup is its own.
        product.qr = mark_safe(qr.svg_inline(product.page_url, title=product.name))
    producer = space.producer_of(request.user)
    context = {
        "producer": producer,
        "form": form,
        "certified": certified,
        "labels": [product for product in chosen for _copy in range(copies)],
        "province_name": producer.area.province_words.name,
    }
    return render(request, "producer_space/labels.html", context)


# --- The invitation's link ----------------------------------------------------------------------


def _gone(request: HttpRequest, state) -> HttpResponse:
    return render(request, "producer_space/invitation_gone.html", {"state": state}, status=410)


@never_cache
@require_http_methods(FORM_METHODS)
def accept(request: HttpRequest, token: str) -> HttpResponse:
    if request.user.is_authenticated:
        invitation = services.find(token)
        if invitation is not None and invitation.account_id == request.user.pk:
            # The same person, a moment after opening the account (a reload, the back button).
            return redirect("producer_space:home")
        return render(request, "producer_space/invitation_signed_in.html")
    try:
        invitation = services.usable(token)
    except services.InvitationUnusable as unusable:
        return _gone(request, unusable.state)
    initial = {
        "username": services.suggested_username(invitation.email),
        "full_name": invitation.full_name,
    }
    form = AcceptForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def write():
            return services.accept(
                token=token,
                username=data["username"],
                full_name=data["full_name"],
                phone=data["phone"],
                password=data["password1"],
            )

        try:
            account = save_or_refuse(form, write)
        except services.InvitationUnusable as unusable:
            return _gone(request, unusable.state)
        if account is not None:
            login(request, account, backend=BACKEND)
            messages.success(
                request,
                _("Đã mở tài khoản của %(producer)s. Xin chào %(name)s!")
                % {"producer": invitation.producer.name, "name": account.get_full_name()},
            )
            return redirect("producer_space:home")
    context = {"invitation": invitation, "producer": invitation.producer, "form": form}
    return render(request, "producer_space/accept.html", context)


# --- The officer's side -------------------------------------------------------------------------


def _accounts_section(producer: Producer) -> str:
    return producer.get_absolute_url() + "#tai-khoan-chu-the"


@require_http_methods(FORM_METHODS)
@login_required
@submit_once
def invite(request: HttpRequest, producer_pk: int) -> HttpResponse:
    producer = get_object_or_404(
        Producer.objects.visible_to(request.user).select_related("area"), pk=producer_pk
    )
    policy.require(request.user, "producer.invite", producer)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def write():
            return services.invite(
                producer=producer,
                email=data["email"],
                full_name=data["full_name"],
                by=request.user,
                base_url=portal_address(request),
            )

        invitation = save_or_refuse(form, write)
        if invitation is not None:
            _say_sent(request, invitation)
            return redirect(_accounts_section(producer))
    context = {
        "producer": producer,
        "form": form,
        "days": settings.OCOP_INVITATION_DAYS,
        "cancel_url": _accounts_section(producer),
    }
    return render(request, "producer_space/invite_form.html", context)


def _say_sent(request: HttpRequest, invitation: Invitation) -> None:
    values = {"email": invitation.email, "producer": invitation.producer.name}
    if invitation.sent_at is not None:
        messages.success(
            request, _("Đã gửi thư mời đến %(email)s (chủ thể %(producer)s).") % values
        )
    else:
        messages.error(
            request,
            _(
                "Đã tạo lời mời cho %(email)s nhưng chưa gửi được thư. Hãy kiểm tra địa chỉ rồi "
                "bấm “Gửi lại”."
            )
            % values,
        )


def _invitation(request: HttpRequest, pk: int) -> Invitation:
    invitation = get_object_or_404(
        Invitation.objects.visible_to(request.user).select_related("producer"), pk=pk
    )
    policy.require(request.user, "producer.invite", invitation.producer)
    return invitation


@require_POST
@login_required
@submit_once(replayed=SAVED)
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation(request, pk)
    try:
        new = services.resend(
            invitation=invitation, by=request.user, base_url=portal_address(request)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        _say_sent(request, new)
    return redirect(_accounts_section(invitation.producer))


@require_POST
@login_required
@submit_once(replayed=SAVED)
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation(request, pk)
    try:
        services.revoke(invitation=invitation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Đã thu hồi lời mời gửi %(email)s: đường dẫn trong thư không còn dùng được.")
            % {"email": invitation.email},
        )
    return redirect(_accounts_section(invitation.producer))


def _set_active(request: HttpRequest, pk: int, active: bool) -> HttpResponse:
    account = get_object_or_404(
        User.objects.visible_to(request.user)
        .filter(producer__isnull=False)
        .select_related("producer"),
        pk=pk,
    )
    policy.require(request.user, "producer.account_manage", account.producer)
    try:
        services.set_account_active(account=account, active=active, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        values = {"name": account.get_full_name(), "username": account.username}
        messages.success(
            request,
            (
                _("Đã mở lại tài khoản %(username)s (%(name)s).")
                if active
                else _("Đã khóa tài khoản %(username)s (%(name)s): tài khoản không đăng nhập được.")
            )
            % values,
        )
    return redirect(_accounts_section(account.producer))


@require_POST
@login_required
@submit_once(replayed=SAVED)
def account_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, False)


@require_POST
@login_required
@submit_once(replayed=SAVED)
def account_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, True)
