"""The one access rule of the portal.

Every read of a record that lies in an administrative area starts from
``Model.objects.visible_to(user)``: views, search, exports and the admin alike. A user sees
what lies inside the areas they are assigned to (an area and everything under it); the city
reviewer is assigned to the province and so sees all of it; administrators see everything.
"""

from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Q


class AreaScopedQuerySet(models.QuerySet):
    """A queryset whose rows lie in an area, reached through ``area_path_lookup``."""

    #: The lookup from this model to the materialised path of the area it lies in.
    area_path_lookup = "area__path"

    def visible_to(self, user) -> "AreaScopedQuerySet":
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.sees_everything:
            return self.all()
        paths = user.scope_paths
        if not paths:
            return self.none()
        lookup = f"{self.area_path_lookup}__startswith"
        return self.filter(reduce(or_, (Q(**{lookup: path}) for path in paths)))
