"""The progress report PDF, in the house style: alerts first (clinician's copy), a chart and a
data table for each measure, each tracked item by day, and homework given and returned."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from ..core.languages import format_day
from ..core.options import Options, palette, settle
from ..core.pdf import render_pdf
from ..core.profiles import Personal, Practice
from ..core.render import (
    Document,
    created_date,
    environment,
    load_template,
    page_context,
    render_template,
    words_of,
)
from .charts import line_chart
from .summary import Point, Series, Summary


def render_report(
    summary: Summary, for_client: bool, options: Options, practice: Practice | None
) -> tuple[str, bytes, int]:
    """The report's file name, PDF bytes and page count, in the client's language."""
    personal = Personal(practice=practice or Practice())
    given = replace(options, language=summary.language, fillable=False)
    options = settle(given, personal.practice)
    env = environment(languages=options.languages)
    words = words_of(env)
    title = words.plain("Progress report") + f" · {summary.code}"
    meta = {
        "title": title,
        "subject": words.plain("Progress across sessions"),
        "keywords": "progress",
        "author": personal.author,
        "language": summary.language,
        "created": created_date(),
    }
    context = page_context(meta, personal, options) | {"fallbacks": ()}
    html = render_template(
        load_template(env, "progress-report.html"),
        report=_report(summary, for_client, options, summary.language),
        **context,
    )
    rendered = render_pdf(Document(html, title, summary.language), options=options)
    suffix = "-for-client" if for_client else ""
    return f"progress-{summary.code.lower()}{suffix}.pdf", rendered.data, rendered.pages


def sections(summary: Summary, for_client: bool = False) -> dict:
    """The report's parts (as for the clinician's copy, by default), for another page."""
    return _report(summary, for_client, Options(), summary.language)


def _report(summary: Summary, for_client: bool, options: Options, language: str) -> dict:
    def day(text: str) -> str:
        return format_day(dt.date.fromisoformat(text), language)

    return {
        "code": summary.code,
        "for_client": for_client,
        "alerts": () if for_client else summary.alerts,
        "measures": [_measure(s, for_client, options, day) for s in summary.measures],
        "tracks": [_track(s, options, day) for s in summary.tracks],
        "homework": summary.homework,
        "day": day,
        "first": day(summary.days[0]) if summary.days else "",
        "last": day(summary.days[-1]) if summary.days else "",
    }


def _measure(series: Series, for_client: bool, options: Options, day) -> dict:
    scoring = series.scoring
    bands = [(b.low, b.high, "" if for_client else b.label) for b in scoring.bands]
    points = [(p.day, _total(p) if p.scored.complete else None) for p in series.points]
    rows = [
        (
            day(p.day),
            p.value,
            "" if for_client or not p.scored.band else p.scored.band.label,
            p.scored.missing,
        )
        for p in series.points
    ]
    chart = line_chart(
        series.title, points, scoring.highest, bands, palette(options), options.ink_saver
    )
    return {"title": series.title, "chart": chart, "rows": rows, "highest": scoring.highest}


def _total(point: Point) -> int | None:
    return point.value if isinstance(point.value, int) else None


def _track(series: Series, options: Options, day) -> dict:
    numbers = [(p.day, p.value) for p in series.points if isinstance(p.value, int)]
    chart = None
    if len(numbers) == len(series.points) and len(numbers) > 1:
        top = max(max(v for _, v in numbers), 1)
        label = f"{series.label}: {series.title}"
        chart = line_chart(label, numbers, top, (), palette(options), options.ink_saver)
    rows = [(day(p.day), "" if p.value is None else p.value) for p in series.points]
    return {"label": series.label, "title": series.title, "chart": chart, "rows": rows}
