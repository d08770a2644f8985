"""Speed figures for `make bench`: each built-in module, ours against bare WeasyPrint.

For every module: the warm in-process build (load, check, render, write), a bare WeasyPrint
render of the very same final HTML, their ratio (target: at most 1.10), both as median CPU time,
and the wall time of a fresh `handouts build` process.
"""

from __future__ import annotations

import gc
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from generator.build import build_handout
from generator.content import load_library
from generator.profiles import load_practice, make_personal
from generator.render import Options, render_document
from generator.resources import CONTENT_DIR, TEMPLATES_DIR
from generator.validate import check_modules

ROUNDS = 12
CLI_ROUNDS = 3
TARGET = 1.10


def personal():
    return make_personal(
        client="J.D.",
        date="2026-11-22",
        session=4,
        note="Ask one person for help each day",
        practice=load_practice(CONTENT_DIR / "practice.example.yaml"),
    )


def final_html(module_id: str) -> str:
    library = load_library()
    checked = check_modules(library.select([module_id]), library.roots)
    return render_document(checked, personal(), Options()).html


def cpu_time(work) -> float:
    """CPU seconds of one call: steadier than wall time on a shared machine."""
    gc.collect()
    start = time.process_time()
    work()
    return time.process_time() - start


def time_ours(module_id: str, out: Path) -> float:
    return cpu_time(lambda: build_handout([module_id], personal(), out=out))


def time_bare(html: str) -> float:
    return cpu_time(
        lambda: HTML(string=html, base_url=TEMPLATES_DIR.as_uri() + "/").write_pdf(
            font_config=FontConfiguration()
        )
    )


def time_cli(module_id: str, out: Path) -> float:
    command = [
        sys.executable,
        "-m",
        "generator",
        "build",
        module_id,
        "--client",
        "J.D.",
        "--out",
        str(out),
    ]
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def measure(module_id: str, out: Path) -> tuple[float, float, float]:
    html = final_html(module_id)
    time_ours(module_id, out)  # warm caches
    time_bare(html)
    ours, bare = [], []
    for round_ in range(ROUNDS):  # interleaved, alternating who goes first, so drift cancels
        pair = [
            lambda: ours.append(time_ours(module_id, out)),
            lambda: bare.append(time_bare(html)),
        ]
        for step in pair if round_ % 2 else reversed(pair):
            step()
    cli = [time_cli(module_id, out) for _ in range(CLI_ROUNDS)]
    return statistics.median(ours), statistics.median(bare), statistics.median(cli)


def main() -> int:
    print(f"{'module':34} {'ours (warm)':>12} {'bare':>9} {'ratio':>7} {'fresh CLI':>10}")
    worst = 0.0
    with tempfile.TemporaryDirectory() as folder:
        for module_id in load_library().modules:
            ours, bare, cli = measure(module_id, Path(folder))
            ratio = ours / bare
            worst = max(worst, ratio)
            print(
                f"{module_id:34} {ours * 1000:10.0f}ms {bare * 1000:7.0f}ms {ratio:7.3f} "
                f"{cli * 1000:8.0f}ms"
            )
    verdict = "meets" if worst <= TARGET else "MISSES"
    print(f"worst ratio {worst:.3f}: {verdict} the target of {TARGET:.2f}")
    return 0 if worst <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
