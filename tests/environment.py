"""Loaded as a pytest plugin (-p, in pyproject.toml) before Django reads its settings.

The tests run the one settings module with DEBUG off, as production does, with a throwaway key
and plain HTTP on localhost. Real environment variables still win.
"""

import os

TEST_ENVIRONMENT = {
    "SECRET_KEY": "tests-only-key-" + "x" * 50,
    # Playwright's sync API runs an event loop in the test thread; the ORM must be allowed there.
    "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
    # The test server speaks plain HTTP; test_settings.py checks production's HTTPS defaults.
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "SECURE_HSTS_SECONDS": "0",
    # With DEBUG off the portal refuses the console e-mail backend; the test runner replaces
    # this one by its own outbox (mailoutbox) anyway.
    "EMAIL_URL": "smtp://localhost:25",
    # The suite's province (its data are Cần Thơ's), named in the settings as a configured
    # installation does; tests of a portal that finds its province in the data clear it.
    "OCOP_PROVINCE_CODE": "92",
    # Plain static storage: the hashed manifest only exists after collectstatic.
    "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
}

for name, value in TEST_ENVIRONMENT.items():
    os.environ.setdefault(name, value)
