from django import forms

from accounts.models import User


class AccountSettingsForm(forms.ModelForm):
    """What a user sets for themselves: how the portal tells them of their work."""

    class Meta:
        model = User
        fields = ["email_notices"]
