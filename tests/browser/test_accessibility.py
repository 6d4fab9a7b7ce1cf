"""Accessibility in Chromium with axe-core (WCAG 2.1 A and AA): on the main pages of each demo
role, at a desktop width (1366 px) and a phone's (360 px), axe finds no serious or critical
violation, and no page is wider than the phone.

axe-core comes from node_modules (npm, devDependencies), never from a CDN; the pages' own
Content-Security-Policy is bypassed only to inject it."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import User
from budgets.models import Plan
from enquiries.models import Enquiry
from evaluations.models import Evaluation
from listings.models import PageChange
from ocop_portal.demo import DEMO_PASSWORD
from products.models import Process, Product

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": 1366, "phone": 360}
RUN_AXE = """() => axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
}).then(result => result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))})))"""


def pages_of(role: str) -> list[str]:
    """The main pages of each role, with real records of the demo behind the detail pages."""
    public = ["/", "/catalogue/", "/accounts/login/", "/accounts/password_reset/"]
    if role == "public":
        product = Product.objects.filter(certificates__isnull=False).first()
        return [*public, f"/catalogue/{product.pk}/", "/khong-co-trang-nay/"]
    if role == "admin":
        product = Product.objects.first()
        record = product.history.earliest()
        return [
            "/admin/",
            "/admin/products/product/",
            f"/admin/products/product/{product.pk}/change/",
            f"/admin/products/product/{product.pk}/history/",
            f"/admin/products/product/{product.pk}/history/{record.pk}/",
            "/admin/products/product/export/",
            "/admin/products/certificate/",
            "/admin/accounts/user/",
            "/admin/axes/accessattempt/",
        ]
    user = User.objects.get(username=role)
    if user.is_producer_account:
        return producer_pages(user)
    products = Product.objects.visible_to(user)
    evaluation = Evaluation.objects.visible_to(user).filter(sheets__isnull=False).first()
    common = [
        "/",
        "/todo/waiting/",
        "/products/",
        f"/products/{products.first().pk}/",
        "/producers/",
        f"/producers/{products.first().producer_id}/",
        "/products/expiring/",
        "/evaluations/",
        "/evaluations/all/",
        f"/evaluations/{evaluation.pk}/",
        "/accounts/password_change/",
    ]
    if role == "codo":
        sheet = evaluation.sheets.first()
        return [
            *common,
            "/products/new/",
            "/evaluations/new/",
            f"/evaluations/{evaluation.pk}/sheets/{sheet.pk}/",
            *dossier_pages(user, Evaluation.Status.RECEIVED),
            "/enquiries/",
            "/listings/reviews/",
        ]
    return [
        *common,
        *dossier_pages(
            user,
            Evaluation.Status.FORWARDED,
            Evaluation.Status.ADVISORY,
            Evaluation.Status.RETURNED,
        ),
        "/dashboard/",
        "/dashboard/years/",
        "/plans/",
        f"/plans/{Plan.objects.order_by('-year').first().year}/",
        "/areas/",
        "/enquiries/",
        "/enquiries/summary/",
        "/evaluations/rounds/",
        f"/evaluations/rounds/{evaluation.round_id}/",
    ]


def producer_pages(user) -> list[str]:
    """A producer's account: its space, its dossiers filed online, its public page and the
    buyers' enquiries about its products (the demo's ``chuthe1`` and ``chuthe2``)."""
    paths = ["/producer/", "/producer/products/", "/producer/certificates/", "/producer/dossiers/"]
    paths += ["/producer/page/", "/producer/page/producer/", "/enquiries/"]
    for evaluation in Evaluation.objects.owned_by(user).filter(online=True):
        base = f"/producer/dossiers/{evaluation.pk}/"
        paths += [base, f"{base}registration/", f"{base}self-assessment/", f"{base}documents/"]
    product = Product.objects.owned_by(user).filter(certificates__isnull=False).first()
    if product is not None:
        paths.append(f"/producer/page/products/{product.pk}/")
    paths += [
        f"/enquiries/{pk}/" for pk in Enquiry.objects.owned_by(user).values_list("pk", flat=True)
    ]
    paths += [
        f"/producer/page/{pk}/"
        for pk in PageChange.objects.filter(producer=user.producer).values_list("pk", flat=True)
    ]
    return paths


def dossier_pages(user, *statuses) -> list[str]:
    """The pages of the demo's 26/2026 dossiers at these steps: the evaluation page (with its
    next step, the documents asked for, the action forms), the electronic dossier and, while
    the commune holds it, its Mẫu 02 and Mẫu 03."""
    paths = []
    two_level = Evaluation.objects.visible_to(user).filter(
        criteria_set__legal_basis__process=Process.TWO_LEVEL
    )
    for status in statuses:
        evaluation = two_level.filter(status=status).order_by("pk").first()
        assert evaluation, f"the demo has no 26/2026 dossier at “{status}”"
        paths += [f"/evaluations/{evaluation.pk}/", f"/evaluations/{evaluation.pk}/documents/"]
        if status in (Evaluation.Status.RECEIVED, Evaluation.Status.RETURNED):
            paths += [
                f"/evaluations/{evaluation.pk}/self-assessment/",
                f"/evaluations/{evaluation.pk}/preassessment/",
            ]
    return paths


@pytest.fixture
def demo(db):
    call_command("load_demo", allow_demo_passwords=True, stdout=StringIO())


def sign_in(page, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    # Staff land on the home page, a producer's account on its space.
    page.wait_for_url(lambda url: url in (f"{base_url}/", f"{base_url}/producer/"))


#: Each reader of the portal, on the one demo (loaded once: its load and flush are the cost).
ROLES = ["public", "codo", "city", "admin", "chuthe1", "chuthe2"]


def test_main_pages_have_no_serious_accessibility_violation(live_server, browser, demo):
    assert AXE.exists(), "axe-core is missing: npm ci"
    report = []
    for role in ROLES:
        # One context (one sign-in) per role; the width changes between the two passes.
        context = browser.new_context(
            viewport={"width": WIDTHS["desktop"], "height": 900}, locale="vi-VN", bypass_csp=True
        )
        page = context.new_page()
        if role != "public":
            sign_in(page, live_server.url, role)
        try:
            report += [f"{role}: {line}" for line in scan(page, live_server.url, pages_of(role))]
        finally:
            context.close()
    assert not report, "\n".join(report)


def scan(page, base_url: str, paths: list[str]) -> list[str]:
    """axe on each page at each width: its serious or critical violations, and the pages
    wider than the phone, one line each."""
    found: dict[str, list] = {}
    too_wide: dict[str, int] = {}
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900 if width > 400 else 780})
        for path in paths:
            response = page.goto(base_url + path)
            expected = 404 if path == "/khong-co-trang-nay/" else 200
            assert response.status == expected, f"{path}: {response.status}"
            # The action panels (<details>) open, so that axe reads the forms inside.
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            page.add_script_tag(path=str(AXE))
            violations = page.evaluate(RUN_AXE)
            if violations:
                found[f"{label} {path}"] = violations
            if width == WIDTHS["phone"]:
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > width:
                    too_wide[path] = scroll
    report = [f"{where}: {items}" for where, items in found.items()]
    report += [f"{path}: {scroll} px wide on a 360 px phone" for path, scroll in too_wide.items()]
    return report


#: For the focused element: its outline's width and contrast with the background behind it.
FOCUS_RING = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const rgb = text => (text.match(/[\\d.]+/g) || []).map(Number);
    const luminance = ([r, g, b]) => {
        const c = [r, g, b].map(v => v / 255)
            .map(v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4));
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    };
    let node = el.parentElement, background = [255, 255, 255];
    while (node) {
        const colour = rgb(getComputedStyle(node).backgroundColor);
        if (colour.length === 3 || (colour.length === 4 && colour[3] > 0)) {
            background = colour.slice(0, 3); break;
        }
        node = node.parentElement;
    }
    const style = getComputedStyle(el);
    const ring = rgb(style.outlineColor);
    const alpha = ring.length === 4 ? ring[3] : 1;
    const shown = ring.slice(0, 3).map((v, i) => v * alpha + background[i] * (1 - alpha));
    const [hi, lo] = [luminance(shown), luminance(background)].sort((a, b) => b - a);
    return {
        element: el.outerHTML.slice(0, 90),
        width: style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth),
        contrast: (hi + 0.05) / (lo + 0.05),
    };
}"""


