"""Hostile input on every form and list of the portal, posted by the user allowed to use it.

For each form the page's own form is read (its fields and current values: a valid baseline),
then one kind of hostile value replaces every field of its type. Whatever the portal does:
never a 500; a refusal shows a message (form errors, or a 4xx) and saves nothing; an accepted
text is stored as plain text, in NFC where the model cleans names, and renders escaped."""

import unicodedata
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import transaction

from accounts.models import User
from budgets.models import REPORTED_MEASURES, Plan, Target
from evaluations import services
from evaluations.models import Evaluation, Round
from products.models import Certificate, Product
from subjects.models import Producer
from tests.factories import ProductFactory
from tests.test_evaluations_support import make_round

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
VIETNAMESE = "Trà mãng cầu Phước Thới"
NFD = unicodedata.normalize("NFD", VIETNAMESE)

TEXT_VALUES = {
    "script": f"Sản phẩm {SCRIPT}",
    "img": f"Hồ sơ {IMG}",
    "control": "Tên\x00có\x07ký tự\u202eđiều khiển",
    "long": "A" * 10_000,
    "nfc": unicodedata.normalize("NFC", VIETNAMESE),
    "nfd": NFD,
}
NUMBER_VALUES = {"huge": "9" * 40, "negative": "-5"}
DATE_VALUES = {"feb31": "31/02/2025", "month13": "2025-13-01", "abc": "abc"}
RAW = ("<script>alert(1)", "<img src=x onerror")


@pytest.fixture(scope="module")
def drafted(django_db_blocker):
    """A draft evaluation to score on top of the demo, for this module; rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        officer = User.objects.get(username="ninhkieu")
        draft = Evaluation.objects.filter(
            status=Evaluation.Status.DRAFT, product__in=Product.objects.visible_to(officer)
        ).first()
        if draft is None:
            producer = Producer.objects.visible_to(officer).order_by("pk").first()
            draft = services.evaluation_create(
                product=ProductFactory(producer=producer, name="Sản phẩm chấm thử"),
                round=make_round(members=1, number=9),
                kind=Certificate.Kind.NEW,
                by=officer,
            )
        yield {"draft": draft}
        transaction.set_rollback(True)


# --- reading a page's form -----------------------------------------------------------------


class FormReader(HTMLParser):
    """The fields of each <form> on a page: name → (kind, value)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "fields": {}}
            self.forms.append(self._form)
        if self._form is None:
            return
        fields = self._form["fields"]
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    fields[name] = ("choice", a.get("value", "on"))
                elif kind == "radio":
                    fields.setdefault(name, ("choice", a.get("value", "")))
                return
            if kind == "text" and a.get("inputmode") in {"numeric", "decimal"}:
                kind = "number"
            fields[name] = (kind, a.get("value", ""))
        elif tag == "select" and name:
            self._select = name
            fields[name] = ("choice", "")
        elif tag == "option" and self._select:
            current = fields[self._select][1]
            value = a.get("value", "")
            if "selected" in a or (not current and value):
                fields[self._select] = ("choice", value)
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ("textarea", "")

    def handle_data(self, data):
        if self._textarea and self._form:
            self._form["fields"][self._textarea] = ("textarea", data.strip())

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._form = None


def page_forms(html: str, method: str) -> list[dict]:
    reader = FormReader()
    reader.feed(html)
    return [form["fields"] for form in reader.forms if form["method"] == method]


