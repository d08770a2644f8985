"""Speed and size of phone copies (make bench): every worksheet's phone copy built in-process,
the largest file, and how soon a copy is ready to use on a phone with its CPU slowed 4x."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

CPU_TARGET = 1.0  # seconds of CPU for every worksheet's phone copy, in-process, warm
SIZE_TARGET = 250_000  # bytes, the largest phone copy
READY_TARGET = 1000.0  # milliseconds to a working page, CPU throttled 4x


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        os.environ["XDG_CONFIG_HOME"] = str(Path(folder) / "config")
        from generator import api

        api.new_practice_key()
        library = api.library()
        worksheets = sorted(i for i, m in library.modules.items() if m.kind == "worksheet")
        cold, cpu = build_all(api, library, worksheets)
        everything = api.build_phone(sorted(library.modules), content=library)
        largest = max(everything, key=lambda copy: len(copy.data))
        ready = time_to_ready(largest.write(Path(folder)))
    ok = report(len(worksheets), cold, cpu, largest, ready)
    return 0 if ok else 1


def build_all(api, library, ids) -> tuple[float, float]:
    """CPU seconds of a first build (templates compiled, Markdown converted) and a second."""
    times = []
    for _ in range(2):
        start = time.process_time()
        api.build_phone(ids, content=library)
        times.append(time.process_time() - start)
    return times[0], times[1]


def time_to_ready(path: Path) -> float | None:
    """Milliseconds from navigation to the end of the load event, CPU throttled 4x."""
    from tests.helpers import chromium

    browser_path = chromium()
    if browser_path is None:
        return None
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=browser_path, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
        page = context.new_page()
        page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 4})
        times = []
        for _ in range(5):
            page.goto(path.as_uri())
            page.wait_for_function("document.documentElement.classList.contains('js')")
            times.append(
                page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
            )
        browser.close()
    return sorted(times)[len(times) // 2]


def report(count: int, cold: float, cpu: float, largest, ready: float | None) -> bool:
    size_ok, cpu_ok = len(largest.data) <= SIZE_TARGET, max(cold, cpu) <= CPU_TARGET
    ready_ok = ready is None or ready <= READY_TARGET
    print(f"\nphone copies of {count} worksheets in-process: {cold:.3f}s CPU the first time,")
    print(f"{cpu:.3f}s CPU again (target {CPU_TARGET:.1f}s each)")
    print(f"largest copy: {largest.name} {len(largest.data):,} bytes (target {SIZE_TARGET:,})")
    if ready is None:
        print("time to a working page: no Chromium to measure it")
    else:
        print(f"time to a working page, CPU 4x slower: {ready:.0f} ms (target {READY_TARGET:.0f})")
    return size_ok and cpu_ok and ready_ok


if __name__ == "__main__":
    sys.exit(main())
