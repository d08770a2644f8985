"""The lock on a roster's output folder: one run at a time writes there."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from ..core.errors import HandoutError, display_path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt

LOCK = ".handouts-roster.lock"


@contextmanager
def folder_lock(folder: Path) -> Iterator[str | None]:
    """One roster run at a time in a folder: a second one stops at once, naming the folder,
    rather than overwrite the same participants' files or remove the first one's. The lock
    goes with the process that holds it, however it ends; the file it leaves behind when a run
    is killed outright is taken over by the next, which yields a notice saying so (else None)."""
    path = folder / LOCK
    handle = _lock(path)
    try:
        yield _take_over(path, handle)
    finally:
        if fcntl:
            path.unlink(missing_ok=True)  # while still holding it, see _lock
            os.close(handle)
        else:
            os.close(handle)  # Windows removes no file that is open
            with suppress(OSError):
                path.unlink()


def _lock(path: Path) -> int:
    while True:
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        if not _try_lock(handle):
            os.close(handle)
            raise HandoutError(
                f"output folder '{display_path(path.parent)}' is in use by another roster run; "
                "wait for it to finish, or choose another --out"
            )
        try:
            if os.stat(path).st_ino == os.fstat(handle).st_ino:
                return handle
        except FileNotFoundError:
            pass
        os.close(handle)  # the run before removed this lock file as it ended: take a new one


def _take_over(path: Path, handle: int) -> str | None:
    """Write this process's id in the lock; a lock that already held one was left by a run
    that was killed (a run that ends removes its lock)."""
    left = b""
    with suppress(OSError):
        os.lseek(handle, 0, os.SEEK_SET)
        left = os.read(handle, 32)
        os.ftruncate(handle, 0)
        os.lseek(handle, 0, os.SEEK_SET)
        os.write(handle, str(os.getpid()).encode())
    if not left:
        return None
    process = f" (process {int(left)})" if left.strip().isdigit() else ""
    return (
        f"notice: took over '{display_path(path)}', left by a roster run that was stopped "
        f"without finishing{process}"
    )


def _try_lock(handle: int) -> bool:
    try:
        if fcntl:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            msvcrt.locking(handle, msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True
