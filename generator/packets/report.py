"""report.txt beside a roster's packets: what was built, each row that was not and why (by row
number, never its content), true to what is on disk while the run goes on."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import HandoutError, display_path
from ..core.output import write_file
from .job import PacketJob
from .roster import Roster

if TYPE_CHECKING:
    from .pool import BatchResult

REPORT = "report.txt"


class Report:
    """report.txt, true to what is on disk at every moment: written when the run starts (an
    earlier run's goes), a line added as each row is done, and written whole at the end."""

    def __init__(self, path: Path, job: PacketJob, roster: Roster, result: BatchResult):
        self.path, self.job, self.roster, self.result = path, job, roster, result
        lines = [*_head(job, roster), RUNNING, "", "Row  File"]
        lines += [f"{bad.line:<4} not built: {bad.reason}" for bad in result.bad]
        write_file(path, "\n".join(lines).encode("utf-8") + b"\n")
        try:
            self.stream = open(path, "a", encoding="utf-8")  # noqa: SIM115 (open until finish)
        except OSError as error:
            reason = error.strerror or error
            raise HandoutError(f"cannot write '{display_path(path)}': {reason}") from None

    def written(self, line: int, path: Path) -> None:
        self._add(f"{line:<4} {path.name}")

    def failed(self, line: int, reason: str) -> None:
        self._add(f"{line:<4} not built: {reason}")

    def _add(self, text: str) -> None:
        try:
            self.stream.write(text + "\n")
            self.stream.flush()  # a killed run's report lists what it wrote
        except OSError:
            pass  # a full disk: the report written at the end says it all, if it can

    def finish(self) -> None:
        with suppress(OSError):
            self.stream.close()
        text = report_text(self.job, self.roster, self.result)
        try:
            write_file(self.path, text.encode("utf-8"))
        except HandoutError as error:
            self.result.problems.append(error.message)


RUNNING = (
    "Status: running, or stopped before its end. Each row below was done when listed; "
    "a complete report replaces this one when the run ends."
)


def _head(job: PacketJob, roster: Roster) -> list[str]:
    return [f"Packet: {job.packet.title} ({job.packet.id})", f"Roster: {roster.shown}"]


def report_text(job: PacketJob, roster: Roster, result: BatchResult) -> str:
    """The summary written beside the PDFs: what was built, and each row that was not."""
    done = {row.line for row, _ in result.written} | {bad.line for bad in result.bad}
    missing = [row.line for row in roster.rows if row.line not in done]
    total = len(roster.rows) + len(roster.bad)
    lines = [
        *_head(job, roster),
        f"Built: {len(result.written)} of {total} participants, {result.pages} pages each",
    ]
    if result.combined:
        lines.append(f"Print job: {result.combined.name} ({result.combined_pages} pages)")
    if result.stopped:
        lines.append("Stopped before the end: rows not listed below were not built.")
    lines += result.problems
    lines += ["", "Row  File"]
    lines += [f"{row.line:<4} {path.name}" for row, path in result.written]
    if result.bad:
        lines += ["", "Not built:"] + [f"  {bad}" for bad in result.bad]
    if missing:
        lines += ["", f"Not reached: {_ranges(missing)}"]
    return "\n".join(lines) + "\n"


def _ranges(lines: list[int]) -> str:
    """'rows 3-7, 9': the row numbers given, in runs."""
    runs: list[list[int]] = []
    for line in lines:
        if runs and line == runs[-1][-1] + 1:
            runs[-1][1:] = [line]
        else:
            runs.append([line])
    return "rows " + ", ".join("-".join(map(str, run)) for run in runs)
