"""Checks a file before anything is written: allowed type, size, content matching the
extension (magic bytes with ``filetype``; zip directory with ``zipfile`` for OOXML/ODF),
archive limits read from the zip directory without extracting, and active content where
detectable. Every refusal is an ``ApplicationError`` with a French message.

"Where detectable" is meant literally: the PDF check is a byte search (after decoding
``#xx`` escapes in names), so an action hidden in a compressed object stream is not seen;
macros are recognised by their standard parts (``vbaProject.bin``, macro-enabled content
types, ODF ``Basic/`` and ``Scripts/``), and markup by a few tags. Files are still served
as attachments with ``nosniff`` and their detected type, which is the real defence.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

import filetype
from django.conf import settings

from accounts.exceptions import ApplicationError

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Extension → the type its content must have.
ALLOWED_TYPES: dict[str, str] = {
    "pdf": PDF,
    "png": PNG,
    "jpg": JPEG,
    "jpeg": JPEG,
    "odt": ODT,
    "ods": ODS,
    "docx": DOCX,
    "xlsx": XLSX,
}
ZIP_TYPES = {ODT, ODS, DOCX, XLSX}
# What filetype may call a zip-based office document (it peeks at the first entries only).
ZIP_FAMILY = ZIP_TYPES | {
    "application/zip",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.presentation",
}
ACCEPT_ATTRIBUTE = ".pdf,.png,.jpg,.jpeg,.odt,.docx,.xlsx,.ods"
DISPLAY_NAME_MAX = 150
SMALL_PART_MAX = 1024 * 1024  # bytes read from [Content_Types].xml or mimetype, at most

NOT_ACCEPTED = "Ce type de fichier n'est pas accepté : PDF, PNG, JPEG, ODT, DOCX, XLSX ou ODS."
ACTIVE = (
    "Le document contient des macros ou du contenu actif : enregistrez-le sans macros ou en PDF."
)
HIDDEN_TAIL = (
    "Le fichier contient des données ajoutées après la fin du document : enregistrez-le à "
    "nouveau ou en PDF."
)
BAD_NAME = (
    "Le nom du fichier n'est pas valide : renommez-le sans « / », « \\ », « .. » ni "
    "caractères de contrôle."
)
DAMAGED = "Le fichier est endommagé ou incomplet : enregistrez-le à nouveau."

# Markup that has nothing to do in a PDF or an image (polyglots that a browser could render).
MARKUP = re.compile(
    rb"<(?:script|html|svg|iframe|object|embed)[\s>/]|<!doctype\s+html|<\?php|<\?xml-stylesheet",
    re.IGNORECASE,
)
PDF_ACTIONS = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA)(?![A-Za-z0-9])")
PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
OOXML_MACRO_PARTS = {"vbaproject.bin", "vbadata.xml"}
OOXML_MACRO_TYPES = (b"macroenabled", b"vbaproject", b"activex")
ODF_MACRO_DIRS = ("basic/", "scripts/")


@dataclass(frozen=True)
class CheckedFile:
    """What validation learnt about an accepted file."""

    display_name: str
    content_type: str
    size: int
    sha256: str


def validate_upload(*, name: str, data: bytes) -> CheckedFile:
    """Accept ``data`` uploaded as ``name`` or raise ``ApplicationError`` saying why not."""
    display_name = display_name_check(name)
    extension = extension_of(display_name)
    size_check(len(data))
    expected = ALLOWED_TYPES[extension]
    detected = _detected_type(data, extension)
    if expected in ZIP_TYPES:
        archive_check(data, expected=expected, extension=extension)
    elif detected != expected:
        raise mismatch(extension)
    if expected == PDF:
        _pdf_check(data)
    elif expected == PNG:
        _png_check(data)
    elif expected == JPEG:
        _jpeg_check(data)
    return CheckedFile(
        display_name=display_name,
        content_type=expected,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def mismatch(extension: str) -> ApplicationError:
    return ApplicationError(f"Le contenu ne correspond pas à l'extension .{extension}.")


# Name, extension, size --------------------------------------------------------------------


def display_name_check(name: str) -> str:
    """Refuse names that try a path (NUL, separators, ``..``); return the name without
    control or formatting characters (e.g. right-to-left overrides), length capped and the
    extension kept. The result is display metadata only, never a storage path."""
    if not name or "\x00" in name or "/" in name or "\\" in name or ".." in name:
        raise ApplicationError(BAD_NAME)
    cleaned = "".join(
        char
        for char in unicodedata.normalize("NFC", name)
        if unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp")
    ).strip(" .")
    if not cleaned:
        raise ApplicationError(BAD_NAME)
    if len(cleaned) > DISPLAY_NAME_MAX:
        stem, dot, suffix = cleaned.rpartition(".")
        keep = DISPLAY_NAME_MAX - len(suffix) - 1
        cleaned = f"{stem[:keep]}.{suffix}" if dot and keep > 0 else cleaned[:DISPLAY_NAME_MAX]
    return cleaned


def extension_of(name: str) -> str:
    _, dot, suffix = name.rpartition(".")
    extension = suffix.lower() if dot else ""
    if extension not in ALLOWED_TYPES:
        raise ApplicationError(NOT_ACCEPTED)
    return extension


def size_check(size: int) -> None:
    if size == 0:
        raise ApplicationError("Le fichier est vide.")
    if size > settings.DOCUMENT_MAX_BYTES:
        raise ApplicationError(f"Le fichier dépasse {human_size(settings.DOCUMENT_MAX_BYTES)}.")


def human_size(size: int) -> str:
    """``10 Mo``, ``1,5 Mo``, ``2 Ko``, ``500 octets`` (French units, 1 Mo = 1024 Ko)."""
    for unit, factor in (("Mo", 1024 * 1024), ("Ko", 1024)):
        if size >= factor:
            value = f"{size / factor:.1f}".removesuffix(".0").replace(".", ",")
            return f"{value} {unit}"
    return f"{size} octets"


def _detected_type(data: bytes, extension: str) -> str:
    kind = filetype.guess(data)
    mime = kind.mime if kind is not None else ""
    if ALLOWED_TYPES[extension] in ZIP_TYPES and mime not in ZIP_FAMILY:
        raise mismatch(extension)
    return mime


# OOXML and ODF (zip archives) -------------------------------------------------------------


def archive_check(data: bytes, *, expected: str, extension: str) -> None:
    """Limits from the zip directory (no extraction), safe entry names, the type the
    archive really is, and no macro parts."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            _archive_limits(entries)
            names = [entry.filename for entry in entries]
            actual = _office_type(archive, names)
            if actual != expected:
                raise mismatch(extension)
            _macro_check(archive, names, actual)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as error:
        raise mismatch(extension) from error
    except NotImplementedError as error:  # an unknown compression method
        raise ApplicationError(DAMAGED) from error


