"""Edit an .xlsx/.xlsm package part by part.

openpyxl rewrites the whole workbook when it saves and drops what it does not
model (form buttons, some drawings, VBA unless asked). Here every part that is
not explicitly replaced is copied through unchanged, so the VBA project,
buttons, images, other sheets and styles survive byte for byte.
"""
from __future__ import annotations

import os
import posixpath
import time
import zipfile

from lxml import etree

from ..read.package import NS_MAIN, NS_PKG_REL, NS_REL

NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
REL_COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
REL_VML = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
CT_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"

PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False, huge_tree=False)


def parse(data: bytes):
    return etree.fromstring(data, PARSER)


def serialise(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


class Package:
    """All members of a zip in memory, in their original order."""

    def __init__(self, path):
        self.path = os.fspath(path)
        from ..read.package import read_member  # a part that cannot be inflated: one line naming it

        with zipfile.ZipFile(self.path) as archive:
            self.infos = archive.infolist()
            self.data = {info.filename: read_member(archive, info.filename) for info in self.infos}
        self.changed: set[str] = set()

    def read(self, name: str) -> bytes:
        return self.data[name]

    def has(self, name: str) -> bool:
        return name in self.data

    def write(self, name: str, data: bytes) -> None:
        if name not in self.data:
            info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            self.infos.append(info)
        if self.data.get(name) != data:
            self.changed.add(name)
        self.data[name] = data

    def xml(self, name: str):
        return parse(self.data[name])

    def save_to(self, handle, pause: float = 0.0) -> None:
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as out:
            for info in self.infos:
                copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                copy.compress_type = info.compress_type
                copy.external_attr = info.external_attr
                out.writestr(copy, self.data[info.filename])
                if pause:  # tests only: widen the window in which a kill lands mid-write
                    handle.flush()
                    time.sleep(pause)

    # -- relationships and content types ------------------------------------
    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """rId → (type, target part path)."""
        name = rels_path(part)
        if name not in self.data:
            return {}
        base = posixpath.dirname(part)
        out = {}
        for rel in parse(self.data[name]):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External":
                continue
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
            out[rel.get("Id")] = (rel.get("Type"), path)
        return out

    def add_relationship(self, part: str, rel_type: str, target_part: str) -> str:
        name = rels_path(part)
        if name in self.data:
            root = parse(self.data[name])
        else:
            root = etree.Element(f"{{{NS_PKG_REL}}}Relationships", nsmap={None: NS_PKG_REL})
        ids = {rel.get("Id") for rel in root}
        number = 1
        while f"rId{number}" in ids:
            number += 1
        rel = etree.SubElement(root, f"{{{NS_PKG_REL}}}Relationship")
        rel.set("Id", f"rId{number}")
        rel.set("Type", rel_type)
        rel.set("Target", posixpath.relpath(target_part, posixpath.dirname(part)))
        self.write(name, serialise(root))
        return f"rId{number}"

    def ensure_content_type(self, part: str, content_type: str | None = None, extension: str | None = None) -> None:
        root = parse(self.data["[Content_Types].xml"])
        if extension:
            if any(el.get("Extension", "").lower() == extension for el in root.iter(f"{{{NS_CT}}}Default")):
                return
            el = etree.Element(f"{{{NS_CT}}}Default")
            el.set("Extension", extension)
            el.set("ContentType", content_type)
            root.insert(0, el)
        else:
            if any(el.get("PartName") == "/" + part for el in root.iter(f"{{{NS_CT}}}Override")):
                return
            el = etree.SubElement(root, f"{{{NS_CT}}}Override")
            el.set("PartName", "/" + part)
            el.set("ContentType", content_type)
        self.write("[Content_Types].xml", serialise(root))

    def parts_of_type(self, *content_types: str) -> list[str]:
        """The parts [Content_Types].xml gives one of ``content_types`` (by name, as its overrides do)."""
        if "[Content_Types].xml" not in self.data:
            return []
        root = parse(self.data["[Content_Types].xml"])
        return sorted(el.get("PartName", "").lstrip("/") for el in root.iter(f"{{{NS_CT}}}Override")
                      if el.get("ContentType") in content_types and el.get("PartName", "").lstrip("/") in self.data)

    def free_name(self, pattern: str) -> str:
        number = 1
        while pattern.format(number) in self.data:
            number += 1
        return pattern.format(number)


def q(tag: str) -> str:
    return f"{{{NS_MAIN}}}{tag}"


R_ID = f"{{{NS_REL}}}id"
