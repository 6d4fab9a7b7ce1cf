"""Spreadsheet import and export in the admin (django-import-export), shared by the registers.

An officer corrects data in Excel and loads it back. The rules every register follows here:

* columns have Vietnamese headers and references use what people have in their sheets (area
  codes, tax codes, names), looked up only among what the importing user may see;
* every cell is cleaned, every row is validated by the model (``full_clean``), and the dry run
  lists every bad row with its line number in the sheet and the reason;
* nothing is written unless every row is valid: the confirm step is offered only after a clean
  dry run, and a row failing during the real import undoes the whole import;
* exported text that a spreadsheet would run as a formula is neutralised, and a formula in an
  imported sheet is read as its text, never as the value a spreadsheet computed;
* a cell holding a control character is refused on import; an export drops such characters
  (stored before they were refused) instead of failing;
* an upload is inspected by its content before it is read (``inspect_upload``): an empty,
  damaged or oversized file, a zip bomb, or a CSV file not in UTF-8 is refused with the reason.
"""

import csv
import re
import unicodedata
import zipfile
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from io import BytesIO

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext_lazy as _
from import_export import widgets
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ExportForm as BaseExportForm
from import_export.forms import ImportForm as BaseImportForm
from import_export.resources import ModelResource
from import_export.results import Result, RowResult

from core.text import clean, fold, multi_line, strip_control

#: Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Dates are written day first in Vietnam; ISO dates and real spreadsheet dates work too.
DATE_INPUT_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S")
# Limits of an uploaded file, checked before it is parsed.
MAX_IMPORT_BYTES = 5 * 1024 * 1024
#: Records in one file (the header line not counted).
MAX_IMPORT_ROWS = 5_000
MAX_IMPORT_COLUMNS = 100
#: An XLSX file is a zip archive: what its members may unpack to, in all and each.
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 1_000
MAX_ZIP_RATIO = 100  # a real sheet packs 5 to 30 times; a zip bomb thousands of times
#: Cell values for yes and no. Like the headers they are part of the file format, the same
#: whatever the interface language, so they are not translated.
YES, NO = "Có", "Không"
_YES = {"co", "x", "1", "true", "yes", "dung"}
_NO = {"khong", "0", "false", "no", "sai"}
_THOUSANDS = re.compile(r"\d{1,3}([.,]\d{3})+")


def neutralise(value):
    """Text safe in a spreadsheet: without control characters (a spreadsheet library refuses
    them), and prefixed with an apostrophe if a spreadsheet would run it as a formula."""
    if not isinstance(value, str):
        return value
    value = strip_control(value)
    if value.startswith(FORMULA_START):
        return "'" + value
    return value


