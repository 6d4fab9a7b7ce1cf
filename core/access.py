"""``Model.objects.visible_to(user)``: every read of a record that lies in an administrative
area starts from it (views, search, exports and the admin alike). The rule itself is the
policy's (``core.policy.inside``); this is the queryset that carries it."""

from django.db import models

from core import policy


class AreaScopedQuerySet(models.QuerySet):
    """A queryset whose rows lie in an area, reached through ``area_path_lookup``."""

    #: The lookup from this model to the materialised path of the area it lies in.
    area_path_lookup = "area__path"
    #: The lookup from this model to the producer it belongs to, for the records a producer's
    #: account reads in its own space (``owned_by``); None where a producer reads none.
    producer_lookup: str | None = None

    def visible_to(self, user) -> "AreaScopedQuerySet":
        if not policy.is_signed_in(user):
            return self.none()
        return self.filter(policy.inside(user, self.area_path_lookup))

    def owned_by(self, user) -> "AreaScopedQuerySet":
        """The rows of the producer whose account the user is (none for anyone else)."""
        if self.producer_lookup is None:
            return self.none()
        return self.filter(policy.own(user, self.producer_lookup))


class ProvinceScopedQuerySet(models.QuerySet):
    """Rows that belong to a whole province (a yearly plan): read by everyone signed in who
    works there, reached through ``province_path_lookup``."""

    province_path_lookup = "province__path"

    def visible_to(self, user):
        if not policy.is_signed_in(user):
            return self.none()
        return self.filter(policy.in_provinces(user, self.province_path_lookup))
