"""Upload checks by content: allowed kinds pass, an HTML page under another name, a
mismatching extension, active markup in a text file and an oversized file are refused;
downloads are attachments that browsers may not sniff."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gradebook.errors import FILE_TOO_BIG, FILE_TYPE, FILE_UNREADABLE, GradebookError
from gradebook.files import check_upload, check_uploads

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
PDF = b"%PDF-1.7\n%%EOF\n"


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"})


@pytest.mark.parametrize(("name", "data", "content_type"), [
    ("answer.pdf", PDF, "application/pdf"),
    ("photo.PNG", PNG, "image/png"),
    ("photo.jpeg", JPEG, "image/jpeg"),
    ("essay.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("essay.odt", ODT, "application/vnd.oasis.opendocument.text"),
    ("project.zip", DOCX, "application/zip"),
    ("notes.txt", "Решение: x = 5\n".encode(), "text/plain"),
    ("notes.txt", "Решение: x = 5\n".encode("cp1251"), "text/plain"),
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "application/msword"),
])
def test_allowed_files_pass_with_their_real_type(name, data, content_type):
    assert check_upload(SimpleUploadedFile(name, data, content_type="text/html")) == content_type


@pytest.mark.parametrize(("name", "data"), [
    ("answer.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),  # HTML renamed .pdf
    ("photo.png", JPEG),  # content and name disagree
    ("essay.docx", _zip({"evil.html": b"<html></html>"})),  # a ZIP that is not a document
    ("page.html", b"<html></html>"),
    ("image.svg", b"<svg onload='alert(1)'/>"),
    ("notes.txt", b"  <script>alert(1)</script>"),
    ("notes.txt", b"\x00\x01\x02binary"),
    ("run.exe", b"MZ\x90\x00"),
    ("noextension", PDF),
])
def test_disguised_or_unknown_files_are_refused(name, data):
    with pytest.raises(GradebookError) as refused:
        check_upload(SimpleUploadedFile(name, data))
    assert refused.value.code == FILE_TYPE
    assert refused.value.field == "files"


def test_size_limit_from_the_setting(settings):
    settings.GRADEBOOK_UPLOAD_MAX_BYTES = 1024
    with pytest.raises(GradebookError) as refused:
        check_upload(SimpleUploadedFile("big.pdf", PDF + b"0" * 2000))
    assert refused.value.code == FILE_TOO_BIG
    assert "big.pdf" in refused.value.message
    assert check_upload(SimpleUploadedFile("small.pdf", PDF)) == "application/pdf"


def test_empty_file_and_too_many_files():
    with pytest.raises(GradebookError) as refused:
        check_upload(SimpleUploadedFile("empty.pdf", b""))
    assert refused.value.code == FILE_UNREADABLE
    with pytest.raises(GradebookError):
        check_uploads([SimpleUploadedFile(f"{n}.pdf", PDF) for n in range(3)], max_count=2)


def test_one_bad_file_refuses_the_lot():
    with pytest.raises(GradebookError):
        check_uploads([SimpleUploadedFile("ok.pdf", PDF), SimpleUploadedFile("bad.pdf", b"<html>")])