def clean_cell(value, multiline: bool = False):
    """A cell as the models expect it: text in NFC with single spaces (line breaks kept in
    multi-line text), the apostrophe added by ``neutralise`` removed, and whole numbers that a
    spreadsheet stored as floats (12.0) made whole again."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if not isinstance(value, str):
        return value
    if multiline:
        text = unicodedata.normalize("NFC", value).replace("\r\n", "\n")
        value = "\n".join(clean(line) for line in text.split("\n")).strip()
    else:
        value = clean(value)
    if value[:1] == "'" and value[1:2] in FORMULA_START:
        value = value[1:]
    return value


class FileRefused(ValueError):
    """An uploaded file that is not read, with the reason for the officer."""


def inspect_upload(data: bytes, file_format) -> None:
    """Refuse, by its content whatever its name, a file that cannot or must not be read."""
    if not data.strip():
        raise FileRefused(_("Tệp rỗng, không có dữ liệu để nhập."))
    if len(data) > MAX_IMPORT_BYTES:
        raise FileRefused(_("Tệp quá lớn: tối đa 5 MB."))
    is_zip = data.startswith(b"PK\x03\x04")
    if issubclass(file_format, base_formats.XLSX):
        if not is_zip:
            raise FileRefused(
                _(
                    "Tệp không phải là tệp Excel (.xlsx). Nếu đây là tệp CSV, hãy chọn định "
                    "dạng csv; nếu là tệp .xls cũ, hãy mở bằng Excel và lưu lại dạng .xlsx."
                )
            )
        _inspect_zip(data)
        return
    if is_zip:
        raise FileRefused(_("Tệp này là tệp Excel (.xlsx), không phải CSV: hãy chọn dạng xlsx."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        raise FileRefused(_("Tệp không phải là tệp CSV dạng chữ (UTF-8)."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(
            _(
                "Tệp CSV không được lưu bằng bảng mã UTF-8 nên tiếng Việt sẽ bị lỗi. Trong "
                "Excel, chọn Lưu thành → “CSV UTF-8 (phân cách bằng dấu phẩy)” rồi tải lên lại."
            )
        ) from None
    for count, _row in enumerate(csv.reader(text.splitlines())):
        if count > MAX_IMPORT_ROWS:
            raise _too_many_rows()


def has_records(dataset):
    """The dataset, refused if it has no record under its header line."""
    if not dataset.headers or not len(dataset):
        raise FileRefused(_("Tệp không có dòng dữ liệu nào dưới dòng tên cột."))
    return dataset


def _too_many_rows() -> FileRefused:
    return FileRefused(
        _("Tệp có hơn %(rows)s dòng dữ liệu: hãy chia thành nhiều tệp nhỏ hơn.")
        % {"rows": f"{MAX_IMPORT_ROWS:,}".replace(",", ".")}
    )


def _inspect_zip(data: bytes) -> None:
    """The directory of an XLSX archive, read before anything is unpacked."""
    damaged = FileRefused(
        _(
            "Tệp Excel bị hỏng hoặc chưa tải lên hết. Hãy mở tệp bằng Excel, lưu lại "
            "dạng .xlsx rồi tải lên lại."
        )
    )
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise damaged from None
    if "xl/workbook.xml" not in {member.filename for member in members}:
        raise damaged
    # The declared sizes bound what is unpacked: zipfile stops at them (and fails the CRC).
    if (
        len(members) > MAX_ZIP_MEMBERS
        or sum(member.file_size for member in members) > MAX_UNZIPPED_BYTES
        or any(
            member.file_size > 1024 * 1024
            and member.file_size > MAX_ZIP_RATIO * max(member.compress_size, 1)
            for member in members
        )
    ):
        raise FileRefused(
            _(
                "Tệp Excel khi giải nén quá lớn hoặc có cấu trúc bất thường (nghi là “bom "
                "nén”), không được đọc. Hãy lưu lại dữ liệu vào một tệp .xlsx mới."
            )
        )


def is_blank(values) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


# Formats ------------------------------------------------------------------------------------


class _NeutraliseFormulae:
    """Formula neutralisation, run when IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT is on.

    The library's own escaping drops a leading "=" only, leaves + - @ (which spreadsheets run
    too, from a CSV file above all) and turns every cell into text: dates, numbers, and empty
    cells as "None". Here text cells are prefixed with an apostrophe (the import removes it
    again) and every other cell keeps its type. Control characters are dropped from every
    export, formula setting or not.
    """

    def _escape_formulae(self, dataset):
        for index, row in enumerate(dataset):
            dataset[index] = [neutralise(cell) for cell in row]

    def export_data(self, dataset, **kwargs):
        # openpyxl refuses a cell with a control character: the whole export would fail.
        for index, row in enumerate(dataset):
            dataset[index] = [strip_control(c) if isinstance(c, str) else c for c in row]
        return super().export_data(dataset, **kwargs)


class CSV(_NeutraliseFormulae, base_formats.CSV):
    """CSV in UTF-8 with a byte order mark (the admin's ``to_encoding``), dates as ISO
    2024-03-15: day and month are never swapped by a spreadsheet's locale. The name says so in
    the format menu and the response's Content-Type names the charset."""

    CONTENT_TYPE = "text/csv; charset=utf-8"

    @staticmethod
    def label() -> str:
        return _("csv (UTF-8 có BOM, ngày dạng ISO năm-tháng-ngày)")

    def create_dataset(self, in_stream, **kwargs):
        # Excel set to Vietnamese saves CSV with ";" between cells, "," being its decimal mark.
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(self.encoding or "utf-8-sig")
        header = in_stream.split("\n", 1)[0]
        delimiter = ";" if header.count(";") > header.count(",") else ","
        return has_records(super().create_dataset(in_stream, delimiter=delimiter, **kwargs))


class XLSX(_NeutraliseFormulae, base_formats.XLSX):
    @staticmethod
    def label() -> str:
        return _("xlsx (Excel, khuyên dùng)")

    def create_dataset(self, in_stream):
        """The first sheet, as the library reads it but with formulas as their text (the
        library reads the value the spreadsheet last computed) and at most MAX_IMPORT_ROWS
        records, counted while reading."""
        import openpyxl
        import tablib

        inspect_upload(in_stream, type(self))
        book = openpyxl.load_workbook(BytesIO(in_stream), read_only=True, data_only=False)
        try:
            rows = book.active.iter_rows(values_only=True)
            headers = list(next(rows, ()))
            while headers and headers[-1] is None:
                headers.pop()
            if len(headers) > MAX_IMPORT_COLUMNS:
                raise FileRefused(
                    _("Tệp có quá nhiều cột (tối đa %(columns)d).")
                    % {"columns": MAX_IMPORT_COLUMNS}
                )
            dataset = tablib.Dataset(headers=headers)
            for row in rows:
                if len(dataset) >= MAX_IMPORT_ROWS:
                    raise _too_many_rows()
                row = (list(row) + [None] * len(headers))[: len(headers)]
                dataset.append(row)
        finally:
            book.close()
        return has_records(dataset)

    def export_data(self, dataset, **kwargs):
        import openpyxl

        # Real dates, shown as officers write them rather than in openpyxl's yyyy-mm-dd; text
        # (a tax code 0301234567) formatted as text so that editing the cell keeps its zeros.
        book = openpyxl.load_workbook(BytesIO(super().export_data(dataset, **kwargs)))
        sheet = book.active
        widths: dict[str, int] = {}
        for row in sheet.iter_rows():
            for cell in row:
                if cell.row > 1 and cell.is_date:
                    cell.number_format = "DD/MM/YYYY"
                elif cell.row > 1 and cell.data_type == "s":
                    cell.number_format = "@"
                shown = 10 if cell.is_date else len(str(cell.value or ""))
                widths[cell.column_letter] = max(widths.get(cell.column_letter, 0), shown)
        for column, width in widths.items():
            sheet.column_dimensions[column].width = min(max(width + 2, 8), 60)
        sheet.freeze_panes = "A2"
        output = BytesIO()
        book.save(output)
        return output.getvalue()


# Widgets: one cell to one value, with the reason in Vietnamese when it cannot be read -----------


class TextWidget(widgets.CharWidget):
    """Text as cleaned from the cell; digits typed as a number (a tax code) become text. A
    control character is refused (line breaks are left to the model: kept in multi-line text,
    refused in a name)."""

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value)
        try:
            multi_line(text)
        except ValidationError as error:
            raise ValueError(error.messages[0]) from None
        return text


class IntegerWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if value is None or value == "":
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value).replace(" ", "")
        if _THOUSANDS.fullmatch(text):  # 1.200 or 1,200 workers
            text = re.sub(r"[.,]", "", text)
        try:
            return int(text)
        except ValueError:
            raise ValueError(_("“%(value)s” không phải là số nguyên.") % {"value": value}) from None

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return value
        return "" if value is None else str(value)


class DecimalWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if value is None or value == "":
            return None
        text = str(value).replace(" ", "").replace(",", ".")  # 85,5 as written in Vietnam
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ValueError(_("“%(value)s” không phải là số.") % {"value": value})
        return number

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return value
        return "" if value is None else format(value.normalize(), "f")


class DateWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if value is None or value == "":
            return None
        if isinstance(value, datetime):  # a real date cell of a spreadsheet
            return value.date()
        if isinstance(value, date):
            return value
        for date_format in DATE_INPUT_FORMATS:
            try:
                day = datetime.strptime(str(value), date_format).date()
            except ValueError:
                continue
            if day.year >= 1900:  # not a two-digit year read as year 24
                return day
        raise ValueError(
            _("Ngày không hợp lệ, hãy nhập dạng ngày/tháng/năm (ví dụ 15/03/2024): “%(value)s”.")
            % {"value": value}
        )

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return value
        # ISO in a text file: a spreadsheet set to any locale reads it as the same day.
        return value.isoformat() if value else ""


class BooleanWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return value
        key = fold(str(value))
        if key in _YES:
            return True
        if key in _NO:
            return False
        raise ValueError(
            _("Hãy ghi “%(yes)s” hoặc “%(no)s”, không phải “%(value)s”.")
            % {"yes": YES, "no": NO, "value": value}
        )

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else (YES if value else NO)


class ChoiceWidget(widgets.Widget):
    """A choice by its Vietnamese label ("Hợp tác xã") or its code ("htx"), case and diacritics
    ignored. Exported as the Vietnamese label whatever the interface language, so that a file
    exported by one officer imports for another."""

    def __init__(self, choices):
        super().__init__()
        self.choices = choices

    def labels(self) -> dict:
        with translation.override(settings.LANGUAGE_CODE):
            return {value: str(label) for value, label in self.choices}

    def clean(self, value, row=None, **kwargs):
        if value is None or value == "":
            return None
        key = fold(str(value))
        labels = self.labels()
        for choice, label in labels.items():
            if key in (fold(str(choice)), fold(label)):
                return choice
        raise ValueError(
            _("“%(value)s” không có trong danh sách: %(choices)s.")
            % {"value": value, "choices": "; ".join(labels.values())}
        )

    def render(self, value, obj=None, **kwargs):
        return self.labels().get(value, value or "")


# Resources ----------------------------------------------------------------------------------


class SpreadsheetResult(Result):
    """Line numbers as the spreadsheet shows them: the header is line 1, the first record 2."""

    def append_invalid_row(self, number, row, validation_error):
        super().append_invalid_row(number + 1, row, validation_error)

    def append_error_row(self, number, row, errors):
        super().append_error_row(number + 1, row, errors)

    def row_errors(self):
        return [(row.number, row.errors) for row in self.error_rows]

    @property
    def bad_lines(self) -> list[int]:
        return sorted(row.number for row in [*self.invalid_rows, *self.error_rows])


