from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject, lazy

from areas import provinces


def province(request: HttpRequest) -> dict:
    """``province``: the words of the province the user works in (else the installation's);
    ``province_name`` and ``department_name``: the installation's own, for its header and footer.
    All lazy: a page that shows none of them asks nothing."""
    home = SimpleLazyObject(provinces.home)
    return {
        "province": SimpleLazyObject(lambda: provinces.of_user(getattr(request, "user", None))),
        "province_name": lazy(lambda: home.name, str)(),
        "department_name": lazy(lambda: home.department, str)(),
    }
