"""The admin asks the pages' policy (``core.policy``) and reads through their ``visible_to``.

- ``PortalAdminSite``: the default site (``core.apps.PortalAdminConfig``): who enters is the
  policy's "admin.enter"; its "view on site" redirect (``/admin/r/…``) answers 404 for a record
  outside the user's areas.
- ``PolicyAdminMixin``: every add, change and delete needs both Django's model permission (the
  staff groups) and the policy's rule, asked with the object when there is one. A model admin
  without a rule is read-only: its records change through the pages' services only.
- ``VisibleToAdminMixin``: lists, searches, change pages, foreign-key choices and history
  start from ``visible_to(request.user)``; history never names a record outside the user's
  areas, and a version is reverted only with the right to change the record, never for a
  workflow record (``history_revert = False``).
"""

from collections import defaultdict

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from core import policy
from core.forms import VersionedFormMixin
from core.text import fold
from core.versioning import StaleSave, Versioned

#: What a history shows instead of a record outside the reader's areas.
OUT_OF_REACH = _("(bản ghi ngoài địa bàn của bạn)")


class PortalAdminSite(admin.AdminSite):
    site_header = _("Quản trị Cổng thông tin OCOP")
    site_title = _("Quản trị OCOP")
    index_title = _("Sửa dữ liệu")

    def has_permission(self, request) -> bool:
        return bool(policy.can(request.user, "admin.enter"))

    def get_urls(self):
        # Django's "view on site" redirect opens any record by its content type and id: the
        # same URL, through visible_to first.
        urls = super().get_urls()
        scoped = path(
            "r/<path:content_type_id>/<path:object_id>/",
            self.admin_view(self.view_on_site),
            name="view_on_site",
        )
        return [scoped if getattr(url, "name", None) == "view_on_site" else url for url in urls]

    def view_on_site(self, request, content_type_id, object_id):
        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
            reachable = model is not None and (
                self.reachable(request, model).filter(pk=object_id).exists()
            )
        except (ValueError, ValidationError, ContentType.DoesNotExist):
            reachable = False
        if not reachable:
            raise Http404
        return shortcut(request, content_type_id, object_id)

    def reachable(self, request, model) -> models.QuerySet:
        """The records of a model this user may be sent to."""
        manager = model._default_manager
        if hasattr(manager, "visible_to"):
            return manager.visible_to(request.user)
        model_admin = self._registry.get(model)
        if model_admin is not None and model_admin.has_view_or_change_permission(request):
            return model_admin.get_queryset(request)
        return manager.all() if policy.sees_everything(request.user) else manager.none()


class PolicyAdminMixin:
    """Adds, changes and deletes need Django's model permission and the policy's rule.

    ``model_rule`` is asked when no record is in question (lists, imports, the add page's
    right to change afterwards); ``add_rule`` for a new record; ``change_rule`` and
    ``delete_rule`` with the record. None: nobody does it here.
    """

    model_rule: str | None = None
    add_rule: str | None = None
    change_rule: str | None = None
    delete_rule: str | None = None

    def _may(self, request, rule: str | None, obj=None) -> bool:
        if rule is None:
            return False
        if obj is None:
            return self.model_rule is not None and bool(policy.can(request.user, self.model_rule))
        return bool(policy.can(request.user, rule, obj))

    def has_add_permission(self, request, *args):
        return (
            super().has_add_permission(request, *args)
            and self.add_rule is not None
            and bool(policy.can(request.user, self.add_rule))
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may(
            request, self.change_rule, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may(
            request, self.delete_rule, obj
        )


class ServiceWritesMixin:
    """For admins whose ``save_model`` calls the app's services. Their forms check what the
    services check; should a service still refuse (the record changed between the check and
    the save), the save is rolled back and its reason shown instead of an error page."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refused:  # changeform_view's transaction is rolled back
            self.message_user(request, " ".join(refused.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class _ScopedHistoryHelper(HistoricalRecordContextHelper):
    """Shows the changes of a history row, with records outside the reader's areas unnamed."""

    def __init__(self, model, record, *, hidden: set):
        super().__init__(model, record)
        self.hidden = hidden

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        if isinstance(value, list):
            return [self._shown(item) for item in value]
        return self._shown(value)

    def _shown(self, value):
        if isinstance(value, models.Model):
            key = (type(value), value.pk)
        elif isinstance(value, DeletedObject):
            key = (value.model, value.pk)
        else:
            return value
        return OUT_OF_REACH if key in self.hidden else value


class _StaleCheck:
    """The admin's change form refuses a stale save before anything is written, like the
    pages' forms: the record loaded for this POST is the current one, so its version is the
    one to compare with the version the user's page was rendered at."""

    def clean(self):
        cleaned = super().clean()
        version = cleaned.get("version")
        if version is not None and self.instance.version != version:
            raise StaleSave.of(self.instance, version, self.edited_fields)
        return cleaned


class VersionedAdminMixin:
    """Change forms of versioned records carry the version they were loaded at (a hidden
    field), so a save over a colleague's newer save is refused with what they changed and the
    input kept, in the admin as on the pages."""

    def _versioned(self, obj) -> bool:
        return obj is not None and isinstance(obj, Versioned)

    def get_form(self, request, obj=None, change=False, fields=None, **kwargs):
        if fields is not None:
            fields = [name for name in fields if name != "version"]
        form = super().get_form(request, obj, change=change, fields=fields, **kwargs)
        if not self._versioned(obj) or getattr(request, "reverting_history", False):
            return form
        declared = {"version": forms.IntegerField(widget=forms.HiddenInput, required=False)}
        return type(form.__name__, (_StaleCheck, VersionedFormMixin, form), declared)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if (
            not self._versioned(obj)
            or getattr(request, "reverting_history", False)
            or any("version" in options.get("fields", ()) for _name, options in fieldsets)
        ):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "version"]}), *rest]

    def save_model(self, request, obj, form, change):
        try:
            super().save_model(request, obj, form, change)
        except StaleSave as refused:  # saved by someone between the check and this save
            raise ValidationError(refused.messages) from refused


