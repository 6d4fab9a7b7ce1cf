import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.messages.views import SuccessMessageMixin
from django.core.validators import MaxLengthValidator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from accounts.forms import AccountSettingsForm
from core import policy
from core.forms import save_or_refuse
from core.network import client_address
from core.ratelimit import over_limit

logger = logging.getLogger("accounts.password_reset")


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django sets max_length after the field is built, so it is not validated: a longer
        # name would reach authenticate() and the lockout table (255 characters in PostgreSQL).
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class LoginView(SuccessMessageMixin, auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True
    success_message = _("Đăng nhập thành công. Xin chào %(name)s!")

    def get_success_message(self, cleaned_data):
        return self.success_message % {"name": self.request.user.get_full_name()}

    def get_default_redirect_url(self):
        """Where a sign-in without a "next" page lands: a producer's account in its own space
        (``/producer/``), everyone else on the overview."""
        if policy.is_producer_account(self.request.user):
            return resolve_url("producer_space:home")
        return super().get_default_redirect_url()


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("Bạn đã đăng xuất."))
        return response


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    success_url = reverse_lazy("home")
    success_message = _("Mật khẩu đã được đổi.")


class PasswordResetView(auth_views.PasswordResetView):
    """At most PASSWORD_RESET_LIMIT_PER_EMAIL requests an hour for one e-mail address and
    PASSWORD_RESET_LIMIT_PER_ADDRESS from one client address: nobody can flood an officer's
    mailbox or probe addresses at speed. Above the limit the page answers exactly as usual,
    so it tells nothing either; the e-mail is just not sent."""

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        # Both counted on every request: one address cannot spread over many e-mails.
        by_email = over_limit("reset-email", email, settings.PASSWORD_RESET_LIMIT_PER_EMAIL)
        by_address = over_limit(
            "reset-address",
            client_address(self.request) or "",
            settings.PASSWORD_RESET_LIMIT_PER_ADDRESS,
        )
        if by_email or by_address:
            logger.warning(
                "Password reset not sent: over the limit for this %s",
                "e-mail address" if by_email else "client address",
            )
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


def _save_settings(form):
    # Only the fields of the form: the user's other columns (the unread count) are kept by
    # others meanwhile.
    def write():
        form.instance.save(update_fields=list(form.Meta.fields))
        return form.instance

    return write


@login_required
def account_settings(request):
    """The signed-in user's own settings: whether notices also come by e-mail."""
    data = request.POST if request.method == "POST" else None
    form = AccountSettingsForm(data, instance=request.user)
    if request.method == "POST" and form.is_valid() and save_or_refuse(form, _save_settings(form)):
        messages.success(request, _("Đã lưu cài đặt."))
        return redirect("account_settings")
    return render(request, "registration/account_settings.html", {"form": form})
