"""Laying each participant's details over pages rendered once for everyone, without writing those
pages again: a participant's own PDF is the shared PDF followed by a small update, and the print
file for everyone is written participant by participant, so a longer roster costs no memory.

The PDF objects are written here by hand and read with pikepdf: qpdf (under pikepdf) holds a
whole document in memory until it is saved, and would re-save the shared pages every time."""

from __future__ import annotations

import io
import zlib
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any, BinaryIO

import pikepdf

HEADER = b"%PDF-1.7\n%\xbf\xf7\xa2\xfe\n"
INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")  # found on a page or its parents
UPDATE_SKIP = ("/Contents", "/Resources")  # written anew for every participant
PRINT_SKIP = (*UPDATE_SKIP, "/Parent", "/Annots", "/StructParents")  # no fields, links or tags
XREF_ROWS = 4096  # cross-reference rows compressed at a time


class Output:
    """A PDF being written object by object: numbers handed out, where each object starts noted.

    Numbers from 'first' up are new objects; a number below it replaces an object of the file
    being updated."""

    def __init__(self, stream: BinaryIO, first: int, position: int = 0):
        self.stream = stream
        self.position = position
        self.first = first
        self.offsets = array("Q")  # of the objects numbered first, first + 1, ...
        self.replaced: dict[int, int] = {}

    def reserve(self) -> int:
        self.offsets.append(0)
        return self.first + len(self.offsets) - 1

    def write(self, data: bytes) -> None:
        self.stream.write(data)
        self.position += len(data)

    def put(self, number: int, body: bytes) -> int:
        if number >= self.first:
            self.offsets[number - self.first] = self.position
        else:
            self.replaced[number] = self.position
        self.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
        return number

    def add(self, body: bytes) -> int:
        return self.put(self.reserve(), body)

    def finish(self, trailer: bytes, prev: int | None = None) -> None:
        """The cross-reference stream (the last object, holding the trailer) and the file's end."""
        number = self.reserve()
        start = self.position
        width = max(4, (start.bit_length() + 7) // 8)
        index = [(n, 1) for n in sorted(self.replaced)]
        if prev is None:  # a new file: object 0 first, then the objects from 'first' (1)
            index.append((0, len(self.offsets) + 1))
        else:
            index.append((self.first, len(self.offsets)))
        data = b"".join(_compressed(self._rows(width, start, prev is None)))
        fields = b"/Type/XRef/Size %d/W[1 %d 2]/Index[%s]%s/Filter/FlateDecode/Length %d" % (
            number + 1,
            width,
            b" ".join(b"%d %d" % pair for pair in index),
            trailer + (b"/Prev %d" % prev if prev is not None else b""),
            len(data),
        )
        self.put(number, stream_body(fields, data))
        self.write(b"startxref\n%d\n%%%%EOF\n" % start)

    def _rows(self, width: int, start: int, fresh: bool) -> Iterator[bytes]:
        self.offsets[-1] = start
        if fresh:  # a new file lists object 0, the head of the (empty) list of free objects
            yield b"\x00" + bytes(width) + b"\xff\xff"
        for number in sorted(self.replaced):
            yield b"\x01" + self.replaced[number].to_bytes(width, "big") + b"\x00\x00"
        for offset in self.offsets:
            yield b"\x01" + offset.to_bytes(width, "big") + b"\x00\x00"


def _compressed(rows: Iterator[bytes]) -> Iterator[bytes]:
    packer = zlib.compressobj()
    batch: list[bytes] = []
    for row in rows:
        batch.append(row)
        if len(batch) == XREF_ROWS:
            yield packer.compress(b"".join(batch))
            batch.clear()
    yield packer.compress(b"".join(batch)) + packer.flush()


def stream_body(fields: bytes, data: bytes) -> bytes:
    return b"<<%s>>\nstream\n%s\nendstream" % (fields, data)


def content_stream(content: bytes) -> bytes:
    data = zlib.compress(content)
    return stream_body(b"/Filter/FlateDecode/Length %d" % len(data), data)


class Copier:
    """Writes objects read by pikepdf into an Output: each indirect object once, renumbered.

    With 'keep', references keep their numbers and nothing is copied: for objects of the very
    file being updated."""

    def __init__(self, out: Output | None, keep: bool = False):
        self.out = out
        self.keep = keep
        self.numbers: dict[tuple[int, int], int] = {}
        self.pending: list[pikepdf.Object] = []

    def reference(self, obj: pikepdf.Object) -> bytes:
        if self.keep:
            return b"%d %d R" % obj.objgen
        key = obj.objgen
        if key not in self.numbers:
            assert self.out is not None
            self.numbers[key] = self.out.reserve()
            self.pending.append(obj)
        return b"%d 0 R" % self.numbers[key]

    def value(self, value) -> bytes:
        """A value inside another object: an indirect object becomes a reference."""
        if isinstance(value, pikepdf.Object) and value.is_indirect:
            return self.reference(value)
        return self.direct(value)

    def direct(self, value, skip: Sequence[str] = ()) -> bytes:
        if isinstance(value, pikepdf.Dictionary):
            return b"<<%s>>" % self.entries(value, skip)
        if isinstance(value, pikepdf.Array):
            return b"[%s]" % b" ".join(self.value(item) for item in value)
        if isinstance(value, pikepdf.Stream):
            raw = value.read_raw_bytes()
            fields = self.entries(value, ("/Length",)) + b"/Length %d" % len(raw)
            return stream_body(fields, raw)
        return _scalar(value)

    def entries(self, dictionary, skip: Sequence[str] = ()) -> bytes:
        """A dictionary's entries, without its brackets (and without the keys in 'skip')."""
        return b"".join(
            _name(key) + b" " + self.value(item)
            for key, item in dictionary.items()
            if key not in skip
        )

    def flush(self) -> None:
        """Write every object referred to so far (and those they refer to)."""
        assert self.out is not None
        while self.pending:
            obj = self.pending.pop()
            self.out.put(self.numbers[obj.objgen], self.direct(obj))


@lru_cache(maxsize=512)
def _name(key: str) -> bytes:
    return pikepdf.Name(key).unparse()


def _scalar(value) -> bytes:
    if value is None:
        return b"null"
    if isinstance(value, bool):
        return b"true" if value else b"false"
    if isinstance(value, int):
        return b"%d" % value
    if isinstance(value, Decimal | float):
        return format(Decimal(value).normalize(), "f").encode()
    return value.unparse()  # names and strings


def inherited(page: pikepdf.Object, key: str) -> Any:  # a PDF object, or None
    """A page's own entry, or the one it inherits from the page tree."""
    node: pikepdf.Object | None = page
    while node is not None:
        if key in node:
            return node[key]
        node = node.get("/Parent")
    return None


# --- the participant's layers ---------------------------------------------------------------

LAYER = "/HandoutsLayer%d"  # the name of stamp page N in a stamped page's resources
BEFORE = b"q\n"  # keeps the page's own drawing state from reaching the layer laid over it


def write_layers(stamps: bytes, out: Output, count: int) -> list[int]:
    """Each of the 'count' pages of a stamp PDF as a form XObject (numbers returned), its
    content marked as an artifact so that the tagged pages it is laid over stay valid PDF/UA
    (the details print and can be searched and copied)."""
    with pikepdf.open(io.BytesIO(stamps)) as pdf:
        if len(pdf.pages) != count:
            raise ValueError(f"expected {count} stamp pages, got {len(pdf.pages)}")
        copier = Copier(out)
        numbers = []
        for page in pdf.pages:
            page.contents_coalesce()
            content = b"/Artifact BMC\n" + page.obj.Contents.read_bytes() + b"\nEMC\n"
            data = zlib.compress(content)
            fields = b"/Type/XObject/Subtype/Form/BBox %s/Resources %s/Filter/FlateDecode" % (
                copier.value(inherited(page.obj, "/MediaBox")),
                copier.value(inherited(page.obj, "/Resources")),
            )
            numbers.append(out.add(stream_body(fields + b"/Length %d" % len(data), data)))
        copier.flush()
    return numbers


def _over(layer: int) -> bytes:
    """What a stamped page draws after its own content: its layer (pages are the same size)."""
    return b"\nQ\nq\n%s Do\nQ\n" % _name(LAYER % layer)


@dataclass(frozen=True)
class _Page:
    """A shared page, ready to be written again for each participant."""

    fields: bytes  # its entries but those written anew
    contents: bytes  # references to its content streams, space-separated
    resources: bytes  # a reference, or the dictionary itself
    resources_key: object  # pages sharing one resources dictionary share the stamped one too
    layer: int | None  # the stamp page laid over it, if any


def _shared_pages(
    pdf: pikepdf.Pdf, copier: Copier, layer_of: Mapping[int, int], skip: Sequence[str]
) -> tuple[list[_Page], dict[object, tuple[bytes, bytes]]]:
    """The pages as bytes to repeat, and each resources dictionary of a stamped page as its
    entries but /XObject, and the entries of its /XObject (the layers are added there)."""
    pages, resources = [], {}
    for index, page in enumerate(pdf.pages):
        shared = _shared_page(page.obj, index, layer_of.get(index), copier, skip)
        if shared.layer is not None and shared.resources_key not in resources:
            own = inherited(page.obj, "/Resources")
            xobjects = own.get("/XObject", pikepdf.Dictionary())
            entries = (copier.entries(own, ("/XObject",)), copier.entries(xobjects))
            resources[shared.resources_key] = entries
        pages.append(shared)
    return pages, resources


def _shared_page(page, index: int, layer: int | None, copier: Copier, skip) -> _Page:
    resources = inherited(page, "/Resources")
    contents = page.Contents if isinstance(page.Contents, pikepdf.Array) else [page.Contents]
    fields = copier.entries(page, skip)
    for key in INHERITED[1:]:  # from the page tree, if not the page's own
        if key not in page and inherited(page, key) is not None:
            fields += _name(key) + b" " + copier.value(inherited(page, key))
    return _Page(
        fields,
        b" ".join(copier.value(stream) for stream in contents),
        copier.value(resources),
        resources.objgen if resources.is_indirect else index,
        layer,
    )


def _stamped_resources(out: Output, resources, layers: list[int]) -> dict[object, int]:
    """One participant's copy of each resources dictionary of a stamped page, with the layers."""
    named = b"".join(_name(LAYER % n) + b" %d 0 R" % number for n, number in enumerate(layers))
    return {
        key: out.add(b"<<%s/XObject<<%s%s>>>>" % (fields, xobjects, named))
        for key, (fields, xobjects) in resources.items()
    }


def _page(page: _Page, parent: bytes, resources: dict[object, int], before: int, over) -> bytes:
    if page.layer is None:
        return b"<<%s/Resources %s/Contents[%s]%s>>" % (
            page.fields,
            page.resources,
            page.contents,
            parent,
        )
    return b"<<%s/Resources %d 0 R/Contents[%d 0 R %s %d 0 R]%s>>" % (
        page.fields,
        resources[page.resources_key],
        before,
        page.contents,
        over[page.layer],
        parent,
    )


# --- a participant's own PDF ----------------------------------------------------------------


class ParticipantCopy:
    """A participant's own PDF: the shared PDF as it is, then an incremental update that adds
    their stamp pages and lays them over the pages with places. Form fields, tags, bookmarks
    and links are the shared PDF's own, untouched."""

    def __init__(self, base: bytes, layer_of: Mapping[int, int]):
        self.base = base
        self.layers = max(layer_of.values()) + 1
        self.prev = _startxref(base)
        with pikepdf.open(io.BytesIO(base)) as pdf:
            keep = Copier(None, keep=True)
            self.size = int(pdf.trailer.Size)
            self.trailer = b"/Root " + keep.value(pdf.trailer.Root)
            if "/Info" in pdf.trailer:
                self.trailer += b"/Info " + keep.value(pdf.trailer.Info)
            numbers = [page.obj.objgen for page in pdf.pages]
            pages, self.resources = _shared_pages(pdf, keep, layer_of, UPDATE_SKIP)
        self.pages = [(numbers[i], page) for i, page in enumerate(pages) if page.layer is not None]
        if any(generation for (_, generation), _ in self.pages):
            raise ValueError("a page with places is not generation 0")  # WeasyPrint writes 0

    def write(self, stream: BinaryIO, stamps: bytes) -> None:
        stream.write(self.base)
        out = Output(stream, self.size, len(self.base))
        layers = write_layers(stamps, out, self.layers)
        resources = _stamped_resources(out, self.resources, layers)
        before = out.add(content_stream(BEFORE))
        over = [out.add(content_stream(_over(n))) for n in range(self.layers)]
        for (number, _), page in self.pages:  # same number: the page keeps its place and fields
            out.put(number, _page(page, b"", resources, before, over))
        out.finish(self.trailer, self.prev)


def _startxref(pdf: bytes) -> int:
    """Where the last cross-reference section of a PDF starts, as its last lines say."""
    tail = pdf[-1024:]
    at = tail.rindex(b"startxref")
    return int(tail[at + len(b"startxref") :].split()[0])


# --- the print file ---------------------------------------------------------------------------


class PrintFile:
    """One print job for everyone, written as it grows: the shared pages' content and fonts
    once, then each participant's pages, which reuse them and add only their layers. Each
    participant starts on a right-hand page; no form fields, links or tags (paper has none).
    After a packet with an odd number of pages comes a ruled Notes page ('notes' makes its
    one-page PDF, and is asked only then), never a blank one."""

    def __init__(
        self,
        stream: BinaryIO,
        base: bytes,
        layer_of: Mapping[int, int],
        notes: Callable[[], bytes] | None = None,
    ):
        self.out = Output(stream, 1)
        self.out.write(HEADER)
        self.catalog, self.root = self.out.reserve(), self.out.reserve()
        with pikepdf.open(io.BytesIO(base)) as pdf:
            copier = Copier(self.out)
            self.pages, self.resources = _shared_pages(pdf, copier, layer_of, PRINT_SKIP)
            box = inherited(pdf.pages[-1].obj, "/MediaBox")
            self.blank = b"/Type/Page/MediaBox %s/Resources<<>>" % copier.value(box)
            self.language = copier.value(pdf.Root.Lang) if "/Lang" in pdf.Root else b""
            copier.flush()
        self.filler = self._notes(notes()) if notes and len(self.pages) % 2 else None
        self.before = self.out.add(content_stream(BEFORE))
        self.layers = max(layer_of.values()) + 1
        self.over = [self.out.add(content_stream(_over(n))) for n in range(self.layers)]
        self.kids = array("Q")  # each participant's node in the page tree
        self.count = 0

    def add(self, stamps: bytes) -> None:
        """One participant's pages, with their stamp PDF laid over the pages with places."""
        out = self.out
        node = out.reserve()
        layers = write_layers(stamps, out, self.layers)
        resources = _stamped_resources(out, self.resources, layers)
        parent = b"/Parent %d 0 R" % node
        kids = [
            out.add(_page(page, parent, resources, self.before, self.over)) for page in self.pages
        ]
        if len(kids) % 2:
            filler = _page(self.filler, parent, {}, 0, ()) if self.filler else None
            kids.append(out.add(filler or b"<<%s%s>>" % (self.blank, parent)))
        out.put(
            node,
            b"<</Type/Pages/Parent %d 0 R/Count %d/Kids[%s]>>"
            % (self.root, len(kids), b" ".join(b"%d 0 R" % kid for kid in kids)),
        )
        self.kids.append(node)
        self.count += len(kids)

    def _notes(self, notes: bytes) -> _Page:
        """The Notes page, its content and fonts written once for every packet that needs it."""
        with pikepdf.open(io.BytesIO(notes)) as pdf:
            copier = Copier(self.out)
            page = _shared_page(pdf.pages[0].obj, 0, None, copier, PRINT_SKIP)
            copier.flush()
        return page

    def finish(self) -> int:
        """Write the page tree's root and the catalog, end the file; returns its pages."""
        kids = b" ".join(b"%d 0 R" % kid for kid in self.kids)
        self.out.put(self.root, b"<</Type/Pages/Count %d/Kids[%s]>>" % (self.count, kids))
        language = b"/Lang " + self.language if self.language else b""
        self.out.put(self.catalog, b"<</Type/Catalog/Pages %d 0 R%s>>" % (self.root, language))
        self.out.finish(b"/Root %d 0 R" % self.catalog)
        return self.count
