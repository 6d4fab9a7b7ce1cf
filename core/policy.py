"""The portal's one policy: what a user may see, and what a user may do.

Seeing. A user sees what lies inside the areas assigned to them (an area and everything under
it); the city reviewer is assigned to the province and so sees all of it; administrators see
everything. Every ``visible_to(user)`` of the portal is built from the filters here:
``inside`` (records in the user's areas), ``inside_or_above`` (records of the units the user
works in or above them: a city's rounds), ``in_provinces`` (records of a whole province).
A producer's account (``is_producer_account``) works in no area: the staff pages, built on
``inside``, show it nothing; it reads its own records through ``own`` (``owned_by(user)`` of
the querysets that name a ``producer_lookup``), on the pages of the producer's space.
Who reads a whole province (``oversees_a_province``), who the local officers are
(``local_officers``, as a filter) and whose view a cache may share (``visibility_key``) are
answered here too. ``under`` is the one path-containment filter; a filter by an area the user
chose (not an access rule) reaches it through ``Area.q_within``.

Doing. Every action is a rule named ``"<noun>.<verb>"`` ("product.change",
``"round.manage"``), registered below with the reason shown when it is refused. ``can(user,
action, obj)`` answers with a :class:`Decision` (true or false, with that reason): services
refuse with it, views and the admin ask it, templates show a button only when it is allowed
(``{% can "product.change" product as decision %}``, from ``core.templatetags.policy``).

The rules are `django-rules <https://github.com/dfunckt/django-rules>`_ predicates, composed with
``&``, ``|`` and ``~``; they are kept in their own rule set, not in Django's permission
backends, because Django answers every ``has_perm`` of a superuser with yes, and nobody here may
decide their own file, superuser or not.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# --- Who ------------------------------------------------------------------------------------

#: The roles, as stored in ``accounts.User.role``.
OFFICER, CITY, ADMIN, PRODUCER = "officer", "city", "admin", "producer"


@rules.predicate
def is_signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def is_administrator(user) -> bool:
    """Sees and corrects everything (the role, or Django's superuser flag)."""
    return is_signed_in(user) and (user.is_superuser or user.role == ADMIN)


@rules.predicate
def is_city_reviewer(user) -> bool:
    """Reviews and decides for the whole province (administrators may too)."""
    return is_signed_in(user) and (user.role in (CITY, ADMIN) or user.is_superuser)


@rules.predicate
def is_local_officer(user) -> bool:
    """A commune (formerly district) officer: registers, files, pre-assesses."""
    return is_signed_in(user) and user.role == OFFICER and not user.is_superuser


@rules.predicate
def is_producer_account(user) -> bool:
    """The account of an OCOP producer (chủ thể), invited by its commune officer: it files and
    follows its own dossiers and keeps its public page."""
    return (
        is_signed_in(user)
        and user.role == PRODUCER
        and getattr(user, "producer_id", None) is not None
        and not user.is_superuser
    )


@rules.predicate
def is_staff(user) -> bool:
    return is_signed_in(user) and user.is_staff


def sees_everything(user) -> bool:
    return bool(is_administrator(user))


def scope_paths(user) -> list[str]:
    """Paths of the areas the user works in ("92/", "92/916/"); everything under them is
    visible. Read once per user object."""
    if not is_signed_in(user):
        return []
    if not hasattr(user, "_policy_paths"):
        user._policy_paths = list(user.areas.values_list("path", flat=True))
    return user._policy_paths


# --- Where: the filters every visible_to is built from -----------------------------------------


def _none() -> Q:
    return Q(pk__in=[])


def _everything() -> Q:
    # Not an empty Q(): Django drops an empty Q from an OR, so "province-wide rows | inside"
    # would shrink an administrator's view to the province-wide rows alone.
    return Q(pk__isnull=False)


def under(lookup: str, path) -> Q:
    """Rows whose area path (through ``lookup``) lies in the unit at ``path`` or under it.

    The one place a path prefix is written: paths end with "/", so a prefix is exactly
    containment ("92/916/" does not take in "92/9161/"). ``path`` may be an expression
    (``OuterRef("path")``). Filters by an area the user chose go through ``Area.q_within``."""
    return Q(**{f"{lookup}__startswith": path})


def inside(user, lookup: str) -> Q:
    """Rows whose area path (reached through ``lookup``, e.g. "producer__area__path") lies in
    the user's areas."""
    if not is_signed_in(user):
        return _none()
    if sees_everything(user):
        return _everything()
    paths = scope_paths(user)
    if not paths:
        return _none()
    return reduce(or_, (under(lookup, path) for path in paths))


def own(user, lookup: str) -> Q:
    """Rows of the producer whose account the user is (through ``lookup``, e.g. "producer" or
    "product__producer"; "" for the producer itself); nothing for anyone else: officers see
    through ``inside``."""
    if not is_producer_account(user):
        return _none()
    return Q(**{f"{lookup}__pk" if lookup else "pk": user.producer_id})


def producer_id_of(obj) -> int | None:
    """The producer an object belongs to, through the ``producer_lookup`` its queryset's
    ``owned_by`` filters on (the object-level twin of ``own``)."""
    if obj is None:
        return None
    lookup = getattr(type(obj)._default_manager._queryset_class, "producer_lookup", None)
    if lookup is None:
        return None
    value = obj
    for name in filter(None, lookup.split("__")):
        value = getattr(value, name, None)
        if value is None:
            return None
    return value.pk


@rules.predicate
def owns(user, obj) -> bool:
    """The object is the producer account's own (its producer, a product, a dossier of it)."""
    return is_producer_account(user) and producer_id_of(obj) == user.producer_id


def containing_paths(path: str) -> list[str]:
    """Paths of every unit containing the one at ``path``: the province first, itself last.

    Paths end with "/", so these prefixes are exactly the units whose path this one starts
    with, and ``path__in`` finds them all from the index.
    """
    codes = path.strip("/").split("/")
    return ["/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def inside_or_above(user, lookup: str) -> Q:
    """Rows inside the user's areas or of a unit above them (the city's rounds and plans
    concern every officer of the city)."""
    if not is_signed_in(user) or sees_everything(user):
        return inside(user, lookup)
    above = {prefix for path in scope_paths(user) for prefix in containing_paths(path)}
    return inside(user, lookup) | Q(**{f"{lookup}__in": above})


def province_paths(user) -> list[str]:
    """The provinces the user works in, as area paths ("92/")."""
    return sorted({containing_paths(path)[0] for path in scope_paths(user)})


def in_provinces(user, lookup: str) -> Q:
    """Rows that belong to a whole province the user works in (plans, budgets)."""
    if not is_signed_in(user):
        return _none()
    if sees_everything(user):
        return _everything()
    return Q(**{f"{lookup}__in": province_paths(user)})


def oversees_a_province(user) -> bool:
    """The user reads a whole province: assigned to it (the city reviewers) or an
    administrator. Pages offer such a reader every area of it rather than their own few."""
    if not is_signed_in(user):
        return False
    return sees_everything(user) or any(covers(user, path) for path in province_paths(user))


def visibility_key(user) -> tuple:
    """Equal for two users who see exactly the same records: what a cache shared between
    readers is keyed on."""
    return (sees_everything(user), tuple(sorted(scope_paths(user))))


def local_officers(prefix: str = "") -> Q:
    """The users ``is_local_officer`` says yes to, as a filter (through ``prefix``, e.g.
    "user__" from an area assignment): who is told about what happens in their areas."""
    return Q(
        **{
            f"{prefix}is_active": True,
            f"{prefix}role": OFFICER,
            f"{prefix}is_superuser": False,
        }
    )


def producer_accounts(prefix: str = "") -> Q:
    """The users ``is_producer_account`` speaks of (the role), as a filter: who a producer's
    records are told to, and what the database requires to have a producer."""
    return Q(**{f"{prefix}role": PRODUCER})


def accounts_of_producer(producer_id, prefix: str = "") -> Q:
    """The active accounts of one producer, as a filter (through ``prefix``): who is told
    about its dossiers."""
    return producer_accounts(prefix) & Q(
        **{
            f"{prefix}is_active": True,
            f"{prefix}producer_id": producer_id,
            f"{prefix}is_superuser": False,
        }
    )


def producer_account(producer) -> dict:
    """The fields that make a user the account of this producer (what ``is_producer_account``
    answers yes to, with ``is_active``): for the services that create one."""
    return {"role": PRODUCER, "producer": producer, "is_staff": False, "is_superuser": False}


def covers(user, path: str | None) -> bool:
    """The area with this path lies in the user's areas (the object-level twin of ``inside``)."""
    if not is_signed_in(user):
        return False
    if sees_everything(user):
        return True
    return bool(path) and any(path.startswith(scope) for scope in scope_paths(user))


def area_path_of(obj) -> str | None:
    """The path of the area an object lies in, through the same lookup its queryset's
    ``visible_to`` filters on (``area_path_lookup``, or ``province_path_lookup`` for the
    records of a whole province: plans, published figures), so the two can never disagree."""
    if obj is None:
        return None
    queryset_class = type(obj)._default_manager._queryset_class
    lookup = getattr(queryset_class, "area_path_lookup", None) or getattr(
        queryset_class, "province_path_lookup", None
    )
    if lookup is None:
        return getattr(obj, "path", None)
    value = obj
    for name in lookup.split("__"):
        value = getattr(value, name, None)
        if value is None:
            return None
    return value


@rules.predicate
def in_users_areas(user, obj) -> bool:
    """The object lies in the user's areas (administrators: everywhere)."""
    return covers(user, area_path_of(obj))


@rules.predicate
def without_object(user, obj) -> bool:
    """Asked in general (a "new" button), not about one record."""
    return obj is None


#: Asked in general, or about a record in the user's areas.
in_users_areas_if_any = without_object | in_users_areas


@rules.predicate
def works_somewhere(user) -> bool:
    return is_signed_in(user) and (sees_everything(user) or bool(scope_paths(user)))


# --- What: the actions -----------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    predicate: rules.Predicate
    #: Why the action is refused, shown beside a disabled button and in the 403 page.
    refusal: str


RULES: dict[str, Rule] = {}


def allow(action: str, predicate, refusal) -> None:
    """Register who may take an action; the refusal says who does it instead."""
    RULES[action] = Rule(predicate, refusal)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


def can(user, action: str, obj=None) -> Decision:
    """May this user take this action (on this object)? With the reason when not."""
    rule = RULES[action]
    if rule.predicate.test(user, obj):
        return Decision(True)
    return Decision(False, str(rule.refusal))


def require(user, action: str, obj=None) -> None:
    """Refuse with PermissionDenied (a 403 that says why) unless the user may act."""
    decision = can(user, action, obj)
    if not decision:
        raise PermissionDenied(decision.reason)


# Registry: producers and products of one's own areas.
allow(
    "producer.add",
    works_somewhere,
    _("Chỉ cán bộ được phân công địa bàn mới đăng ký chủ thể."),
)
allow(
    "producer.change",
    in_users_areas,
    _("Chủ thể này không thuộc địa bàn bạn phụ trách."),
)
allow(
    "product.add",
    works_somewhere,
    _("Chỉ cán bộ được phân công địa bàn mới đăng ký sản phẩm."),
)
allow(
    "product.change",
    in_users_areas,
    _("Sản phẩm này không thuộc địa bàn bạn phụ trách."),
)

# Evaluations: local officers (and administrators) open them for a product of their areas
# (the object, when given), score them and send them; the city reviews, decides on what the
# city recognises, and manages rounds. Who decides one evaluation (the district or the city)
# is its criteria set's to say: evaluations/workflow.py picks the rule.
allow(
    "evaluation.add",
    (is_local_officer | is_administrator) & in_users_areas_if_any,
    _("Hồ sơ đánh giá do cán bộ địa phương phụ trách sản phẩm lập."),
)
allow(
    "evaluation.fill",
    (is_local_officer | is_administrator) & in_users_areas,
    _("Phiếu chấm và hồ sơ do cán bộ địa phương phụ trách sản phẩm nhập và gửi."),
)
allow(
    "evaluation.review",
    is_city_reviewer & in_users_areas_if_any,
    _("Việc này do cán bộ thẩm định của Sở Nông nghiệp và Môi trường thực hiện."),
)
allow(
    "round.manage",
    is_city_reviewer & in_users_areas_if_any,
    _("Đợt đánh giá do cán bộ thẩm định của Sở Nông nghiệp và Môi trường quản lý."),
)
allow(
    "round.recognise",
    is_city_reviewer & in_users_areas_if_any,
    _("Công nhận cả đợt theo một quyết định do cán bộ thẩm định của Sở thực hiện."),
)
allow(
    "evaluation.correct",
    is_administrator,
    _("Chỉ quản trị viên sửa được hồ sơ đã công nhận, kèm lý do bằng văn bản."),
)

# The electronic dossier of an evaluation (evaluations.documents): the local officers of the
# product's area and the Department's reviewers of its province add documents while the
# dossier is open; a document is removed by whoever added it (or an administrator; one carried
# from the previous dossier, by those who add documents), and the removal is recorded. The
# Department asks for missing documents.

#: Statuses of an evaluation whose dossier still takes documents, by value (the kernel imports
#: no domain app; evaluations.documents.OPEN_STATUSES names the same, a test keeps them equal):
#: not concluded, or proposed to the central council (the province's 5-star documents).
DOSSIER_OPEN_STATUSES = frozenset(
    {
        "preparing",
        "filed",
        "draft",
        "submitted",
        "received",
        "forwarded",
        "returned",
        "resubmitted",
        "advisory",
        "council",
        "scored",
        "ministry",
        "ministry_declined",
        "proposed_central",
    }
)
#: Statuses of a dossier filed online that is still with its producer, by value
#: (``Evaluation.PRODUCER_STATUSES``): being prepared, or filed and not yet received.
WITH_THE_PRODUCER_STATUSES = frozenset({"preparing", "filed"})


def _dossier_of(obj):
    """The evaluation an object is about (a document's, or the evaluation itself)."""
    return getattr(obj, "evaluation", None) or obj


@rules.predicate
def dossier_is_open(user, obj) -> bool:
    """The evaluation (or the evaluation of the document) is not concluded."""
    return getattr(_dossier_of(obj), "status", None) in DOSSIER_OPEN_STATUSES


@rules.predicate
def with_its_producer(user, obj) -> bool:
    """A dossier filed online that the commune has not yet received: the producer's."""
    return getattr(_dossier_of(obj), "status", None) in WITH_THE_PRODUCER_STATUSES


@rules.predicate
def being_prepared(user, obj) -> bool:
    """The producer is preparing the dossier online (not yet filed)."""
    return getattr(_dossier_of(obj), "status", None) == "preparing"


@rules.predicate
def returned_to_answer(user, obj) -> bool:
    """The province returned the dossier, asking for what it lacks."""
    return getattr(_dossier_of(obj), "status", None) == "returned"


@rules.predicate
def filed_online(user, obj) -> bool:
    """The producer's account filed the dossier online (``Evaluation.online``)."""
    return bool(getattr(_dossier_of(obj), "online", False))


#: The producer's account on its own dossier filed online, while it may change it: being
#: prepared, or returned by the province.
producer_completes_it = owns & filed_online & (being_prepared | returned_to_answer)


@rules.predicate
def added_it(user, obj) -> bool:
    return is_signed_in(user) and getattr(obj, "added_by_id", None) == user.pk


@rules.predicate
def carried_over(user, obj) -> bool:
    """A document carried from the product's previous dossier: nobody in particular added it
    to this one, so those who add documents to it may replace it."""
    return getattr(obj, "carried_from_id", None) is not None


#: The local officers of the product's area and the Department's reviewers, on a dossier not
#: concluded and not still with its producer.
_staff_on_an_open_dossier = (
    (is_local_officer | is_city_reviewer) & in_users_areas & dossier_is_open & ~with_its_producer
)

allow(
    "document.add",
    _staff_on_an_open_dossier | producer_completes_it,
    _(
        "Tài liệu của hồ sơ do cán bộ địa phương phụ trách sản phẩm hoặc cán bộ thẩm định của "
        "Sở thêm, khi hồ sơ chưa có kết luận; hồ sơ nộp trực tuyến do chủ thể thêm khi đang "
        "lập hoặc khi Sở trả lại."
    ),
)
allow(
    "document.remove",
    (
        (added_it | carried_over) & _staff_on_an_open_dossier
        | (is_administrator & dossier_is_open)
        | (added_it & producer_completes_it)
    ),
    _(
        "Chỉ người đã thêm tài liệu (hoặc quản trị viên) gỡ được tài liệu, khi hồ sơ chưa có "
        "kết luận; tài liệu chuyển từ hồ sơ trước do cán bộ địa phương phụ trách sản phẩm hoặc "
        "cán bộ thẩm định của Sở thay; chủ thể gỡ tài liệu mình đã thêm khi hồ sơ trực tuyến "
        "đang lập hoặc bị Sở trả lại."
    ),
)
allow(
    "document.request",
    is_city_reviewer & in_users_areas & dossier_is_open & ~with_its_producer,
    _("Việc đề nghị bổ sung hồ sơ do cán bộ thẩm định của Sở Nông nghiệp và Môi trường thực hiện."),
)

# Filing online (26/2026/QĐ-TTg: the electronic dossier has the legal value of the paper one):
# the producer's account prepares a dossier of one of its own products (Mẫu 01, Mẫu 02, its
# documents) and files it; the commune receives it or returns it to the producer; when the
# province returns it, the producer (or the commune, as for a paper dossier) answers and sends
# it back. Which move is whose is the workflow's table (evaluations.workflow); the producer
# never decides.
allow(
    "dossier.follow",
    is_producer_account,
    _(
        "Trang hồ sơ trực tuyến dành cho tài khoản của chủ thể OCOP; cán bộ xem hồ sơ ở trang "
        "Đánh giá."
    ),
)
allow(
    "dossier.start",
    is_producer_account & (without_object | owns),
    _("Chủ thể lập hồ sơ trực tuyến cho sản phẩm của mình, bằng tài khoản của chủ thể."),
)
allow(
    "dossier.prepare",
    owns & filed_online & being_prepared,
    _(
        "Phiếu đăng ký và báo cáo tự đánh giá do chủ thể sửa khi hồ sơ trực tuyến đang lập, "
        "trước khi nộp cho xã."
    ),
)
allow(
    "dossier.file",
    owns & filed_online,
    _("Hồ sơ trực tuyến do tài khoản của chủ thể có sản phẩm nộp."),
)
allow(
    "dossier.resubmit",
    ((is_local_officer | is_administrator) & in_users_areas) | (owns & filed_online),
    _(
        "Hồ sơ bị trả lại do cán bộ địa phương phụ trách sản phẩm gửi lại; hồ sơ nộp trực tuyến "
        "do chủ thể hoặc xã gửi lại."
    ),
)


# Revocation (26/2026/QĐ-TTg Điều 8): the provincial OCOP office proposes, after an authority's
# conclusion, and records the decision of the Chairman (3★, 4★) or the Ministry (5★); whoever
# proposed does not record the decision.
@rules.predicate
def proposed_it(user, obj) -> bool:
    return is_signed_in(user) and getattr(obj, "proposed_by_id", None) == user.pk


@rules.predicate
def revocation_is_open(user, obj) -> bool:
    return getattr(obj, "status", None) == "proposed"


allow(
    "revocation.propose",
    is_city_reviewer & in_users_areas_if_any,
    _("Việc đề nghị thu hồi giấy chứng nhận do cơ quan tham mưu quản lý OCOP cấp tỉnh thực hiện."),
)
allow(
    "revocation.decide",
    is_city_reviewer & in_users_areas & revocation_is_open & ~proposed_it,
    _(
        "Quyết định thu hồi do cán bộ của Sở (không phải người đã đề nghị) ghi lại, khi đề nghị "
        "còn chờ quyết định."
    ),
)


# The producer's public page (listings): its account proposes what the catalogue shows of it
# and of its products; a local officer whose areas cover the producer (or an administrator)
# approves or rejects it, never the person who proposed it; only an approved change is public.
@rules.predicate
def page_change_pending(user, obj) -> bool:
    return getattr(obj, "status", None) == "pending"


allow(
    "page.propose",
    is_producer_account & owns,
    _("Trang công khai của chủ thể do tài khoản của chính chủ thể đề xuất sửa."),
)
allow(
    "page.withdraw",
    is_producer_account & owns & page_change_pending,
    _("Chỉ tài khoản của chủ thể rút được đề xuất của mình, khi đề xuất còn chờ duyệt."),
)
allow(
    "page.review",
    (is_local_officer | is_administrator)
    & (without_object | (in_users_areas & page_change_pending & ~proposed_it)),
    _(
        "Đề xuất sửa trang công khai do cán bộ xã, phường phụ trách chủ thể duyệt (không phải "
        "người đề xuất), khi đề xuất còn chờ duyệt."
    ),
)

# The yearly plan and budget: the city sets them.
allow(
    "plan.change",
    is_city_reviewer & in_users_areas_if_any,
    _("Kế hoạch và kinh phí do cán bộ của Sở Nông nghiệp và Môi trường lập."),
)

# Inspection after recognition (Điều 9 of 26/2026/QĐ-TTg): the province's OCOP office (the
# city reviewers) plans the year's periodic inspections, opens ad-hoc ones and decides what
# follows a record; the commune takes part, and its officers may write the record of an
# inspection of a product of their areas (as the city may) until the follow-up is decided.
# Reports from the public are handled by the city; the commune reads those of its areas.

#: Statuses of an inspection whose record may still be written or corrected, by value
#: (inspections.models.Inspection.RECORDABLE names the same; a test keeps them equal).
INSPECTION_RECORDABLE_STATUSES = frozenset({"planned", "recorded"})


@rules.predicate
def inspection_recordable(user, obj) -> bool:
    return getattr(obj, "status", None) in INSPECTION_RECORDABLE_STATUSES


@rules.predicate
def inspection_awaits_follow_up(user, obj) -> bool:
    """The inspection is recorded and nothing has been decided on it yet."""
    return getattr(obj, "status", None) == "recorded"


allow(
    "inspection.plan",
    is_city_reviewer & in_users_areas_if_any,
    _(
        "Kế hoạch kiểm tra và kiểm tra đột xuất do cán bộ của Sở Nông nghiệp và Môi trường "
        "(cơ quan đầu mối OCOP cấp tỉnh) lập; UBND cấp xã phối hợp."
    ),
)
allow(
    "inspection.record",
    (is_city_reviewer | is_local_officer) & in_users_areas & inspection_recordable,
    _(
        "Biên bản kiểm tra do cán bộ của Sở hoặc cán bộ xã nơi có sản phẩm ghi, khi lượt kiểm "
        "tra chưa có quyết định xử lý."
    ),
)
allow(
    "inspection.follow_up",
    is_city_reviewer & in_users_areas & inspection_awaits_follow_up,
    _(
        "Xử lý sau kiểm tra do cán bộ của Sở Nông nghiệp và Môi trường quyết định, sau khi có "
        "biên bản kiểm tra."
    ),
)
allow(
    "report.handle",
    is_city_reviewer & in_users_areas_if_any,
    _(
        "Phản ánh của người dân do cán bộ của Sở Nông nghiệp và Môi trường tiếp nhận, xử lý; "
        "cán bộ xã xem phản ánh về sản phẩm của địa bàn mình."
    ),
)

# Buyers' enquiries (enquiries: "Liên hệ kết nối tiêu thụ"): a buyer sends one from a product of
# the public catalogue; the producer answers it from its own account, the local officers of the
# product's area follow the connection and close it once done; the city reads the summary.

#: Statuses of an enquiry still open, by value (enquiries.models.Enquiry.OPEN names the same; a
#: test keeps them equal).
ENQUIRY_OPEN_STATUSES = frozenset({"new", "answered"})


@rules.predicate
def enquiry_is_open(user, obj) -> bool:
    return getattr(obj, "status", None) in ENQUIRY_OPEN_STATUSES


allow(
    "enquiry.answer",
    owns & enquiry_is_open,
    _(
        "Yêu cầu kết nối tiêu thụ do chủ thể có sản phẩm trả lời, bằng tài khoản của chủ thể, "
        "khi yêu cầu chưa đóng."
    ),
)
allow(
    "enquiry.close",
    (is_local_officer | is_administrator) & in_users_areas & enquiry_is_open,
    _(
        "Cán bộ địa phương phụ trách sản phẩm đóng yêu cầu kết nối tiêu thụ khi việc kết nối đã "
        "xong, khi yêu cầu chưa đóng."
    ),
)
allow(
    "enquiry.summary",
    works_somewhere,
    _("Tổng hợp yêu cầu kết nối tiêu thụ dành cho cán bộ quản lý OCOP được phân công địa bàn."),
)

# Producer accounts (producer_space): the commune officer of a producer's area (or an
# administrator) invites its people by e-mail and turns their accounts off and on again; the
# staff's pages are for those who work in areas, the producer's space for its own accounts.
allow(
    "producer.invite",
    (is_local_officer | is_administrator) & in_users_areas,
    _(
        "Tài khoản của chủ thể do cán bộ xã, phường phụ trách địa bàn của chủ thể mời (hoặc "
        "quản trị viên)."
    ),
)
allow(
    "producer.account_manage",
    (is_local_officer | is_administrator) & in_users_areas,
    _(
        "Tài khoản của chủ thể do cán bộ xã, phường phụ trách địa bàn của chủ thể khóa, mở lại "
        "(hoặc quản trị viên)."
    ),
)
allow(
    "workspace.enter",
    is_signed_in & ~is_producer_account,
    _(
        "Trang này dành cho cán bộ quản lý OCOP. Tài khoản của chủ thể làm việc tại “Trang của "
        "chủ thể” (/producer/): sản phẩm, giấy chứng nhận và tem mã QR của mình."
    ),
)
allow(
    "space.enter",
    is_producer_account,
    _(
        "Trang này dành cho tài khoản của chủ thể OCOP. Cán bộ xem thông tin chủ thể tại mục "
        "“Chủ thể”."
    ),
)


# Reference data (administrative units, classifications, criteria sets): administrators.
allow(
    "reference.change",
    is_administrator,
    _("Dữ liệu danh mục chỉ quản trị viên sửa được."),
)
allow("admin.enter", is_staff, _("Trang quản trị dành cho cán bộ được cấp quyền."))
allow(
    "everything.view",
    is_administrator,
    _("Chỉ quản trị viên xem được dữ liệu của mọi địa bàn."),
)

# Admin ----------------------------------------------------------------------------------------
# Rules the admin asks besides Django's model permissions (``core.admin.PolicyAdminMixin``).


@rules.predicate
def visible(user, obj) -> bool:
    """The object is among those its ``visible_to(user)`` returns (one query): the object-level
    twin of any queryset rule, for records not seen through one area only (a plan: its
    province; a target: its area, or the province when it has none)."""
    if obj is None or obj.pk is None:
        return False
    manager = type(obj)._default_manager
    return hasattr(manager, "visible_to") and manager.visible_to(user).filter(pk=obj.pk).exists()


@rules.predicate
def issued_by_an_evaluation(user, obj) -> bool:
    """A certificate the evaluation workflow issued (the council's recognition, or the central
    one): what it states changes only through a new evaluation."""
    if obj is None or obj.pk is None:
        return False
    # The evaluations' one-to-one links, read by name: the kernel imports no domain app. A
    # certificate without one raises a DoesNotExist that is also an AttributeError.
    return any(hasattr(obj, link) for link in ("evaluation", "central_evaluation"))


allow(
    "certificate.add",
    works_somewhere,
    _("Chỉ cán bộ được phân công địa bàn mới nhập giấy chứng nhận."),
)
allow(
    "certificate.change",
    in_users_areas,
    _("Giấy chứng nhận này không thuộc địa bàn bạn phụ trách."),
)
allow(
    "certificate.correct",
    in_users_areas & ~issued_by_an_evaluation,
    _(
        "Chỉ sửa được giấy chứng nhận nhập tay thuộc địa bàn bạn phụ trách; số sao và quyết định "
        "của giấy do hồ sơ đánh giá cấp chỉ thay đổi qua một hồ sơ đánh giá mới."
    ),
)
allow(
    "plan.edit",
    is_city_reviewer & visible,
    _("Kế hoạch và kinh phí do cán bộ của Sở Nông nghiệp và Môi trường lập."),
)
allow(
    "user.manage",
    is_administrator,
    _("Tài khoản người dùng do quản trị viên quản lý."),
)


@rules.predicate
def started_it(user, obj) -> bool:
    """The user started this job."""
    return obj is not None and is_signed_in(user) and obj.started_by_id == user.pk


# Long jobs (core.jobs): their progress and result are the starter's (and administrators').
allow(
    "job.view",
    started_it | is_administrator,
    _("Chỉ người yêu cầu tác vụ và quản trị viên xem được tác vụ này."),
)
