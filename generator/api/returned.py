"""What comes back: clients' answers (fillable PDFs and phone answers files), the phone
copies and homework site that send them, and the practice key that opens them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.content import Library
from ..core.options import Options
from ..core.profiles import (
    Personal,
    Practice,
    find_practice,
)

if TYPE_CHECKING:  # named only: the modules behind them load the engine or a PDF library
    from ..core.answers import Answer
    from ..phone.copy import PhoneCopy
    from ..phone.keys import PracticeKey
    from ..phone.returned import Batch, Returned
    from ..phone.site import Site


from .building import library
from .types import PathLike


def read_answers(path: PathLike, passphrase: str | None = None) -> Returned:
    """What a client typed into a fillable PDF or a phone copy, from the file they sent back:
    a Returned, the sequence of its Answer(field, question, value), with its module, the date
    it was sent and the copy it came from (phone files). A phone answers file is opened with
    the practice's key (and its passphrase, when it has one)."""
    from ..phone.returned import Keyring
    from ..phone.returned import read_answers as read

    return read(Path(path), Keyring(passphrase))


def answers_in(data: bytes, name: str) -> list[Answer]:
    """The answers in a fillable PDF's bytes (an upload), its problems naming it 'name'."""
    from ..core.answers import answers_in as read

    return read(data, name)


def returned_in(data: bytes, name: str, passphrase: str | None = None) -> Returned:
    """What a client sent back, from a file's bytes (an upload, never saved): a fillable PDF
    or a phone answers file, each problem naming the file as the user named it."""
    from ..phone.returned import Keyring
    from ..phone.returned import returned_in as read

    return read(data, name, Keyring(passphrase))


def read_many_answers(paths: Iterable[PathLike], passphrase: str | None = None) -> Batch:
    """Many returned files at once: a Batch of those read, one line for each that could not
    be (naming the file), and the files that repeat one already read."""
    from ..phone.returned import read_many

    return read_many([Path(p) for p in paths], passphrase)


def answers_text(batch: Batch, output_format: str = "table") -> str:
    """Answers read from many files as 'table' (to read), 'csv' (a spreadsheet) or 'json'."""
    from ..phone.returned import many_csv, many_json, many_table

    shapes = {"table": many_table, "csv": many_csv, "json": lambda read: many_json(read) + "\n"}
    return shapes[output_format](batch.read)


def build_phone(
    ids: Sequence[str],
    who: Personal | None = None,
    options: Options | None = None,
    *,
    content: Library | Iterable[PathLike] = (),
    public_key: PathLike | None = None,
) -> list[PhoneCopy]:
    """One phone copy per module (PhoneCopy: .name, .html, .write), its answers locked to the
    practice's public key: the file given, else the one beside the practice profile, else
    the one in the user's settings folder."""
    from ..phone.copy import phone_copies
    from ..phone.keys import public_key_path, read_public

    who = who or Personal()
    found = content if isinstance(content, Library) else library(content)
    path = Path(public_key) if public_key else public_key_path(find_practice(None))
    return phone_copies(ids, who, found, read_public(path), options or Options())


def practice_public_key(profile: PathLike | None = None) -> Path:
    """Where phone copies take the practice's public key from: beside this profile (else
    the one found), else in the user's settings folder."""
    from ..phone.keys import public_key_path

    return public_key_path(Path(profile) if profile else find_practice(None))


def build_site(
    out: PathLike,
    ids: Sequence[str] = (),
    practice: Practice | None = None,
    options: Options | None = None,
    *,
    content: Library | Iterable[PathLike] = (),
    public_key: PathLike | None = None,
) -> Site:
    """The phone copies of the whole library (or of these modules) as a static homework site
    in `out`: index.html by topic, a web-app manifest and a service worker. No client details."""
    from ..phone.keys import public_key_path, read_public
    from ..phone.site import build_site as build

    found = content if isinstance(content, Library) else library(content)
    path = Path(public_key) if public_key else public_key_path(find_practice(None))
    return build(Path(out), found, read_public(path), practice, options or Options(), ids)


def practice_keys() -> list[PracticeKey]:
    """The practice's private keys (fingerprint, file, whether a passphrase guards it), the
    one new phone copies use first."""
    from ..phone.keys import practice_keys as keys

    return keys()


def ensure_practice_key(
    profile_folder: PathLike, passphrase: str | None = None
) -> tuple[PracticeKey, bool]:
    """The practice key, made if there is none, its public key put beside the profile: the
    key, and whether it was made now."""
    from ..phone.keys import ensure_key

    return ensure_key(Path(profile_folder), passphrase)


def new_practice_key(
    profile_folder: PathLike | None = None, passphrase: str | None = None
) -> PracticeKey:
    """A new practice key for new phone copies; older keys are kept to open older answers.
    Its public half goes beside the practice profile (when its folder is given) and in the
    user's settings folder, never into whatever folder the command was started in."""
    from ..phone.keys import new_key, public_of, user_profile, write_public

    key = new_key(passphrase)
    public = public_of(key, passphrase)
    folders = [Path(profile_folder)] if profile_folder else []
    for folder in dict.fromkeys([*folders, user_profile().parent]):
        write_public(public, folder)
    return key


def export_practice_keys(
    target: PathLike, backup_passphrase: str, passphrase: str | None = None
) -> int:
    """Every practice key in one backup file, locked with the backup's passphrase."""
    from ..phone.keys import export_keys

    return export_keys(Path(target), backup_passphrase, passphrase)


def import_practice_keys(source: PathLike, backup_passphrase: str) -> list[PracticeKey]:
    """The keys of a backup put back (a new computer, or a lost key folder)."""
    from ..phone.keys import import_keys

    return import_keys(Path(source), backup_passphrase)


def key_fingerprint(fingerprint: str) -> str:
    """A fingerprint as people compare it ('1a2b 3c4d 5e6f 7a8b')."""
    from ..phone.keys import short

    return short(fingerprint)