class VisibleToAdminMixin(ServiceWritesMixin, VersionedAdminMixin, PolicyAdminMixin):
    """The admin reads through the same rule as the pages: ``visible_to(request.user)``.

    Lists, searches, change pages and the choices offered in foreign keys all start from it,
    so a staff officer sees only their own areas here too; so does the history.
    """

    #: False for a workflow record: its history is read, never reverted (a revert would skip
    #: the services: no transition recorded, no reason asked).
    history_revert = True

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    # --- History (django-simple-history) -------------------------------------------------------

    # The history list and the version page open any id, even one outside the user's areas
    # (administrators may also look at deleted records there).
    def history_view(self, request, object_id, extra_context=None):
        self._visible_object(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A revert is a deliberate overwrite with an old version's values: it takes the next
        # version number (Versioned.save) rather than comparing with the old one.
        request.reverting_history = True
        current = self._visible_object(request, object_id)
        history = getattr(self.model, self.model._meta.simple_history_manager_attribute).model
        pk_name = self.model._meta.pk.attname
        record = get_object_or_404(
            history, **{pk_name: unquote(object_id), "history_id": unquote(version_id)}
        )
        if self._out_of_reach(request, [record]):
            raise PermissionDenied(_("Phiên bản này nhắc đến bản ghi ngoài địa bàn của bạn."))
        if request.method == "POST" and (
            self.revert_disabled(request, record.instance)
            or (current is not None and self.revert_disabled(request, current))
        ):
            raise PermissionDenied(_("Bạn không được khôi phục phiên bản này."))
        return super().history_form_view(request, object_id, version_id, extra_context)

    def may_revert(self, request, obj) -> bool:
        """Whether this record may go back to an earlier version at all."""
        return self.history_revert

    def revert_disabled(self, request, obj=None) -> bool:
        return (
            super().revert_disabled(request, obj)
            or not self.may_revert(request, obj)
            or not self.has_change_permission(request, obj)
        )

    def set_history_delta_changes(self, request, historical_records, **kwargs):
        hidden = self._out_of_reach(request, historical_records)
        request._history_hidden = hidden
        pk_name = self.model._meta.pk.attname
        for record in historical_records:
            if self._names_hidden(record, hidden):
                # Its name may be built from the record it points to ("product — round").
                record.history_object = (
                    f"{self.model._meta.verbose_name} #{getattr(record, pk_name)}"
                )
        super().set_history_delta_changes(request, historical_records, **kwargs)

    def get_historical_record_context_helper(self, request, historical_record):
        return _ScopedHistoryHelper(
            self.model, historical_record, hidden=getattr(request, "_history_hidden", set())
        )

    def _visible_object(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None and not policy.sees_everything(request.user):
            raise Http404
        return obj

    def _foreign_keys(self):
        """The foreign keys of this model to records that lie in areas (users aside: who acted
        on a record is part of its history, as on the pages)."""
        for field in self.model._meta.concrete_fields:
            related = field.related_model
            if (
                (field.many_to_one or field.one_to_one)
                and related is not get_user_model()
                and hasattr(related._default_manager, "visible_to")
            ):
                yield field

    def _out_of_reach(self, request, records) -> set[tuple[type, object]]:
        """(model, pk) of the records these history rows point to that the user does not see."""
        if policy.sees_everything(request.user):
            return set()
        wanted = defaultdict(set)
        for field in self._foreign_keys():
            for record in records:
                value = getattr(record, field.attname, None)
                if value is not None:
                    wanted[field.related_model].add(value)
        hidden = set()
        for related, ids in wanted.items():
            queryset = related._default_manager.all()
            if getattr(queryset, "area_path_lookup", None) == "path":
                # Areas: the units above one's own are named in its full name already.
                queryset = queryset.filter(policy.inside_or_above(request.user, "path"))
            else:
                queryset = queryset.visible_to(request.user)
            seen = set(queryset.filter(pk__in=ids).values_list("pk", flat=True))
            hidden |= {(related, pk) for pk in ids - seen}
        return hidden

    def _names_hidden(self, record, hidden) -> bool:
        return any(
            (field.related_model, getattr(record, field.attname, None)) in hidden
            for field in self._foreign_keys()
        )

    # --- Choices -------------------------------------------------------------------------------

    def _limit(self, db_field, request, kwargs):
        manager = db_field.related_model._default_manager
        if "queryset" not in kwargs and hasattr(manager, "visible_to"):
            kwargs["queryset"] = manager.visible_to(request.user)
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **self._limit(db_field, request, kwargs)
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(
            db_field, request, **self._limit(db_field, request, kwargs)
        )


class ReadOnlyInline(admin.TabularInline):
    """Rows of a workflow record, shown as they are."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AttachedFileAdminMixin:
    """The fields of an attached file (``core.models.AttachedFile``), for reading: its file is
    opened through the portal's download, never from a storage address."""

    file_fields = [
        "title",
        "download",
        "content_type",
        "size",
        "sha256",
        "added_by",
        "added_at",
    ]

    @admin.display(description=_("tệp"))
    def download(self, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.filename)


class ReferenceDataAdminMixin(PolicyAdminMixin):
    """Reference data (administrative units, classifications): staff with admin access may
    read it, only administrators change it."""

    model_rule = add_rule = change_rule = delete_rule = "reference.change"


class FoldedSearchMixin:
    """Admin search that ignores case and diacritics: its search fields hold folded text."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, fold(search_term))
