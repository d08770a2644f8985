"""Writing output: the default folder, file names, atomic writes and the clean-up of what an
interrupted run was still writing."""

from __future__ import annotations

import errno
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from .errors import HandoutError, display_path

DEFAULT_OUT = Path("output")
PARTIAL = ".part"  # suffix of a file still being written


def file_name(stem: str, slug: str) -> str:
    """'journey' + 'jd' -> 'journey-jd.pdf'; without a client slug just 'journey.pdf'."""
    return f"{stem}-{slug}.pdf" if slug else f"{stem}.pdf"


def write_file(path: Path, data: bytes | Callable[[BinaryIO], object]) -> None:
    """write_atomic, with a failure reported as the user's error, naming the file."""
    try:
        write_atomic(path, data)
    except OSError as error:
        raise write_error(path, error) from None


def write_error(path: Path, error: OSError) -> HandoutError:
    """A failed write as the user's error, naming the file; a full disk said in plain words."""
    where = display_path(path)
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return HandoutError(
            f"cannot write '{where}': the disk is full; nothing was written there. "
            "Free some space and try again"
        )
    return HandoutError(f"cannot write '{where}': {error.strerror or error}")


def write_new(path: Path, data: bytes) -> None:
    """Write a file that must not exist yet: complete or absent (a full disk leaves no empty
    file behind), never over someone else's. Raises FileExistsError if it is there."""
    atomic = AtomicFile(path)
    try:
        atomic.stream.write(data)
    except BaseException:
        atomic.discard()
        raise
    temp = atomic.complete()
    try:
        _link_new(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def _link_new(temp: Path, path: Path) -> None:
    try:
        os.link(temp, path)  # fails if 'path' exists, unlike a rename
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links (FAT, some network drives)
        if path.exists():
            raise FileExistsError(errno.EEXIST, "File exists", str(path)) from None
        os.replace(temp, path)


def prepare_folder(folder: Path) -> None:
    """Make sure the output folder exists and can be written, before any file goes there."""
    where = display_path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        reason = error.strerror or str(error)
        raise HandoutError(f"cannot write to output folder '{where}': {reason}") from None


class AtomicFile:
    """A file written under a temporary name in its folder, then renamed into place: it is
    either complete or absent. The temporary name carries a tag (by default the process id) so
    that a run can tell its own leftovers from another's."""

    def __init__(self, path: Path, tag: str = ""):
        self.path = path
        handle, temp = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.{tag or os.getpid()}.", suffix=PARTIAL
        )
        self.temp = Path(temp)
        self.stream: BinaryIO = os.fdopen(handle, "wb")

    def commit(self) -> None:
        self.complete()
        try:
            os.replace(self.temp, self.path)
        except BaseException:
            self.discard()
            raise

    def complete(self) -> Path:
        """Finish writing, but leave the file under its temporary name (returned), for whoever
        keeps count of what is in place to rename."""
        try:
            self.stream.flush()
            os.fsync(self.stream.fileno())
            self.stream.close()
            os.chmod(self.temp, 0o666 & ~_umask())
        except BaseException:
            self.discard()
            raise
        return self.temp

    def discard(self) -> None:
        with suppress(OSError):  # a full disk: what could not be flushed goes with the file
            self.stream.close()
        self.temp.unlink(missing_ok=True)

    def __enter__(self) -> BinaryIO:
        return self.stream

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


def write_atomic(path: Path, data: bytes | Callable[[BinaryIO], object], tag: str = "") -> None:
    """Write a file so that it is either complete or absent: temp file, then rename.

    'data' is the bytes, or a function that writes them to a stream (e.g. pikepdf's save)."""
    with AtomicFile(path, tag) as stream:
        stream.write(data) if isinstance(data, bytes) else data(stream)


# A temporary name: .NAME.TAG.RANDOM.part, the tag starting with the writing process's id.
_PARTIAL_NAME = re.compile(r"^\..+\.(\d+)(?:-[^.]*)?\.[^.]+" + re.escape(PARTIAL) + "$")


def remove_partial(folder: Path, tag: str | None = None) -> int:
    """Delete what an interrupted run was still writing; returns how many. With a tag, the
    files of the run that wrote with it; without, those of processes that no longer run."""
    removed = 0
    for leftover in folder.glob(f".*{PARTIAL}"):
        if _leftover(leftover.name, tag):
            leftover.unlink(missing_ok=True)
            removed += 1
    return removed


def _leftover(name: str, tag: str | None) -> bool:
    if tag is not None:
        return f".{tag}." in name
    match = _PARTIAL_NAME.match(name)
    return match is not None and not running(int(match[1]))


def running(pid: int) -> bool:
    """Whether a process with this id is running (on Windows, assumed so)."""
    if os.name == "nt":
        return True  # os.kill would end the process there; leave its files alone
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class NoSpace(HandoutError):
    """Too little free disk space for what is about to be written, found before it starts."""

    def __init__(self, folder: Path, need: int, free: int):
        self.need, self.free = _megabytes(need), _megabytes(free)
        super().__init__(
            f"not enough free disk space in '{display_path(folder)}': the files need about "
            f"{self.need} MB and {self.free} MB are free; free some space or choose another folder"
        )


def ensure_space(folder: Path, need: int) -> None:
    """Raise NoSpace when the folder's disk has less than 'need' bytes free (a disk whose
    space cannot be asked is left to the writes themselves to report)."""
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return
    if free < need:
        raise NoSpace(folder, need, free)


def _megabytes(size: int) -> str:
    return f"{max(1, round(size / 1_000_000)):,}"


# --- the lock on an output folder ---------------------------------------------------------

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
        if sys.platform != "win32":
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
                "wait for it to finish, or choose another folder"
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
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(handle, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True
