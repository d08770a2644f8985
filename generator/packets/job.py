"""One packet, checked and ready: the packet asked for with its modules read, checked and
settled (PacketJob), and one render of it for a participant, for nobody in particular, or the
facilitator."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from ..core.build import checked_in
from ..core.content import load_library
from ..core.errors import ProblemsFound
from ..core.languages import parse as parse_languages
from ..core.options import Options, Settled, settle, settled_language
from ..core.output import file_name
from ..core.pdf import Rendered, render_pdf
from ..core.profiles import Personal, parse_dates
from ..core.render import Document
from ..core.safety import SafetyLines, chosen_region, safety_lines, stale_warnings
from ..core.validate import CheckedModule
from .documents import render_notes_page, render_packet
from .order import PacketOrder
from .packet import Packet, find_packet, load_packet
from .participants import Participant
from .stamp import fill_blank_pages, participant_view


@dataclass(frozen=True)
class PacketJob:
    """A packet with everything checked and settled, ready to render any number of times."""

    packet: Packet
    checked: dict[str, CheckedModule]
    personal: Personal  # the practice, and the facilitator's name on the cover
    options: Settled
    roots: tuple[Path, ...]
    dates: tuple[dt.date, ...] = ()
    strict: bool = True
    safety: SafetyLines | None = None  # the crisis and safety lines the pages print
    warnings: tuple[str, ...] = ()  # about the build: a region's line not checked for a year
    notices: tuple[str, ...] = ()  # English standing in for a module the language lacks
    facilitator: bool = False  # the facilitator edition asked for (a roster adds it, too)


def prepare_packet(
    order: PacketOrder, personal: Personal | None = None, options: Options = Options()
) -> PacketJob:
    """Find, read and check a packet and every module in it (all problems at once)."""
    personal = personal or Personal()
    # The language first: it says where to look for the packet and its modules.
    languages = parse_languages(settled_language(options, personal.practice))
    library = load_library([Path(d) for d in order.content])
    library = library.in_language(languages.main, options.fallback)
    packet = load_packet(find_packet(order.name, library), library)
    checked = checked_in(library, packet.module_ids, languages)
    region = chosen_region(options, personal.practice, library.roots)
    paper = region.paper if region else ""
    options = settle(packet.layout(options, order.duplex), personal.practice, region_paper=paper)
    logo = (personal.practice.logo,) if personal.practice.logo else ()
    return PacketJob(
        packet,
        {entry.module.id: entry for entry in checked},
        personal,
        options,
        (*library.roots, *logo),
        tuple(parse_dates(_typed(day) for day in order.dates)),
        order.strict,
        safety_lines(personal.practice, region, options.languages),
        tuple(stale_warnings(region)),
        library.stand_in_notices(packet.module_ids),
        order.facilitator,
    )


def _typed(day: dt.date | str) -> str:
    return day if isinstance(day, str) else day.isoformat()


def render_job(
    job: PacketJob, view: dict | None, facilitator: bool = False, slots: bool = False
) -> tuple[Document, Rendered]:
    """Render the packet for one participant view (None: blank lines to write on).

    Double-sided, each page WeasyPrint leaves blank so that a part starts on a right-hand page
    becomes a ruled Notes page, with the usual header and footer: the Notes page is rendered
    alone and laid over it, so nothing is laid out twice and the page numbers stay as they are."""
    document = render_packet(job, view, facilitator)
    rendered = render_pdf(document, job.roots, job.strict, job.options, layout=slots)
    if rendered.blank_pages:
        notes = notes_page_pdf(job, document)
        filled = fill_blank_pages(rendered.data, rendered.blank_pages, notes)
        rendered = replace(rendered, data=filled)
    return document, rendered


def notes_page_pdf(job: PacketJob, document: Document) -> bytes:
    """A one-page PDF holding only a ruled Notes page, laid out as the packet's pages are."""
    notes = render_notes_page(document, job.personal, job.options)
    options = replace(job.options, fillable=False)
    return render_pdf(notes, job.roots, job.strict, options, tagged=False).data


def packet_pdf(
    job: PacketJob, participant: Participant | None = None
) -> tuple[str, bytes, int, tuple[str, ...]]:
    """One packet in memory (the facilitator edition if the job asks for it): its file name,
    bytes, page count and renderer warnings."""
    view = _view_or_error(participant, job.options) if participant else None
    _, rendered = render_job(job, view, job.facilitator)
    stem = job.packet.id + ("-facilitator" if job.facilitator else "")
    name = file_name(stem, participant.slug if participant else "")
    return name, rendered.data, rendered.pages, rendered.warnings


def _view_or_error(participant: Participant, options: Options) -> dict:
    """The participant's details as they print, or every reason they cannot (the name is the
    'client' field, as for a handout)."""
    view, problems = participant_view(participant, options)
    if view is None:
        raise ProblemsFound([replace(p, key="client") if p.key == "name" else p for p in problems])
    return view