def test_every_focused_control_shows_a_ring_of_3_to_1(live_server, page):
    """Tab through the login page at desktop width: the links of the green bar, the language
    switch, the fields and the button each show a ring of at least 2 px and 3:1."""
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    seen, weak = 0, []
    for _ in range(16):
        page.keyboard.press("Tab")
        ring = page.evaluate(FOCUS_RING)
        if ring is None:  # past the last control, back to the page
            continue
        seen += 1
        if ring["width"] < 2 or ring["contrast"] < 3:
            weak.append(ring)
    assert seen >= 10
    assert not weak, weak


def test_the_totals_bar_never_hides_the_focused_criterion(live_server, page, can_tho):
    """On a phone, tabbing through the 33 criteria of a score sheet: each focused choice is in
    view above the sticky totals bar (scroll-padding), never under it."""
    from evaluations import services
    from evaluations.criteria import load_criteria_sets
    from tests.browser.test_csp import sign_in as sign_in_as_tester
    from tests.conftest import officer_of
    from tests.factories import ProducerFactory, ProductFactory
    from tests.test_evaluations_support import make_round

    load_criteria_sets()
    officer = officer_of("925", username="codo")
    product = ProductFactory(producer=ProducerFactory(area=officer.areas.get(code="925")))
    evaluation = services.evaluation_create(
        product=product, round=make_round(members=1), kind="new", by=officer
    )
    sheet = evaluation.sheets.get()
    # Measured where the scroll ends: Bootstrap scrolls smoothly unless motion is reduced.
    page.emulate_media(reduced_motion="reduce")
    sign_in_as_tester(page, live_server.url, "codo")
    page.goto(f"{live_server.url}/evaluations/{evaluation.pk}/sheets/{sheet.pk}/")
    page.locator("input[type=radio]").first.focus()
    page.evaluate("window.scrollTo(0, 0)")
    checked, hidden = 0, []
    for _ in range(80):
        page.keyboard.press("Tab")
        where = page.evaluate("""() => {
            const el = document.activeElement;
            if (!el || el.type !== 'radio') return null;
            const box = el.closest('.criterion').querySelector('legend') || el;
            const bar = document.querySelector('.sheet-summary').getBoundingClientRect();
            const own = el.getBoundingClientRect();
            return {id: el.id, bottom: own.bottom, top: own.top, bar: bar.top,
                    legend: box.getBoundingClientRect().top};
        }""")
        if where is None:
            continue
        checked += 1
        if where["bottom"] > where["bar"] or where["top"] < 0:
            hidden.append(where)
    assert checked >= 30
    assert not hidden, hidden