def _archive_limits(entries: list[zipfile.ZipInfo]) -> None:
    if len(entries) > settings.DOCUMENT_ARCHIVE_MAX_ENTRIES:
        raise ApplicationError("Le document contient trop de fichiers internes.")
    if sum(entry.file_size for entry in entries) > settings.DOCUMENT_ARCHIVE_MAX_UNCOMPRESSED_BYTES:
        raise ApplicationError("Archive trop volumineuse une fois décompressée.")
    for entry in entries:
        if not _safe_entry_name(entry.orig_filename):
            raise ApplicationError("Le document contient un chemin de fichier dangereux.")
        if entry.flag_bits & 0x1:
            raise ApplicationError("Le document est chiffré : enregistrez-le sans mot de passe.")


def _safe_entry_name(name: str) -> bool:
    if not name or "\x00" in name or name.startswith(("/", "\\")):
        return False
    if PureWindowsPath(name).drive:
        return False
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return ".." not in parts


def _read_small(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as part:
        return part.read(SMALL_PART_MAX)


def _office_type(archive: zipfile.ZipFile, names: list[str]) -> str:
    if "mimetype" in names:
        declared = _read_small(archive, "mimetype").strip()
        return {ODT.encode(): ODT, ODS.encode(): ODS}.get(declared, "")
    if "[Content_Types].xml" not in names:
        return ""
    word = any(name.startswith("word/") for name in names)
    excel = any(name.startswith("xl/") for name in names)
    if word == excel:
        return ""
    return DOCX if word else XLSX


def _macro_check(archive: zipfile.ZipFile, names: list[str], kind: str) -> None:
    lowered = [name.lower() for name in names]
    if kind in (ODT, ODS):
        if any(name.startswith(ODF_MACRO_DIRS) for name in lowered):
            raise ApplicationError(ACTIVE)
        return
    if any(PurePosixPath(name).name in OOXML_MACRO_PARTS for name in lowered) or any(
        "/activex/" in f"/{name}" for name in lowered
    ):
        raise ApplicationError(ACTIVE)
    content_types = _read_small(archive, "[Content_Types].xml").lower()
    if any(marker in content_types for marker in OOXML_MACRO_TYPES):
        raise ApplicationError(ACTIVE)


# PDF and images ---------------------------------------------------------------------------


def _pdf_check(data: bytes) -> None:
    end = data.rfind(b"%%EOF")
    if end < 0:
        raise ApplicationError(DAMAGED)
    if data[end + len(b"%%EOF") :].strip(b"\r\n\t \x00"):
        raise ApplicationError(HIDDEN_TAIL)
    decoded = PDF_NAME_ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), data)
    if PDF_ACTIONS.search(decoded) or MARKUP.search(data):
        raise ApplicationError(ACTIVE)


def _png_check(data: bytes) -> None:
    end = data.rfind(b"IEND")
    if end < 0:
        raise ApplicationError(DAMAGED)
    if data[end + 8 :]:  # "IEND" then its 4-byte CRC end the file
        raise ApplicationError(HIDDEN_TAIL)
    if MARKUP.search(data):
        raise ApplicationError(ACTIVE)


def _jpeg_check(data: bytes) -> None:
    end = data.rfind(b"\xff\xd9")
    if end < 0:
        raise ApplicationError(DAMAGED)
    if data[end + 2 :].strip(b"\x00"):
        raise ApplicationError(HIDDEN_TAIL)
    if MARKUP.search(data):
        raise ApplicationError(ACTIVE)
