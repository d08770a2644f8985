"""What differs per participant: the fixed-size places for their details, fitting the details
into them, and stamping them onto pages rendered once for everyone; and a ruled Notes page
stamped onto the pages a double-sided packet leaves blank."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pikepdf

from ..core.errors import Problem, field_problem
from ..core.fonts import fitted_size, text_width, unprintable_problem
from ..core.options import Options
from ..core.weasy import boxes
from .participants import Participant

PT_PER_MM = 72 / 25.4


def slot_layout(options: Options) -> dict:
    """Sizes of the participant places (mm and pt), as slots.html draws them."""
    if options.large_print:
        return dict(
            name_width=120, name_size=16, name_line=23.5, name_smallest=12,
            cover_width=150, cover_height=78, cover_size=30, cover_smallest=16,
            details_size=16, details_smallest=12, note_size=16, note_lines=4,
        )  # fmt: skip
    return dict(
        name_width=70, name_size=10, name_line=14.5, name_smallest=6.5,
        cover_width=150, cover_height=50, cover_size=22, cover_smallest=11,
        details_size=11, details_smallest=8, note_size=10.5, note_lines=4,
    )  # fmt: skip


def participant_view(
    participant: Participant, options: Options
) -> tuple[dict | None, list[Problem]]:
    """The participant's details sized to fit their places, or why they cannot fit (each
    problem keyed by its field)."""
    layout = slot_layout(options)
    font = options.font
    problems = [
        field_problem(key, problem)
        for key in ("name", "pronouns", "group", "note")
        if (problem := unprintable_problem(getattr(participant, key), font))
    ]
    details = " · ".join(p for p in (participant.pronouns, participant.group) if p)
    fits = {
        "name_size": (participant.name, "name_size", "name_smallest", layout["name_width"]),
        "cover_size": (participant.name, "cover_size", "cover_smallest", layout["cover_width"]),
        "details_size": (details, "details_size", "details_smallest", layout["cover_width"]),
    }
    sizes = {}
    for key, (text, size, smallest, width) in fits.items():
        sizes[key] = fitted_size(text, font, layout[size], width * PT_PER_MM, layout[smallest])
        if sizes[key] is None:
            what = "name" if key != "details_size" else "pronouns and group"
            problems.append(field_problem(what, "too long to print in its place; shorten it"))
    note_width = text_width(participant.note, font, layout["note_size"])
    if note_width > layout["cover_width"] * PT_PER_MM * (layout["note_lines"] - 0.6):
        lines = layout["note_lines"]
        message = f"too long for the cover; keep it to about {lines} lines"
        problems.append(field_problem("note", message))
    if problems:
        return None, list(dict.fromkeys(problems))
    view: dict[str, object] = {
        "name": participant.name,
        "details": details,
        "note": participant.note,
    }
    view |= {key: "" if sizes[key] == layout[key] else sizes[key] for key in sizes}
    return view, []


def blank_view() -> dict:
    """The places with nothing in them: the pages everyone shares."""
    return dict.fromkeys(("name", "details", "note", "name_size", "cover_size", "details_size"), "")


@dataclass(frozen=True)
class Slot:
    """Where one place sits: page index and top-left corner in CSS pixels."""

    page: int
    kind: str
    x: float
    y: float


def find_slots(pages) -> tuple[Slot, ...]:
    """The participant places on laid-out pages (WeasyPrint pages), in page order."""
    found = []
    for index, page in enumerate(pages):
        seen = set()
        for box in boxes(page):
            element = box.element
            kind = element.get("data-slot") if element is not None else None
            if kind and id(element) not in seen:
                seen.add(id(element))
                found.append(Slot(index, kind, box.border_box_x(), box.border_box_y()))
    return tuple(found)


def by_page(slots: Iterable[Slot]) -> list[list[Slot]]:
    """Slots grouped per page that has any, in page order."""
    pages: dict[int, list[Slot]] = {}
    for slot in slots:
        pages.setdefault(slot.page, []).append(slot)
    return [pages[number] for number in sorted(pages)]


def layers(slots: Iterable[Slot]) -> tuple[tuple[tuple[Slot, ...], ...], dict[int, int]]:
    """One stamp page per distinct arrangement of places (most pages with a name line have it
    in the same spot), and the stamp page each page with places gets, by page index."""
    found: dict[tuple, int] = {}
    pages: list[tuple[Slot, ...]] = []
    layer_of = {}
    for page in by_page(slots):
        arrangement = tuple((slot.kind, slot.x, slot.y) for slot in page)
        if arrangement not in found:
            found[arrangement] = len(pages)
            pages.append(tuple(page))
        layer_of[page[0].page] = found[arrangement]
    return tuple(pages), layer_of


def open_stamps(stamps: bytes) -> pikepdf.Pdf:
    """The stamp PDF, its pages' content marked as an artifact so that the tagged pages it is
    laid over stay valid PDF/UA (the details print and can be searched and copied)."""
    overlay = pikepdf.open(io.BytesIO(stamps))
    for page in overlay.pages:
        page.contents_add(b"/Artifact BMC\n", prepend=True)
        page.contents_add(b"\nEMC\n")
    return overlay


def fill_blank_pages(data: bytes, blank: Sequence[int], notes: bytes) -> bytes:
    """The PDF with the one-page 'notes' PDF laid over each page in 'blank' (0-based), whose own
    header and footer stay: a page added so that a part starts on a right-hand page becomes a
    page to write on rather than a blank one, with nothing else laid out again."""
    with pikepdf.open(io.BytesIO(data)) as pdf, open_stamps(notes) as overlay:
        for index in blank:
            pdf.pages[index].add_overlay(overlay.pages[0])
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
    return out.getvalue()
