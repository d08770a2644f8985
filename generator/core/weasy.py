"""The WeasyPrint internals the tool relies on, in one place: what is on a laid-out page, which
pages were left blank, and where a font configuration keeps its files. WeasyPrint has no public
API for these; tests/test_weasy.py fails loudly if an upgrade changes any of them."""

from __future__ import annotations

from collections.abc import Iterator


def boxes(page) -> Iterator:
    """Every box laid out on a page (weasyprint.Page), outermost first."""
    return page._page_box.descendants()


def is_blank(page) -> bool:
    """Whether WeasyPrint added the page only so that the next part starts on the right side."""
    return bool(page._page_box.page_type.blank)


def font_folder(configuration) -> str | None:
    """The temporary folder where a FontConfiguration copied the fonts it uses."""
    return getattr(configuration, "_folder", None)


def internals_missing() -> list[str]:
    """Which of the internals above this WeasyPrint no longer has (empty when all are there)."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    html = "<style>@page :right {} .b { break-before: right }</style><p>a</p><p class=b>b</p>"
    configuration = FontConfiguration()
    document = HTML(string=html).render(font_config=configuration)
    problems = []
    try:
        found = [box.element_tag for page in document.pages for box in boxes(page)]
        if "p" not in found:
            problems.append("boxes(page) no longer reaches the laid-out elements")
        if [is_blank(page) for page in document.pages] != [False, True, False]:
            problems.append("is_blank(page) no longer tells which pages were left blank")
    except AttributeError as error:
        problems.append(f"a laid-out page changed: {error}")
    if not hasattr(configuration, "_folder"):
        problems.append("FontConfiguration no longer keeps its fonts in '_folder'")
    return problems
