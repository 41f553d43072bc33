"""Join pages of several PDFs into one file, writing each object as soon as it is read.

A print batch draws its households a chunk at a time into temporary PDFs (`form_batch`); this puts
their pages into the batch's file in the order asked, object by object straight to disk, so memory
holds one part's objects at most, never the whole document (pypdf's `PdfWriter` would keep every
page until it writes). Each part's objects are numbered anew; an object several pages share (a
font, the header frame) is written once per part. The file is a classic PDF 1.4 with one page tree
and a cross-reference table.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    create_string_object,
)

#: what a page may inherit from its page tree node (PDF 32000-1, 7.7.3.4)
_INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")


class Source:
    """One PDF whose pages go into the joined file; an object is copied once however many of its
    pages are taken."""

    def __init__(self, joiner: PdfJoiner, path: Path) -> None:
        self._joiner = joiner
        self._reader = PdfReader(path)
        self._pages = self._reader.pages
        self._numbers: dict[int, int] = {}  # object number in the part -> in the joined file

    def __len__(self) -> int:
        return len(self._pages)

    def add(self, pages: Iterable[int]) -> None:
        """Append these pages (0-based, in this order) of the source to the joined file."""
        j = self._joiner
        for index in pages:
            page = self._pages[index]
            ref = page.indirect_reference
            if ref is None or ref.idnum in self._numbers:
                raise ValueError(f"page {index} cannot be taken (twice, or not an object)")
            number = self._numbers[ref.idnum] = j.reserve()
            for key in _INHERITED:
                if key not in page:
                    value = _inherited(page, key)
                    if value is not None:
                        page[NameObject(key)] = value
            if "/Parent" in page:
                del page["/Parent"]
            queue: deque[int] = deque()
            self._remap(page, queue)  # in place: the page's own dictionary
            page[NameObject("/Parent")] = IndirectObject(j.pages_number, 0, None)
            j.write(number, page)
            j.kids.append(number)
            while queue:
                old = queue.popleft()
                obj = self._reader.get_object(old)
                j.write(self._numbers[old], self._remap(obj, queue) if obj is not None else None)

    def _remap(self, obj: PdfObject, queue: deque[int]) -> PdfObject:
        """`obj` with every reference renumbered for the joined file (objects not yet seen queued)."""
        if isinstance(obj, IndirectObject):
            target = obj.get_object()
            if isinstance(target, DictionaryObject) and target.get("/Type") in ("/Pages", "/Catalog"):
                # only a page's /Parent points up the tree; anything else reaching it is not copied
                return IndirectObject(self._joiner.pages_number, 0, None)
            number = self._numbers.get(obj.idnum)
            if number is None:
                number = self._numbers[obj.idnum] = self._joiner.reserve()
                queue.append(obj.idnum)
            return IndirectObject(number, 0, None)
        if isinstance(obj, DictionaryObject):  # streams too: their data is copied as it is (encoded)
            for key, value in list(obj.items()):
                obj[key] = self._remap(value, queue)
        elif isinstance(obj, ArrayObject):
            for i, value in enumerate(obj):
                obj[i] = self._remap(value, queue)
        return obj


def _inherited(page: DictionaryObject, key: str) -> PdfObject | None:
    node = page.get("/Parent")
    while node is not None:
        node = node.get_object()
        if not isinstance(node, DictionaryObject):
            return None
        if key in node:
            return node.raw_get(key)
        node = node.get("/Parent")
    return None


class PdfJoiner:
    """`with PdfJoiner(path, title=…) as out: out.source(part).add(range(n))` … the file is complete
    when the block ends without an error."""

    def __init__(self, path: str | Path, *, info: dict[str, str] | None = None) -> None:
        self.path = Path(path)
        self._info = info or {}
        self._out: BinaryIO = self.path.open("wb")
        self._offsets: list[int] = [0]  # by object number; 0 is the free list head
        self.kids: list[int] = []
        self._out.write(b"%PDF-1.4\n%\x93\x8c\x8b\x9e\n")
        self.pages_number = self.reserve()

    def __enter__(self) -> PdfJoiner:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if kind is None:
            self.finish()
        else:
            self._out.close()

    def reserve(self) -> int:
        """The next object number (its object is written later)."""
        self._offsets.append(-1)
        return len(self._offsets) - 1

    def write(self, number: int, obj: PdfObject | None) -> None:
        out = self._out
        self._offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number)
        if obj is None:
            out.write(b"null")
        else:
            obj.write_to_stream(out)
        out.write(b"\nendobj\n")

    def source(self, path: str | Path) -> Source:
        return Source(self, Path(path))

    def finish(self) -> None:
        """Write the page tree, catalogue, document information and cross-reference table."""
        pages = DictionaryObject({
            NameObject("/Type"): NameObject("/Pages"),
            NameObject("/Kids"): ArrayObject(IndirectObject(n, 0, None) for n in self.kids),
            NameObject("/Count"): NumberObject(len(self.kids))})
        self.write(self.pages_number, pages)
        catalog = self.reserve()
        self.write(catalog, DictionaryObject({NameObject("/Type"): NameObject("/Catalog"),
                                              NameObject("/Pages"): IndirectObject(self.pages_number, 0, None)}))
        info = self.reserve()
        self.write(info, DictionaryObject({NameObject(f"/{k}"): create_string_object(v)
                                           for k, v in self._info.items()}))
        out = self._out
        start = out.tell()
        if -1 in self._offsets:
            raise ValueError("an object was numbered but never written")
        lines = [b"xref\n0 %d\n" % len(self._offsets), b"0000000000 65535 f \n"]
        lines += [b"%010d 00000 n \n" % off for off in self._offsets[1:]]
        out.write(b"".join(lines))
        out.write(b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
                  % (len(self._offsets), catalog, info, start))
        out.close()
