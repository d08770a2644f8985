"""Speed of the progress record, for `make bench` ('python tests/bench.py progress' alone):
importing 100 returned PDFs (target at most 5 s), 'show' for a client with 50 sessions (0.3 s),
the report of 50 sessions (2 s) and the list of 1,000 clients (0.3 s), as CPU time. The
passphrase's key derivation (PBKDF2, once per command) is timed apart: the cost of opening."""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.api import add_returned, client_summary, open_record, progress_report
from generator.cli.progress import summary_lines
from generator.progress.record import Entry
from tests.progress_fixtures import filled, phq9

PASS = "bench passphrase"
TARGETS = {
    "import 100 files": 5.0,
    "show 50 sessions": 0.3,
    "report 50 sessions": 2.0,
    "list 1,000 clients": 0.3,
}


def returned_files(folder: Path, count: int) -> list[Path]:
    """Returned PHQ-9s, one a week, totals moving."""
    start = dt.date(2025, 1, 6)
    return [
        filled(
            folder,
            f"r{i}.pdf",
            "phq-9",
            {**phq9(i % 28), "date": (start + dt.timedelta(weeks=i)).isoformat()},
        )
        for i in range(count)
    ]


def timed(work) -> float:
    """CPU seconds, as the rest of the bench measures: the machine may be shared."""
    begun = time.process_time()
    work()
    return time.process_time() - begun


def measure_progress() -> bool:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        files = returned_files(folder, 100)
        figures = {
            "open the record (key derivation)": timed(
                lambda: open_record(PASS, folder / "o.db").close()
            )
        }
        with open_record(PASS, folder / "record.db") as record:
            figures["import 100 files"] = timed(lambda: add_returned(record, files, "AB-1"))
            with open_record(PASS, folder / "fifty.db") as fifty:
                add_returned(fifty, files[:50], "AB-2")
                figures["show 50 sessions"] = timed(
                    lambda: summary_lines(client_summary(fifty, "AB-2"))
                )
                progress_report(fifty, "AB-2")  # the first report loads fonts and templates
                figures["report 50 sessions"] = timed(lambda: progress_report(fifty, "AB-2"))
            for number in range(1000):
                record.add(
                    f"CL-{number}", [Entry("given", "where-am-i", "2026-01-01", {}, "build", "g")]
                )
            figures["list 1,000 clients"] = timed(record.counts)
    ok = True
    for name, seconds in figures.items():
        target = TARGETS.get(name)
        verdict = "" if target is None else ("ok" if seconds <= target else "SLOW")
        ok = ok and verdict != "SLOW"
        limit = f"(target {target:.1f} s)" if target else ""
        print(f"progress: {name:<34} {seconds:6.3f} s {limit} {verdict}")
    return ok


if __name__ == "__main__":
    sys.exit(0 if measure_progress() else 1)