class PortalResource(ModelResource):
    """The base of the registers' spreadsheets (see the module's docstring).

    A subclass declares its columns as fields, the columns a file must have, and
    ``instance_lookup``: how a row names an existing record (its natural key).
    """

    #: Headers a file must have; other columns may be left out.
    required_columns: tuple[str, ...] = ()
    #: Columns of multi-line text, whose line breaks are kept.
    multiline_columns: tuple[str, ...] = ()

    class Meta:
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self._lines = {}  # record → the line of the file that first named it
        self._absent = set()  # columns the file does not have

    @classmethod
    def get_result_class(cls):
        return SpreadsheetResult

    def get_queryset(self):
        # Existing records are found, and so updated, only among those the user may see.
        return super().get_queryset().visible_to(self.user)

    def instance_lookup(self, row) -> dict | None:
        """Filter arguments that find the record a row is about, or None for a new one."""
        raise NotImplementedError

    def import_data(self, dataset, **kwargs):
        # Widgets look references up among what this user may see.
        kwargs["user"] = self.user
        return super().import_data(dataset, **kwargs)

    def before_import(self, dataset, **kwargs):
        self._lines = {}
        # Headers are matched ignoring case, diacritics and spacing.
        known = {fold(field.column_name): field.column_name for field in self.fields.values()}
        dataset.headers = [
            known.get(fold(str(h or "")), clean(str(h or ""))) for h in dataset.headers
        ]
        self._absent = {f.column_name for f in self.fields.values()} - set(dataset.headers)
        while len(dataset) and is_blank(dataset[-1]):  # formatting left below the data
            dataset.rpop()
        missing = [column for column in self.required_columns if column not in dataset.headers]
        if missing:
            raise ValueError(
                _("Tệp thiếu cột: %(columns)s. Dòng đầu của tệp phải là tên các cột.")
                % {"columns": ", ".join(missing)}
            )

    def before_import_row(self, row, **kwargs):
        for column, value in row.items():
            row[column] = clean_cell(value, multiline=column in self.multiline_columns)

    def get_instance(self, instance_loader, row):
        try:
            lookup = self.instance_lookup(row)
        except (KeyError, ValueError):
            return None  # a bad reference is reported against its own column
        if not lookup:
            return None
        found = list(self.get_queryset().filter(**lookup)[:2])
        if len(found) > 1:
            raise ValidationError(
                _("Dòng này khớp với nhiều bản ghi; hãy ghi thêm mã để phân biệt.")
            )
        return found[0] if found else None

    def after_init_instance(self, instance, new, row, **kwargs):
        # Without this, a record listed twice would be written twice, the second row silently
        # overwriting the first.
        if not new and instance.pk in self._lines:
            raise ValidationError(
                _("Trùng với dòng %(line)s của tệp.") % {"line": self._lines[instance.pk]}
            )

    def import_row(self, row, instance_loader, **kwargs):
        row_result = super().import_row(row, instance_loader, **kwargs)
        if row_result.object_id is not None:
            self._lines.setdefault(row_result.object_id, kwargs["row_number"] + 1)
        return row_result

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return is_blank(row.values()) or super().skip_row(
            instance, original, row, import_validation_errors
        )

    def prepare_instance(self, instance) -> None:
        """Derive before validation what the model derives on save, for its checks to see."""

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        self.prepare_instance(instance)
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as error:
            raise ValidationError(self._by_column(error.message_dict)) from error

    def _by_column(self, errors: dict) -> dict:
        """Errors keyed by the column the officer has to correct, not by the model field.

        An error on a column the file leaves out on purpose (it has a default, such as a
        certificate's area) follows from another error of the row: it is left out then.
        """
        columns = {f.attribute: f.column_name for f in self.fields.values() if not f.readonly}
        model_fields = {field.name: field for field in self._meta.model._meta.fields}
        by_column, consequences = {}, {}
        for name, messages_ in errors.items():
            field = model_fields.get(name)
            column = columns.get(name) or (capfirst(field.verbose_name) if field else name)
            target = consequences if column in self._absent else by_column
            target.setdefault(column, []).extend(messages_)
        return by_column or consequences

    def before_save_instance(self, instance, row, **kwargs):
        # The history says where a change came from.
        reason = _("Nhập từ tệp %(file)s") % {"file": kwargs.get("file_name") or ""}
        instance._change_reason = str(reason)[:100]


# Admin --------------------------------------------------------------------------------------


def _label_formats(field, formats) -> None:
    """The format menu names each file as the user knows it (the library shows tablib's name,
    which it also uses to find the format, so the name itself stays)."""
    labels = {str(index): getattr(f, "label", f().get_title)() for index, f in enumerate(formats)}
    field.choices = [(value, labels.get(value, text)) for value, text in field.choices]


