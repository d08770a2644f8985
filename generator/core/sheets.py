"""Style sheets read once in a process: the sheets a document links or writes out in its head
are parsed (and the fonts they declare registered) the first time they are met, then given
again to WeasyPrint with every later document that has the same sheets. Reading the house
style sheet and its fonts took about a quarter of the time of rendering a page.

The sheets are given as user style sheets, in the order of the head. That the origin changes
makes no difference: with no author sheet left, user rules win over the browser's defaults
exactly as author rules did, and style attributes still win over both (WeasyPrint applies no
presentational hints unless asked to)."""

from __future__ import annotations

import os
import re
from collections import OrderedDict
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from .resources import TEMPLATES_DIR

if TYPE_CHECKING:
    from weasyprint import CSS

# The style sheets in a document's head: linked, or written out in a <style> element.
STYLE_SHEETS = re.compile(r'<link rel="stylesheet" href="([^"]+)">|<style>(.*?)</style>', re.S)
KEEP = 32  # sheets kept in a process (a practice's colour or a paper size makes another)
_READ: OrderedDict[tuple, CSS] = OrderedDict()


def _bare_head(head: str) -> str | None:
    """The head without its style sheets; None when a sheet is written some other way (then
    every sheet is left to be read with the document, keeping their order and origin)."""
    bare = STYLE_SHEETS.sub("", head)
    return None if re.search(r"<(link|style)\b", bare, re.IGNORECASE) else bare


def _sheet(match: re.Match, fetcher: Any, fonts: Any) -> CSS:
    """One style sheet of a head, parsed with the fetcher and font configuration given."""
    from weasyprint import CSS  # loaded by core.pdf, which remembers the libraries it found

    base = TEMPLATES_DIR.as_uri() + "/"
    if match[1]:
        return CSS(url=urljoin(base, match[1]), url_fetcher=fetcher, font_config=fonts)
    return CSS(string=match[2], base_url=base, url_fetcher=fetcher, font_config=fonts)


def read_once(html: str, fetcher: Any, fonts: Any, warnings: list[str]) -> tuple[str, list[CSS]]:
    """The document without its style sheets, and the sheets, each read once in this process
    for the fetcher's folders (a forked worker, whose fonts are its own, reads them again). A
    sheet that drew a warning is not kept: read again, it says so again."""
    head, end, body = html.partition("</head>")
    bare = _bare_head(head)
    if bare is None:
        return html, []
    sheets = []
    for match in STYLE_SHEETS.finditer(head):
        key = (os.getpid(), match[0], fetcher.roots, fetcher.grey, id(fonts))
        if key in _READ:
            _READ.move_to_end(key)
        else:
            before = len(warnings)
            read = _sheet(match, fetcher, fonts)
            if len(warnings) > before:
                sheets.append(read)
                continue
            _READ[key] = read
            while len(_READ) > KEEP:
                _READ.popitem(last=False)
        sheets.append(_READ[key])
    return bare + end + body, sheets
