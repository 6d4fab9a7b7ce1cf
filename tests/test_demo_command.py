"""load_demo refuses a production setup (its demo passwords are public)."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_load_demo_refuses_to_run_with_debug_off_unless_told(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="allow-demo-passwords"):
        call_command("load_demo")
    assert not User.objects.filter(username="admin").exists()
