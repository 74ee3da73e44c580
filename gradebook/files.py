"""Checks for files teachers and students upload (homework, submissions, the methodological
library), and the one way such files are handed back.

A file is accepted by what it *is*, not by what it is called: the first bytes (and, for
ZIP containers, the names inside) must match one of the allowed kinds, and the name's
extension must agree with the content. An HTML page renamed «answer.pdf» is refused.
Downloads always go through a permission-checked view as an attachment with `nosniff`,
so even a file that slipped through is never rendered by the browser as a page.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from gradebook.errors import FILE_TOO_BIG, FILE_TYPE, FILE_UNREADABLE, GradebookError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
HEAD_BYTES = 8192
# Text files are read whole up to this size to check the encoding; larger ones by their head.
TEXT_CHECK_BYTES = 256 * 1024

PDF = "application/pdf"
ZIP = "application/zip"
OLE = "application/x-ole-storage"  # old .doc/.xls/.ppt share one container
OFFICE_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "rtf": "application/rtf",
}
# The folder an Office Open XML package keeps its main part in.
OOXML_FOLDERS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
               "webp": "image/webp", "heic": "image/heic", "heif": "image/heif"}
TEXT_TYPES = {"txt": "text/plain", "csv": "text/csv"}
ALLOWED_EXTENSIONS = sorted({"pdf", "zip", *OFFICE_TYPES, *IMAGE_TYPES, *TEXT_TYPES})
# Markup a browser would run if it ever rendered the file (refused even in a .txt).
ACTIVE_MARKUP = (b"<html", b"<!doctype", b"<script", b"<svg", b"<iframe", b"<body", b"<?xml", b"<head",
                 b"<object", b"<embed")


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed: its original name (trimmed), size and content type."""

    name: str
    size: int
    content_type: str


def upload_max_bytes() -> int:
    """The size limit (setting `GRADEBOOK_UPLOAD_MAX_BYTES`, 20 MB by default)."""
    return int(getattr(settings, "GRADEBOOK_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _read_head(upload: UploadedFile, size: int) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _zip_names(upload: UploadedFile) -> list[str] | None:
    """The names inside a ZIP container (not extracted: no zip bombs), or None if unreadable."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)


def _odf_mimetype(upload: UploadedFile) -> str:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            return archive.read("mimetype")[:100].decode("ascii", "replace").strip()
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return ""
    finally:
        upload.seek(0)


def _looks_like_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    for encoding in ("utf-8", "cp1251"):  # Windows-1251 is still what many school PCs save
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            # A cut in the middle of a multibyte character at the end of the sample is fine.
            if encoding == "utf-8":
                try:
                    data[:-3].decode(encoding)
                except UnicodeDecodeError:
                    continue
                return True
            continue
        return True
    return False


def _sniff(upload: UploadedFile, extension: str, head: bytes) -> str | None:
    """The content type the bytes prove for a file named `*.extension`, or None."""
    if head.startswith(b"%PDF-"):
        return PDF if extension == "pdf" else None
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return IMAGE_TYPES["png"] if extension == "png" else None
    if head.startswith(b"\xff\xd8\xff"):
        return IMAGE_TYPES["jpg"] if extension in ("jpg", "jpeg") else None
    if head.startswith((b"GIF87a", b"GIF89a")):
        return IMAGE_TYPES["gif"] if extension == "gif" else None
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return IMAGE_TYPES["webp"] if extension == "webp" else None
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"heif"):
        return IMAGE_TYPES[extension] if extension in ("heic", "heif") else None
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OFFICE_TYPES[extension] if extension in ("doc", "xls", "ppt") else None
    if head.startswith(b"{\\rtf"):
        return OFFICE_TYPES["rtf"] if extension == "rtf" else None
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        names = _zip_names(upload)
        if names is None:
            return None
        if extension == "zip":
            return ZIP
        if extension in OOXML_FOLDERS:
            folder = OOXML_FOLDERS[extension]
            ok = "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)
            return OFFICE_TYPES[extension] if ok else None
        if extension in ("odt", "ods", "odp"):
            return OFFICE_TYPES[extension] if _odf_mimetype(upload) == OFFICE_TYPES[extension] else None
        return None
    if extension in TEXT_TYPES:
        sample = _read_head(upload, TEXT_CHECK_BYTES)
        lowered = sample.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if any(tag in lowered[:4096] for tag in ACTIVE_MARKUP) or not _looks_like_text(sample):
            return None
        return TEXT_TYPES[extension]
    return None


def check_upload(uploaded_file: UploadedFile) -> str:
    """Check one upload by size and content; return its content type.

    Raises GradebookError FILE_TOO_BIG, FILE_UNREADABLE (empty) or FILE_TYPE (not an
    allowed kind, or the content does not match the name)."""
    name = (uploaded_file.name or "").strip()
    size = uploaded_file.size or 0
    limit = upload_max_bytes()
    if size > limit:
        raise GradebookError(FILE_TOO_BIG, _("«%(name)s» is %(size)s; files up to %(limit)s are accepted.") % {
            "name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)}, field="files")
    if size == 0:
        raise GradebookError(FILE_UNREADABLE, _("«%(name)s» is empty.") % {"name": name}, field="files")
    extension = _extension(name)
    allowed = ", ".join(ALLOWED_EXTENSIONS)
    if extension not in ALLOWED_EXTENSIONS:
        raise GradebookError(FILE_TYPE, _("«%(name)s»: this kind of file is not accepted. Accepted: %(allowed)s.")
                             % {"name": name, "allowed": allowed}, field="files")
    content_type = _sniff(uploaded_file, extension, _read_head(uploaded_file, HEAD_BYTES))
    if content_type is None:
        raise GradebookError(FILE_TYPE, _("«%(name)s» is not really a .%(extension)s file, so it was not accepted.")
                             % {"name": name, "extension": extension}, field="files")
    return content_type


def check_uploads(uploaded_files: Iterable[UploadedFile], *, max_count: int = 10) -> list[CheckedFile]:
    """Check several uploads before anything is written: all pass, or none is saved."""
    files = list(uploaded_files)
    if len(files) > max_count:
        raise GradebookError(FILE_TYPE, _("Attach at most %(count)s files.") % {"count": max_count}, field="files")
    checked = []
    for upload in files:
        content_type = check_upload(upload)
        checked.append(CheckedFile(name=(upload.name or "file")[-255:], size=upload.size or 0,
                                   content_type=content_type))
    return checked


def download_response(field_file: FieldFile, *, name: str, content_type: str = "") -> FileResponse:
    """A stored upload as an attachment: never rendered inline, never sniffed into HTML.
    The caller has already checked that the person may have it."""
    response = FileResponse(field_file.open("rb"), as_attachment=True, filename=name,
                            content_type=content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser render it anyway (an old one, a PDF viewer), give it no powers.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
