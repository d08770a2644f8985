"""Packet documents: the HTML of a packet (cover, contents, sessions, facilitator notes), of
one participant's details alone (to stamp), and of a ruled Notes page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from ..core.languages import N_
from ..core.options import Settled
from ..core.profiles import Personal, date_text
from ..core.render import (
    Document,
    created_date,
    environment,
    item_context,
    load_template,
    metadata,
    page_context,
    render_template,
    words_of,
)
from ..core.typography import bind_last_words
from .packet import Session
from .stamp import slot_layout

if TYPE_CHECKING:  # the job and the plan are made by the modules that render these documents
    from jinja2.sandbox import SandboxedEnvironment

    from .job import PacketJob
    from .pool import StampPlan


def render_packet(
    job: PacketJob, view: Mapping | None = None, facilitator: bool = False
) -> Document:
    """One HTML document for a packet: cover, contents, sessions and their modules.

    With a participant view, the participant's details fill the fixed-size places of
    slots.html; without one, those places are blank lines to write on."""
    packet, checked, personal, options = job.packet, job.checked, job.personal, job.options
    env = environment(languages=options.languages)
    words = words_of(env)
    parts = [_part(env, session, job, view, facilitator) for session in packet.sessions]
    meta = metadata([checked[m].module for m in packet.module_ids], personal, options)
    edition = " (" + words.one(N_("facilitator edition")) + ")" if facilitator else ""
    meta |= {"title": packet.title + edition}
    meta["subject"] = packet.subtitle or meta["subject"]
    cover = {
        "kind": words.both("Facilitator edition") if facilitator else _packet_kind(packet, words),
        "leader": personal.practice.signature,
        "dates": [date_text(day, options.languages.main) for day in job.dates],
        "sessions": sum(1 for s in packet.sessions if s.number),
        "group": "group" in packet.audience,
    }
    html = render_template(
        load_template(env, "packet.html"),
        packet=packet,
        parts=parts,
        cover=cover,
        view=view,
        layout=slot_layout(options),
        facilitator=facilitator,
        **page_context(meta, personal, options, job.safety),
    )
    return Document(bind_last_words(html, meta["language"]), meta["title"], meta["language"])


# The page area's height (style.css: @page margins of 19 mm and 20 mm), and what a Notes page
# holds: its heading's fixed height, the ruled lines' spacing (--write-line), room to spare.
PAGE_AREA_MM = {"letter": 279.4 - 39, "a4": 297 - 39}
NOTES_HEAD_MM = {False: 14, True: 20}
NOTES_LINE_MM = {False: 8.5, True: 12}
NOTES_SPARE_MM = 4


def notes_lines(options: Settled) -> int:
    """How many ruled lines fill a Notes page under its heading, so that it is exactly one page."""
    large = options.large_print
    room = PAGE_AREA_MM[options.paper] - NOTES_HEAD_MM[large] - NOTES_SPARE_MM
    return int(room // NOTES_LINE_MM[large])


def render_notes_page(packet: Document, personal: Personal, options: Settled) -> Document:
    """A ruled Notes page (a heading and lines to write on) alone, where it sits in the page
    area and with no header or footer: laid over the pages a packet leaves blank."""
    meta = {"title": packet.title, "language": packet.language, "created": created_date()}
    meta |= dict.fromkeys(("author", "subject", "keywords"), "")
    html = render_template(
        load_template(environment(languages=options.languages), "notes-page.html"),
        notes_lines=notes_lines(options),
        **page_context(meta, personal, options),
    )
    return Document(html, packet.title, packet.language)


def render_stamps(plan: StampPlan, view: Mapping) -> str:
    """The HTML of one participant's details alone, each at its place on its page."""
    meta, personal, options = plan.document, plan.job.personal, plan.job.options
    context = page_context(
        {
            "title": meta.title,
            "language": meta.language,
            "author": "",
            "subject": "",
            "keywords": "",
            "created": created_date(),
        },
        personal,
        options,
    )
    return render_template(
        load_template(environment(languages=options.languages), "stamps.html"),
        pages=plan.layers,
        page_height=plan.page_height,
        view=view,
        layout=slot_layout(options),
        **context,
    )


AUDIENCE_KINDS = {
    "group": N_("Workshop"),
    "couples": N_("For couples"),
    "family": N_("For families"),
}


def _packet_kind(packet, words) -> Markup:
    kinds = [AUDIENCE_KINDS[a] for a in packet.audience if a in AUDIENCE_KINDS]
    count = len(packet.module_ids)
    return (
        words.both(kinds[0] if kinds else N_("Packet"))
        + Markup(" · ")
        + words.both("%(count)s modules", count=count)
    )


def _part(
    env: SandboxedEnvironment,
    session: Session,
    job: PacketJob,
    view: Mapping | None,
    facilitator: bool,
) -> dict:
    packet, checked, personal, options = job.packet, job.checked, job.personal, job.options
    dates = job.dates
    number = session.number
    label = words_of(env).one(N_("Session %(number)s"), number=number) + " · " + session.title
    band = {"id": f"packet-session-{number}", "label": label} if number else None
    notes = session.notes if facilitator else None
    personal = replace(personal, client="", note="", session=number or None)
    personal = replace(personal, date=_session_date(dates, number, len(packet.sessions)))
    slots: Any = env.get_template("slots.html").module  # its macros are its attributes
    name = Markup(slots.name(view)) if view else None
    items = []
    for index, module_id in enumerate(session.modules):
        # A form handed in without saying who wrote it: no name on it (packet.html hides the
        # name line), nor in its text.
        anonymous = module_id in packet.anonymous
        named = view is not None and not anonymous
        item = item_context(
            env, checked[module_id], personal, options, first=False, name=name if named else None
        )
        item |= {"name_slot": named, "participant": view if named else None, "show_note": False}
        item["anonymous"] = anonymous
        item["band"] = band if index == 0 and not notes else None
        items.append(item)
    return {
        "number": number,
        "title": session.title or packet.title,
        "summary": session.summary,
        "band": band,
        "notes": notes,
        "notes_id": f"notes-session-{number}",
        "entries": items,
        # The clinician's 'not for' and 'cautions' of each of the session's modules, in its notes.
        "module_notes": [
            (checked[m].module.title, checked[m].module.clinician)
            for m in session.modules
            if notes and checked[m].module.clinician
        ],
    }


def _session_date(dates: Sequence[date], number: int, sessions: int) -> date | None:
    """A session's own date when there is one per session; the one date when only one."""
    if len(dates) == 1:
        return dates[0]
    if number and len(dates) == sessions:
        return dates[number - 1]
    return None
