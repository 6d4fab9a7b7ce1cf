"""In Chromium: the Permissions-Policy header is accepted (no "Unrecognized feature" error in
the console) and /favicon.ico leads to the portal's icon."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_permissions_policy_header_is_accepted(live_server, page):
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    response = page.goto(f"{live_server.url}/")
    page.wait_for_load_state("networkidle")

    assert "camera=()" in response.headers["permissions-policy"]
    assert not [text for text in messages if "Permissions-Policy" in text], messages


def test_favicon_ico_leads_to_the_portals_icon(live_server, browser):
    # Its own context: the page fixture's screenshot of a bare SVG never completes.
    context = browser.new_context()
    try:
        response = context.request.get(f"{live_server.url}/favicon.ico")
        assert response.status == 200
        assert response.headers["content-type"].startswith("image/svg+xml")
        assert response.url.endswith(".svg")
    finally:
        context.close()
