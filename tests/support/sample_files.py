"""Minimal valid files of each accepted type, built in memory (no fixtures on disk), and
helpers to build zip-based office documents with chosen entries."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from PIL import Image

ODT_MIME = "application/vnd.oasis.opendocument.text"
ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"

CONTENT_TYPES_DOCX = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
CONTENT_TYPES_XLSX = CONTENT_TYPES_DOCX.replace("/word/document.xml", "/xl/workbook.xml").replace(
    "wordprocessingml.document.main", "spreadsheetml.sheet.main"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="{target}"/></Relationships>'
)
WORD_BODY = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>Statuts de l'association</w:t></w:r></w:p></w:body></w:document>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheets><sheet name="Budget" sheetId="1"/></sheets></workbook>'
)
ODF_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'office:version="1.3"><office:body/></office:document-content>'
)
ODF_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.3"><manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="{mime}"/></manifest:manifest>'
)


def zip_bytes(entries: list[tuple[str, bytes | str]], *, stored_first: bool = False) -> bytes:
    """A zip of ``entries`` in order (the first one stored, as ODF wants its mimetype)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, content) in enumerate(entries):
            method = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(name, content, compress_type=method)
    return buffer.getvalue()


def docx_entries() -> list[tuple[str, bytes | str]]:
    return [
        ("[Content_Types].xml", CONTENT_TYPES_DOCX),
        ("_rels/.rels", RELS.format(target="word/document.xml")),
        ("word/document.xml", WORD_BODY),
    ]


def xlsx_entries() -> list[tuple[str, bytes | str]]:
    return [
        ("[Content_Types].xml", CONTENT_TYPES_XLSX),
        ("_rels/.rels", RELS.format(target="xl/workbook.xml")),
        ("xl/workbook.xml", WORKBOOK),
    ]


def odf_entries(mime: str) -> list[tuple[str, bytes | str]]:
    return [
        ("mimetype", mime),
        ("content.xml", ODF_CONTENT),
        ("META-INF/manifest.xml", ODF_MANIFEST.format(mime=mime)),
    ]


def docx() -> bytes:
    return zip_bytes(docx_entries())


def xlsx() -> bytes:
    return zip_bytes(xlsx_entries())


def odt() -> bytes:
    return zip_bytes(odf_entries(ODT_MIME), stored_first=True)


def ods() -> bytes:
    return zip_bytes(odf_entries(ODS_MIME), stored_first=True)


def pdf(text: str = "Statuts") -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _image(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 60)).save(buffer, format=kind)
    return buffer.getvalue()


def png() -> bytes:
    return _image("PNG")


def jpeg() -> bytes:
    return _image("JPEG")


# Extension → a valid file of that type.
VALID_FILES: dict[str, Callable[[], bytes]] = {
    "pdf": pdf,
    "png": png,
    "jpg": jpeg,
    "jpeg": jpeg,
    "odt": odt,
    "docx": docx,
    "xlsx": xlsx,
    "ods": ods,
}
