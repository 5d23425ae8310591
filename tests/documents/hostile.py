"""Hostile files for the fuzz test, generated deterministically from one seeded
``random.Random``. Limits are read from the (lowered) settings of the test so zip bombs
stay small in memory."""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, PngImagePlugin

from tests.support import sample_files as sf
from tests.support.fake_clamd import EICAR

EXTENSIONS = ["pdf", "png", "jpg", "jpeg", "odt", "docx", "xlsx", "ods"]
KIND = {"pdf": "pdf", "png": "png", "jpg": "jpeg", "jpeg": "jpeg", "odt": "odt",
        "docx": "docx", "xlsx": "xlsx", "ods": "ods"}  # fmt: skip
SCRIPTS = [
    b"<script>alert(document.cookie)</script>",
    b"<SCRIPT src=//evil.example/x.js></SCRIPT>",
    b"<html><body onload=alert(1)></body></html>",
    b"<!DOCTYPE html><html><script>fetch('/compte/')</script>",
    b"<svg onload=alert(1)>",
    b"<iframe src=javascript:alert(1)>",
    b"<?php system($_GET['c']); ?>",
]
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(%d)</script></svg>"
)
FOREIGN = [
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50,  # Windows executable
    b"\x7fELF\x02\x01\x01" + b"\x00" * 50,
    b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
    b"{\\rtf1\\ansi hello}",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,  # OLE (.doc, .xls, encrypted OOXML)
    b"#!/bin/sh\nrm -rf /\n",
    b"Rar!\x1a\x07\x00" + b"\x00" * 40,
    b"\x1f\x8b\x08\x00" + b"\x00" * 40,
]


@dataclass(frozen=True)
class Hostile:
    category: str
    name: str
    data: bytes


def valid(extension: str) -> bytes:
    return sf.VALID_FILES[extension]()


def office(kind: str, extra: list[tuple[str, bytes | str]]) -> bytes:
    entries = {"docx": sf.docx_entries, "xlsx": sf.xlsx_entries}.get(kind)
    if entries is not None:
        return sf.zip_bytes([*entries(), *extra])
    mime = sf.ODT_MIME if kind == "odt" else sf.ODS_MIME
    return sf.zip_bytes([*sf.odf_entries(mime), *extra], stored_first=True)


