"""The pages of a dossier started from the previous one (carried documents and answers, the
replacement form, the create page's box) pass axe-core at 1366 and 360 px, no wider than the
phone."""

import pytest

from accounts.models import User
from evaluations import services
from evaluations.criteria import load_criteria_sets
from tests.browser.test_accessibility import AXE, RUN_AXE, WIDTHS
from tests.browser.test_csp import sign_in
from tests.conftest import officer_of
from tests.factories import UserFactory, category_26
from tests.test_carried_dossier import previous_dossier
from tests.test_evaluations_support import make_product, make_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_carried_pages_are_accessible(live_server, browser, can_tho, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_criteria_sets()
    officer = officer_of("925", username="codo")
    city = UserFactory(username="city", role=User.Role.CITY, areas=[can_tho])
    commune = officer.areas.get(code="925").successors.order_by("code").first()
    product = make_product(commune, "Bưởi da xanh Thới Hưng")
    product.category = category_26("I.1.a")
    product.save()
    rounds = make_round("26/2026/QĐ-TTg", number=1), make_round("26/2026/QĐ-TTg", number=2)
    previous_dossier(rounds[0], product, officer, city)
    new = services.evaluation_create(product=product, round=rounds[1], kind="upgrade", by=officer)
    document = new.documents.filter(carried_from__isnull=False).first()
    paths = [
        f"/evaluations/new/?product={product.pk}",
        f"/evaluations/{new.pk}/documents/",
        f"/evaluations/{new.pk}/documents/?replace={document.pk}",
        f"/evaluations/{new.pk}/self-assessment/",
    ]

    context = browser.new_context(
        viewport={"width": WIDTHS["desktop"], "height": 900}, locale="vi-VN", bypass_csp=True
    )
    page = context.new_page()
    sign_in(page, live_server.url, "codo")
    found, too_wide = {}, {}
    try:
        for label, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900 if width > 400 else 780})
            for path in paths:
                response = page.goto(live_server.url + path)
                assert response.status == 200, f"{path}: {response.status}"
                assert "Bắt đầu từ hồ sơ" in page.content()
                page.add_script_tag(path=str(AXE))
                if violations := page.evaluate(RUN_AXE):
                    found[f"{label} {path}"] = violations
                if width == WIDTHS["phone"]:
                    scroll = page.evaluate("document.documentElement.scrollWidth")
                    if scroll > width:
                        too_wide[path] = scroll
    finally:
        context.close()
    assert not found, found
    assert not too_wide, too_wide
