"""Python's cycle collector while the package loads and while a document is laid out.

Both make hundreds of thousands of small objects that stay: the loaded modules and their tables
for the life of the process, a layout's boxes until its PDF is written. Looking at new objects
every 700 allocations, as it usually does, the collector found little to free and went over the
same objects again and again. Measured on this library: rendering all of it on Letter and on A4
took 8.0 s of CPU with the usual setting and 6.7 s with the sparser one, for the same peak
memory; in a fresh `handouts build` of one handout, the collector's time went from about 48 ms
to 11 ms once loading ran without it, and the peak memory grew by 0.4 MB (75.2 to 75.6 MB)."""

from __future__ import annotations

import gc
import threading

# While a document is laid out, the collector looks at new objects after this many allocations.
SPARSE_THRESHOLD = 50_000


class _WhileInside:
    """A setting of the collector that holds while any thread is inside: made when the first
    comes in, undone when the last leaves. Reentrant."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._inside = 0

    def __enter__(self) -> None:
        with self._lock:
            if self._inside == 0:
                self._first_in()
            self._inside += 1

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._inside -= 1
            if self._inside == 0:
                self._last_out()

    def _first_in(self) -> None:
        raise NotImplementedError

    def _last_out(self) -> None:
        raise NotImplementedError


class _Loading(_WhileInside):
    """While code loads, no collection; after, what was loaded is set apart (gc.freeze), since
    nearly all of it lives as long as the process: later collections skip it, and objects made
    from then on are looked at as usual."""

    def _first_in(self) -> None:
        self._was_on = gc.isenabled()
        gc.disable()

    def _last_out(self) -> None:
        gc.freeze()
        if self._was_on:
            gc.enable()


class _Sparse(_WhileInside):
    """While a document is laid out, the collector runs after SPARSE_THRESHOLD allocations."""

    def _first_in(self) -> None:
        self._usual = gc.get_threshold()
        gc.set_threshold(max(SPARSE_THRESHOLD, self._usual[0]), *self._usual[1:])

    def _last_out(self) -> None:
        gc.set_threshold(*self._usual)


LOADING = _Loading()
FEWER_COLLECTIONS = _Sparse()
