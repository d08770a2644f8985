"""The discreet edition, for a client whose pages someone else may read (a controlling partner,
say): no client name, a neutral title and running head, a neutral file name, and in place of
the domestic-violence line a 'Numbers to keep' line to write on, or the practice's own
discreet_line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from markupsafe import Markup

from .languages import N_, Languages, gettext
from .output import file_name
from .profiles import Personal
from .validate import CheckedModule

NEUTRAL_TITLE = N_("My notes")
NUMBERS_LABEL = N_("Numbers to keep:")
FILE_STEM = "notes"


def discreet_personal(personal: Personal) -> Personal:
    """Who the pages are for, with nothing on them that names the client, the therapist or
    the practice (the crisis and safety lines stay)."""
    practice = replace(
        personal.practice, name="", contact="", logo=None, therapist="", credentials=""
    )
    return replace(personal, client="", slug="", practice=practice)


def discreet_modules(
    checked: Sequence[CheckedModule], languages: Languages
) -> tuple[CheckedModule, ...]:
    """The modules under a neutral title, with no subtitle or summary to give them away."""
    return tuple(
        replace(
            entry,
            module=_neutral(entry.module, languages.main),
            beside=replace(entry.beside, module=_neutral(entry.beside.module, languages.beside))
            if entry.beside
            else None,
        )
        for entry in checked
    )


def _neutral(module, language: str):
    return replace(module, title=gettext(language)(NEUTRAL_TITLE), subtitle="", summary="")


def discreet_names(count: int, combined: bool) -> list[str]:
    """File names that say nothing about what is inside: notes.pdf, or notes-1.pdf, ..."""
    if combined or count == 1:
        return [file_name(FILE_STEM, "")]
    return [file_name(FILE_STEM, str(number)) for number in range(1, count + 1)]


def numbers_line(own: str, languages: Languages) -> Markup:
    """The practice's discreet_line as it wrote it, else 'Numbers to keep:' and a line to
    write on, in each language of the document."""
    if own:
        return Markup.escape(own)
    labels = [gettext(code)(NUMBERS_LABEL) for code in languages.all]
    label = Markup(" / ").join(dict.fromkeys(labels))
    return Markup(
        '<span class="numbers-to-keep">{} <span class="blank blank--numbers"></span></span>'
    ).format(label)
