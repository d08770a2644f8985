"""Bilingual copies: a module's text beside its translation, part by part."""

from __future__ import annotations

import re

from .body import BodyHtml
from .validate import CheckedModule

# The two modules' text in two columns, part beside part: the checks made sure both have the
# same components in the same order, so the text between one component and the next pairs up
# one to one, and within it each section (from one heading to the next) when both have as many.

HEADING_TAG = re.compile(r"(?=<h[1-6][ >])")
ENDS_WITH_HEADING = re.compile(r"</h[1-6]>\s*$")


def paired_body(mine: BodyHtml, beside: CheckedModule) -> BodyHtml:
    """The body of a bilingual copy: each stretch of text beside its translation, each
    component (drawn once, in both languages) between them."""
    other, language = beside.body, beside.module.language
    texts_markers = re.split("(<!--cm" + mine.nonce + r"x\d+x-->)", mine.html)
    texts, markers = texts_markers[0::2], texts_markers[1::2]
    # The other body's placeholders become this body's, so that one fill serves both.
    theirs = re.split("<!--cm" + other.nonce + r"x\d+x-->", other.html)
    theirs = [text.replace(f"ph{other.nonce}x", f"ph{mine.nonce}x") for text in theirs]
    html = []
    for index, text in enumerate(texts):
        html += [_pair(a, b, language) for a, b in _sections(text, theirs[index])]
        html += markers[index : index + 1]
    return BodyHtml("\n".join(html), mine.nonce)


def _sections(mine: str, theirs: str) -> list[tuple[str, str]]:
    """Two stretches of text cut at their headings, when both have as many; else whole."""
    cut = [_cut(mine), _cut(theirs)]
    return list(zip(*cut, strict=True)) if len(cut[0]) == len(cut[1]) else [(mine, theirs)]


def _cut(html: str) -> list[str]:
    return [part for part in HEADING_TAG.split(html) if part.strip()]


def _pair(mine: str, theirs: str, language: str) -> str:
    if not mine.strip() and not theirs.strip():
        return ""
    # A part that ends with a heading stays on the page of what comes after it.
    ending = " pair--heading" if ENDS_WITH_HEADING.search(mine) else ""
    return (
        f'<div class="pair{ending}"><div class="pair-main">{mine}</div>'
        f'<div class="pair-beside" lang="{language}">{theirs}</div></div>'
    )