def image(kind: str, *, text: bytes = b"", comment: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    picture = Image.new("RGB", (3, 3), (10, 20, 30))
    if kind == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", text.decode("latin-1"))
        picture.save(buffer, format="PNG", pnginfo=info)
    else:
        picture.save(buffer, format="JPEG", comment=comment)
    return buffer.getvalue()


def pdf_with(inside: bytes) -> bytes:
    """A valid PDF with ``inside`` inserted as an extra object before the trailer."""
    body = sf.pdf()
    return body.replace(b"xref\n", b"6 0 obj\n" + inside + b"\nendobj\nxref\n", 1)


class Generator:
    def __init__(self, seed: int = 2026) -> None:
        self.rng = random.Random(seed)
        self.files: list[Hostile] = []

    def add(self, category: str, name: str, data: bytes) -> None:
        self.files.append(Hostile(category, name, data))

    def word(self) -> str:
        return "".join(self.rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(6))

    def ext(self, among: list[str] | None = None) -> str:
        return self.rng.choice(among or EXTENSIONS)

    def repeat(self, count: int, make: Callable[[int], None]) -> None:
        for index in range(count):
            make(index)

    def all(self) -> list[Hostile]:
        for method in (
            self.wrong_magic, self.oversize, self.polyglots, self.zip_bombs, self.eicar,
            self.svg, self.disguised_markup, self.ooxml_macros, self.odf_macros, self.names,
            self.zip_entry_names, self.too_many_entries, self.pdf_actions, self.extensions,
            self.damaged, self.encrypted, self.type_swaps,
        ):  # fmt: skip
            method()
        return self.files

    # Categories ----------------------------------------------------------------------------

    def wrong_magic(self) -> None:
        def make(_: int) -> None:
            extension = self.ext()
            others = [e for e in EXTENSIONS if KIND[e] != KIND[extension]]
            choice = self.rng.randrange(4)
            if choice == 0:
                data = valid(self.rng.choice(others))
            elif choice == 1:
                data = self.rng.randbytes(self.rng.randint(1, 4000))
            elif choice == 2:
                data = self.rng.choice(FOREIGN) + self.rng.randbytes(self.rng.randint(0, 500))
            else:
                data = sf.zip_bytes([(f"{self.word()}.txt", self.rng.randbytes(200))])
            self.add("wrong_magic", f"{self.word()}.{extension}", data)

        self.repeat(80, make)

    def oversize(self) -> None:
        limit = settings.DOCUMENT_MAX_BYTES

        def make(index: int) -> None:
            extension = self.ext()
            over = 1 if index % 2 == 0 else self.rng.randint(2, 5000)
            data = valid(extension)
            self.add("oversize", f"gros.{extension}", data + b"\x00" * (limit + over - len(data)))

        self.repeat(40, make)

    def polyglots(self) -> None:
        makers: list[Callable[[bytes], tuple[str, bytes]]] = [
            lambda s: ("pdf", sf.pdf() + s),
            lambda s: ("pdf", sf.pdf() + sf.docx()),
            lambda s: ("pdf", pdf_with(b"%" + s)),
            lambda s: ("pdf", s + sf.pdf()),
            lambda s: ("png", sf.png() + s),
            lambda s: ("png", sf.png() + sf.odt()),
            lambda s: ("png", image("PNG", text=s)),
            lambda s: ("jpg", sf.jpeg() + s),
            lambda s: ("jpeg", sf.jpeg() + sf.xlsx()),
            lambda s: ("jpg", image("JPEG", comment=s)),
        ]

        def make(index: int) -> None:
            extension, data = makers[index % len(makers)](self.rng.choice(SCRIPTS))
            self.add("polyglot", f"{self.word()}.{extension}", data)

        self.repeat(80, make)

    def zip_bombs(self) -> None:
        limit = settings.DOCUMENT_ARCHIVE_MAX_UNCOMPRESSED_BYTES

        def make(index: int) -> None:
            kind = self.ext(["docx", "xlsx", "odt", "ods"])
            total = limit + self.rng.randint(1, 200_000)
            parts = 1 if index % 2 == 0 else self.rng.randint(2, 8)
            size = total // parts + 1
            filler = self.rng.choice([b"\x00", b"A", b"<w:p/>"])
            extra: list[tuple[str, bytes | str]] = [
                (f"word/media/bomb{n}.bin", (filler * (size // len(filler) + 1))[:size])
                for n in range(parts)
            ]
            self.add("zip_bomb", f"bombe.{kind}", office(kind, extra))

        self.repeat(50, make)

    def eicar(self) -> None:
        def make(index: int) -> None:
            choice = index % 5
            if choice == 0:
                name, data = "eicar.pdf", pdf_with(b"%" + EICAR)
            elif choice == 1:
                name, data = "eicar.png", image("PNG", text=EICAR)
            elif choice == 2:
                name, data = "eicar.jpg", image("JPEG", comment=EICAR)
            else:
                kind = ["docx", "xlsx", "odt"][choice - 2]
                buffer = io.BytesIO(office(kind, []))
                with zipfile.ZipFile(buffer, "a") as archive:
                    archive.writestr("media/readme.txt", EICAR, compress_type=zipfile.ZIP_STORED)
                name, data = f"eicar.{kind}", buffer.getvalue()
            self.add("eicar", name, data)

        self.repeat(40, make)

    def svg(self) -> None:
        def make(index: int) -> None:
            data = SVG % index
            extension = "svg" if index % 2 == 0 else self.ext(["png", "jpg", "pdf", "docx"])
            self.add("svg_script", f"logo.{extension}", data)

        self.repeat(40, make)

    def disguised_markup(self) -> None:
        def make(_: int) -> None:
            payload = self.rng.choice(SCRIPTS) + self.rng.randbytes(self.rng.randint(0, 100))
            if self.rng.random() < 0.3:
                payload = b"var x = require('child_process'); x.exec('id');"
            self.add("html_js_disguised", f"{self.word()}.{self.ext()}", payload)

        self.repeat(40, make)

    def ooxml_macros(self) -> None:
        variants: list[Callable[[str], list[tuple[str, bytes | str]]]] = [
            lambda k: [(f"{'word' if k == 'docx' else 'xl'}/vbaProject.bin", b"\xd0\xcf\x11\xe0")],
            lambda k: [(f"{'word' if k == 'docx' else 'xl'}/vbaData.xml", "<wne:vbaSuppData/>")],
            lambda k: [(f"{'word' if k == 'docx' else 'xl'}/activeX/activeX1.xml", "<ax:ocx/>")],
            lambda k: [("customUI/VBAPROJECT.BIN", b"\x00")],
        ]

        def make(index: int) -> None:
            kind = self.ext(["docx", "xlsx"])
            if index % 5 == 4:
                entries = sf.docx_entries() if kind == "docx" else sf.xlsx_entries()
                types = str(entries[0][1]).replace(".main+xml", ".macroEnabled.main+xml")
                data = sf.zip_bytes([("[Content_Types].xml", types), *entries[1:]])
            else:
                data = office(kind, variants[index % 4](kind))
            self.add("ooxml_macro", f"budget.{kind}", data)

        self.repeat(40, make)

    def odf_macros(self) -> None:
        variants = [
            "Basic/Standard/Module1.xml",
            "Basic/script-lc.xml",
            "Scripts/python/evil.py",
            "Scripts/javascript/Library/x.js",
            "basic/Standard/script-lb.xml",
        ]

        def make(index: int) -> None:
            kind = self.ext(["odt", "ods"])
            entry = variants[index % len(variants)]
            self.add("odf_macro", f"tableau.{kind}", office(kind, [(entry, "Sub Main\nEnd Sub")]))

        self.repeat(30, make)

    def names(self) -> None:
        patterns = [
            "../../etc/passwd.{e}",
            "a\x00.{e}",
            "..\\..\\windows\\win.ini.{e}",
            "/etc/passwd.{e}",
            "dossier/../../x.{e}",
            "x.{e}\x00.html",
            "....//....//x.{e}",
            "..",
            "",
            "C:\\Users\\x.{e}",
        ]

        def make(index: int) -> None:
            extension = self.ext()
            name = patterns[index % len(patterns)].format(e=extension)
            self.add("traversal_or_nul_name", name, valid(extension))

        self.repeat(40, make)

    def zip_entry_names(self) -> None:
        names = ["../evil.xml", "/abs/evil.xml", "C:\\evil.xml", "word/../../evil.xml",
                 "\\windows\\evil.xml", "NULMARK"]  # fmt: skip

        def make(index: int) -> None:
            kind = self.ext(["docx", "xlsx", "odt", "ods"])
            entry = names[index % len(names)]
            data = office(kind, [(entry, "<x/>")])
            if entry == "NULMARK":  # zipfile cannot write a NUL in a name: patch the bytes
                data = data.replace(b"NULMARK", b"NUL\x00ARK")
            self.add("zip_entry_name", f"statuts.{kind}", data)

        self.repeat(40, make)

    def too_many_entries(self) -> None:
        limit = settings.DOCUMENT_ARCHIVE_MAX_ENTRIES

        def make(_: int) -> None:
            kind = self.ext(["docx", "xlsx", "odt", "ods"])
            count = limit + self.rng.randint(1, 30)
            extra: list[tuple[str, bytes | str]] = [(f"m/{n}", b"") for n in range(count)]
            self.add("too_many_entries", f"liste.{kind}", office(kind, extra))

        self.repeat(30, make)

    def pdf_actions(self) -> None:
        actions = [
            b"<< /S /JavaScript /JS (app.alert(1)) >>",
            b"<< /OpenAction << /S /JavaScript /JS 7 0 R >> >>",
            b"<< /S /Launch /F (cmd.exe) >>",
            b"<< /Names << /EmbeddedFiles 8 0 R >> >>",
            b"<< /Type /EmbeddedFile /Length 3 >>",
            b"<< /S /J#61vaScript /J#53 (x) >>",
            b"<< /RichMedia 9 0 R >>",
            b"<< /AcroForm << /XFA 10 0 R >> >>",
        ]

        def make(index: int) -> None:
            self.add(
                "pdf_active", f"formulaire{index}.pdf", pdf_with(actions[index % len(actions)])
            )

        self.repeat(40, make)

    def extensions(self) -> None:
        names = ["facture.pdf.exe", "statuts", "statuts.", "statuts.pdf.html", ".htaccess",
                 "x.svgz", "x.php", "x.docm", "x.xlsm", "x.doc", "x.exe", "x.html", "x.js",
                 "x.pdf.svg", "x.zip"]  # fmt: skip

        def make(index: int) -> None:
            self.add("extension", names[index % len(names)], valid(self.ext()))

        self.repeat(30, make)

    def damaged(self) -> None:
        def make(index: int) -> None:
            extension = self.ext()
            data = valid(extension)
            if index % 6 == 5:
                data = b""
            elif KIND[extension] in ("pdf", "png", "jpeg"):
                data = data[: len(data) - self.rng.randint(10, 30)]
            else:
                data = data[: self.rng.randint(10, len(data) - 30)]
            self.add("damaged", f"abime.{extension}", data)

        self.repeat(30, make)

    def encrypted(self) -> None:
        def make(_: int) -> None:
            kind = self.ext(["docx", "xlsx"])
            data = bytearray(office(kind, [("secret.xml", b"x" * 20)]))
            # zipfile writes no encrypted entries: set the "encrypted" flag bit by hand in
            # the local header (flags at +6 of its 30 bytes) and the central directory
            # entry (flags at +8 of its 46 bytes) that precede the name.
            local, central = (m for m in range(len(data)) if data.startswith(b"secret.xml", m))
            data[local - 30 + 6] |= 0x1
            data[central - 46 + 8] |= 0x1
            self.add("encrypted", f"secret.{kind}", bytes(data))

        self.repeat(10, make)

    def type_swaps(self) -> None:
        both = sf.zip_bytes([*sf.docx_entries(), ("xl/workbook.xml", sf.WORKBOOK)])
        wrong_mime = sf.zip_bytes(
            sf.odf_entries("application/vnd.oasis.opendocument.presentation"), stored_first=True
        )
        cases = [
            ("docx", sf.xlsx()), ("xlsx", sf.docx()), ("odt", sf.ods()), ("ods", sf.odt()),
            ("docx", sf.odt()), ("ods", sf.xlsx()), ("docx", both), ("odt", wrong_mime),
            ("xlsx", sf.zip_bytes(sf.xlsx_entries()[1:])),
        ]  # fmt: skip

        def make(index: int) -> None:
            extension, data = cases[index % len(cases)]
            self.add("type_swap", f"echange.{extension}", data)

        self.repeat(20, make)
