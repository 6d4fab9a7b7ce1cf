"""A province's first run, on a fresh database and without the demo: today's units of the
province (and its former districts, from a data file), the national product classification and
evaluation criteria, its administrator and its provincial reviewers. Idempotent: running it again
adds what is missing and changes nothing else."""

from dataclasses import dataclass, field
from pathlib import Path

from django.core.validators import validate_email
from django.db import transaction

from accounts.models import User
from areas import services as area_services
from areas.models import Area
from areas.provinces import PROVINCE_KINDS
from evaluations.criteria import load_criteria_sets
from products.services import load_categories


@dataclass(frozen=True)
class Person:
    username: str
    email: str = ""

    @classmethod
    def parse(cls, text: str) -> "Person":
        """``username`` or ``username:email``."""
        username, _, email = text.partition(":")
        username, email = username.strip(), email.strip()
        if not username:
            raise ValueError(f"Thiếu tên đăng nhập trong “{text}”.")
        if email:
            validate_email(email)
        return cls(username, email)


@dataclass
class SetUp:
    province: Area
    communes: int = 0
    former_districts: int = 0
    successor_links: int = 0
    categories_added: int = 0
    criteria: dict[str, int] = field(default_factory=dict)
    #: (user, created) for the administrator and each reviewer.
    accounts: list[tuple[User, bool]] = field(default_factory=list)


@transaction.atomic
def set_up_province(
    code: str,
    *,
    former_districts: Path | None = None,
    administrator: Person | None = None,
    reviewers: list[Person] = (),
    progress: area_services.Progress | None = None,
) -> SetUp:
    """All or nothing. Raises ValueError (or DataFileError) with a message for the officer."""
    code = area_services.province_code(code) if code.isdigit() else code
    if former_districts is not None:
        file_code = area_services.read_former_districts(former_districts)["province"]["code"]
        if file_code != code:
            raise area_services.DataFileError(
                f"Tệp {former_districts} là của tỉnh mã {file_code}, không phải {code}."
            )
    units = area_services.load_current_units([code], progress=progress)
    province = Area.objects.get(code=code, kind__in=PROVINCE_KINDS, valid_until__isnull=True)
    result = SetUp(province=province, communes=units["communes"])
    if former_districts is not None:
        history = area_services.load_province_history(former_districts)
        result.former_districts = history["districts"]
        result.successor_links = history["links"]
    result.categories_added = load_categories()
    result.criteria = load_criteria_sets()
    if administrator is not None:
        result.accounts.append(
            _ensure_user(
                administrator,
                role=User.Role.ADMIN,
                is_staff=True,
                is_superuser=True,
                full_name="Quản trị viên",
            )
        )
    for person in reviewers:
        user, created = _ensure_user(
            person, role=User.Role.CITY, full_name=f"Cán bộ thẩm định {province.name}"
        )
        user.areas.add(province)
        result.accounts.append((user, created))
    return result


def _ensure_user(person: Person, *, full_name: str, **values) -> tuple[User, bool]:
    """A new account gets no password (unusable): its owner sets one with `changepassword`.
    An existing account keeps its password and name and takes the role."""
    user = User.objects.filter(username=person.username).first()
    if user is None:
        user = User(username=person.username, email=person.email, full_name=full_name, **values)
        user.set_unusable_password()
        user.full_clean()
        user.save()
        return user, True
    changed = {name: value for name, value in values.items() if getattr(user, name) != value}
    if person.email and user.email != person.email:
        changed["email"] = person.email
    for name, value in changed.items():
        setattr(user, name, value)
    if changed:
        user.save(update_fields=list(changed))
    return user, False