class ImportForm(BaseImportForm):
    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.formats = formats
        _label_formats(self.fields["format"], formats)
        self.fields["import_file"].label = _("Tệp cần nhập")
        self.fields["import_file"].help_text = _("Excel (.xlsx) hoặc CSV, tối đa 5 MB.")
        self.fields["format"].label = _("Định dạng")

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > MAX_IMPORT_BYTES:  # refused before a byte of it is read
            raise forms.ValidationError(_("Tệp quá lớn: tối đa 5 MB."))
        return upload

    def clean(self):
        cleaned = super().clean()
        upload, chosen = cleaned.get("import_file"), cleaned.get("format")
        if upload is not None and chosen not in (None, ""):
            upload.seek(0)
            try:
                inspect_upload(upload.read(), self.formats[int(chosen)])
            except FileRefused as refused:
                self.add_error("import_file", str(refused))
            finally:
                upload.seek(0)
        return cleaned


class ExportForm(BaseExportForm):
    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.fields["format"].label = _("Định dạng")
        self.fields["format"].initial = "0"
        _label_formats(self.fields["format"], formats)


class ImportExportAdminMixin(ImportExportMixin):
    """Import and export in XLSX and CSV, with Vietnamese pages, all or nothing.

    Put after ``VisibleToAdminMixin``: exports start from the admin's queryset, so from
    ``visible_to(request.user)``, and imports look records up through the resource, which is
    given the same user.
    """

    formats = [XLSX, CSV]
    import_form_class = ImportForm
    export_form_class = ExportForm
    import_template_name = "admin/ocop_import.html"
    export_template_name = "admin/ocop_export.html"
    import_export_change_list_template = "admin/ocop_change_list.html"
    #: Excel shows the Vietnamese of a UTF-8 CSV file correctly only with a byte order mark.
    to_encoding = "utf-8-sig"

    def has_import_permission(self, request):
        # An import adds and corrects records: it takes both rights.
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_or_change_permission(request)

    def get_export_data(self, file_format, request, queryset, **kwargs):
        # As the library's, but dates and numbers stay native in every binary format: the
        # library recognises only its own format classes, not the ones above.
        if not self.has_export_permission(request):
            raise PermissionDenied
        data = self.get_data_for_export(
            request, queryset, force_native_type=file_format.is_binary(), **kwargs
        )
        export_data = file_format.export_data(data)
        if not file_format.is_binary() and kwargs.get("encoding"):
            export_data = export_data.encode(kwargs["encoding"])
        return export_data

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {**kwargs, "user": request.user}

    def get_import_data_kwargs(self, **kwargs):
        # A row failing during the real import (another officer changed the data since the
        # dry run) undoes the whole import instead of leaving the other rows written.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        context["required_columns"] = self.resource_classes[0].required_columns
        return context

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, FileRefused):
            form.add_error("import_file", str(e))
            return
        form.add_error(
            "import_file",
            _("Không đọc được tệp. Hãy kiểm tra định dạng đã chọn (xlsx hay csv) đúng với tệp."),
        )

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            lines = ", ".join(str(line) for line in result.bad_lines) or "—"
            messages.error(
                request,
                _(
                    "Chưa nhập dòng nào: dữ liệu đã thay đổi từ lúc kiểm tra và dòng %(lines)s "
                    "không còn hợp lệ. Hãy tải tệp lên để kiểm tra lại."
                )
                % {"lines": lines},
            )
            return redirect("admin:{}_{}_import".format(*self.get_model_info()))
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        totals = result.totals
        messages.success(
            request,
            _(
                "Đã nhập xong: %(new)d bản ghi mới, %(updated)d được cập nhật, "
                "%(skipped)d không đổi."
            )
            % {
                "new": totals[RowResult.IMPORT_TYPE_NEW],
                "updated": totals[RowResult.IMPORT_TYPE_UPDATE],
                "skipped": totals[RowResult.IMPORT_TYPE_SKIP],
            },
        )

    def get_export_filename(self, request, queryset, file_format):
        name = slugify(fold(str(self.model._meta.verbose_name_plural)))
        return f"{name}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"
