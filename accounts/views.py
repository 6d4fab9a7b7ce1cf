from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.messages.views import SuccessMessageMixin
from django.core.validators import MaxLengthValidator
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _


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


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("Bạn đã đăng xuất."))
        return response


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    success_url = reverse_lazy("home")
    success_message = _("Mật khẩu đã được đổi.")