def main_form(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, f"GET {url}: {response.status_code}"
    forms = page_forms(response.content.decode(), "post")
    # The page's own form is the largest one (the navigation holds the logout form).
    return max(forms, key=len)


def hostile_data(fields: dict, kind: str, value: str) -> tuple[dict, list[str]]:
    """The baseline with ``value`` in every field of ``kind``; and which fields got it."""
    data, changed = {}, []
    for name, (field_kind, current) in fields.items():
        if name == "csrfmiddlewaretoken":
            continue
        data[name] = current
        if name.endswith(("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")):
            continue
        if (
            (kind == "text" and field_kind in {"text", "textarea", "search", "password"})
            or (kind == "number" and field_kind == "number")
            or (kind == "date" and field_kind == "date")
            or (kind == "choice" and field_kind == "choice")
        ):
            data[name] = value
            changed.append(name)
    return data, changed


# --- the forms -----------------------------------------------------------------------------


def _producer(user):
    return Producer.objects.visible_to(user).order_by("pk").first().pk


def _product(user):
    return Product.objects.visible_to(user).order_by("pk").first().pk


def _round(user):
    return Round.objects.visible_to(user).order_by("pk").first().pk


def _sheet(user, draft):
    return f"{draft.pk}/sheets/{draft.sheets.order_by('pk').first().pk}"


def _target(user):
    plan = Plan.objects.get(year=2023)
    return plan.targets.order_by("pk").first().pk


def _reported(user):
    target = Target.objects.filter(indicator__in=REPORTED_MEASURES).order_by("pk").first()
    return f"{target.plan.year}/targets/{target.pk}"


#: name → (username, url builder, models whose rows the form may write)
FORMS = {
    "producer create": ("ninhkieu", lambda u, d: "/producers/new/", ["subjects.Producer"]),
    "producer edit": (
        "ninhkieu",
        lambda u, d: f"/producers/{_producer(u)}/edit/",
        ["subjects.Producer"],
    ),
    "product create": ("ninhkieu", lambda u, d: "/products/new/", ["products.Product"]),
    "product edit": (
        "ninhkieu",
        lambda u, d: f"/products/{_product(u)}/edit/",
        ["products.Product"],
    ),
    "evaluation create": (
        "ninhkieu",
        lambda u, d: "/evaluations/new/",
        ["evaluations.Evaluation"],
    ),
    "score sheet": (
        "ninhkieu",
        lambda u, d: f"/evaluations/{_sheet(u, d)}/",
        ["evaluations.ScoreSheet", "evaluations.Evaluation"],
    ),
    "self-assessment": (
        "ninhkieu",
        lambda u, d: f"/evaluations/{d.pk}/self-assessment/",
        ["evaluations.SelfAssessment", "evaluations.Evaluation"],
    ),
    "commune report": (
        "ninhkieu",
        lambda u, d: f"/evaluations/{d.pk}/preassessment/",
        ["evaluations.Evaluation", "evaluations.Contribution"],
    ),
    "round create": (
        "city",
        lambda u, d: "/evaluations/rounds/new/",
        ["evaluations.Round", "evaluations.CouncilMember"],
    ),
    "round edit": (
        "city",
        lambda u, d: f"/evaluations/rounds/{_round(u)}/edit/",
        ["evaluations.Round", "evaluations.CouncilMember"],
    ),
    "plan create": ("city", lambda u, d: "/plans/new/", ["budgets.Plan"]),
    "plan edit": ("city", lambda u, d: "/plans/2023/edit/", ["budgets.Plan"]),
    "target add": ("city", lambda u, d: "/plans/2023/targets/new/", ["budgets.Target"]),
    "target edit": (
        "city",
        lambda u, d: f"/plans/2023/targets/{_target(u)}/edit/",
        ["budgets.Target"],
    ),
    "target result": (
        "city",
        lambda u, d: f"/plans/{_reported(u)}/result/",
        ["budgets.Target"],
    ),
    "budget line": ("city", lambda u, d: "/plans/2023/budget/new/", ["budgets.BudgetLine"]),
    "disbursement": (
        "city",
        lambda u, d: "/plans/2023/disbursements/new/",
        ["budgets.Disbursement"],
    ),
    "published figure": (
        "city",
        lambda u, d: "/plans/2023/figures/new/",
        ["budgets.PublishedFigure"],
    ),
    "password change": ("ninhkieu", lambda u, d: "/accounts/password_change/", ["accounts.User"]),
}

CASES = [
    *[("text", name, value) for name, value in TEXT_VALUES.items()],
    *[("number", name, value) for name, value in NUMBER_VALUES.items()],
    *[("date", name, value) for name, value in DATE_VALUES.items()],
    # A forged choice (a select, radio or checkbox value that the page never offered).
    ("choice", "choice-script", SCRIPT),
    ("choice", "choice-huge", "9" * 40),
]


def snapshot(labels: list[str]) -> dict:
    return {
        label: {row["id"]: row for row in apps.get_model(label).objects.values()}
        for label in labels
    }


def changed_rows(before: dict, after: dict) -> list[dict]:
    rows = []
    for label, table in after.items():
        rows += [row for pk, row in table.items() if before[label].get(pk) != row]
    return rows


@pytest.mark.parametrize(("kind", "case", "value"), CASES, ids=[c[1] for c in CASES])
@pytest.mark.parametrize("form_name", FORMS)
def test_hostile_values_on_every_form(drafted, demo, client, form_name, kind, case, value):
    username, url_of, models = FORMS[form_name]
    user = User.objects.get(username=username)
    client.force_login(user)
    url = url_of(user, drafted["draft"])
    fields = main_form(client, url)
    data, changed = hostile_data(fields, kind, value)
    if not changed:
        pytest.skip(f"{form_name} has no {kind} field")
    before = snapshot(models)
    response = client.post(url, data)
    assert response.status_code < 500, f"{form_name}: {response.status_code}"
    after = snapshot(models)
    rows = changed_rows(before, after)

    if response.status_code != 302:
        # Refused: a message on the page (or a 4xx), nothing written.
        assert not rows, f"{form_name} refused the {case} value but saved {rows}"
        if response.status_code == 200:
            page = response.content.decode()
            assert "invalid-feedback" in page or "alert-danger" in page or "errorlist" in page, (
                f"{form_name}: {case} refused without a message"
            )
        for raw in RAW:
            assert raw not in response.content.decode()
        return

    # Accepted: stored as it was typed (plain text), shown escaped wherever it appears.
    if kind == "text" and case in {"script", "img"}:
        stored = [v for row in rows for v in row.values() if isinstance(v, str) and value in v]
        assert stored or form_name == "password change", f"{form_name}: {value!r} not stored"
    if case == "nfd":
        for row in rows:
            if (
                "name" in row
                and isinstance(row["name"], str)
                and VIETNAMESE in (unicodedata.normalize("NFC", row["name"]))
            ):
                assert row["name"] == unicodedata.normalize("NFC", row["name"]), (
                    f"{form_name}: name stored in NFD"
                )
    shown = client.get(response.url)
    assert shown.status_code < 500
    for raw in RAW:
        assert raw not in shown.content.decode(), f"{form_name}: {raw} unescaped"


# --- login ---------------------------------------------------------------------------------


HOSTILE = [*TEXT_VALUES.values(), *NUMBER_VALUES.values(), *DATE_VALUES.values()]


@pytest.mark.parametrize("value", HOSTILE, ids=[*TEXT_VALUES, *NUMBER_VALUES, *DATE_VALUES])
def test_hostile_login(demo, client, value):
    response = client.post("/accounts/login/", {"username": value, "password": value})
    assert response.status_code in {200, 403, 429}
    page = response.content.decode()
    for raw in RAW:
        assert raw not in page
    assert "_auth_user_id" not in client.session


# --- search and filters of every list ------------------------------------------------------


LISTS = {
    "ninhkieu": [
        "/producers/",
        "/products/",
        "/products/expiring/",
        "/evaluations/",
        "/evaluations/all/",
        "/evaluations/rounds/",
        "/areas/",
    ],
    "city": ["/plans/", "/dashboard/", "/dashboard/years/"],
    None: ["/catalogue/"],
}
LIST_CASES = [(user, url) for user, urls in LISTS.items() for url in urls]


@pytest.mark.parametrize(("username", "url"), LIST_CASES, ids=[c[1] for c in LIST_CASES])
def test_hostile_search_and_filters(demo, client, username, url):
    if username:
        client.force_login(User.objects.get(username=username))
    response = client.get(url)
    assert response.status_code == 200
    names = {name for form in page_forms(response.content.decode(), "get") for name in form}
    names |= {"q", "page", "year", "area", "status", "stars", "sort"}
    for value in HOSTILE:
        response = client.get(url, dict.fromkeys(names, value))
        assert response.status_code < 500, f"{url} with {value[:20]!r}: {response.status_code}"
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/"):
            page = response.content.decode()
            for raw in RAW:
                assert raw not in page, f"{url}: {raw} unescaped"
