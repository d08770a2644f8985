"""The practice's key pair: made once, kept in the user's config folder, backed up and restored.

Answers files from phone copies are locked to the practice's public key (see answers_file.py);
only the private key kept here opens them. A new key never replaces an old one: older answers
files still open with the key they were locked to."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ..core.errors import HandoutError, display_path
from ..core.profiles import user_profile

PUBLIC_NAME = "practice-public-key.pem"  # beside the practice profile: not a secret
CURRENT = "current"  # the file in the key folder naming the key new phone copies use
KEY_SUFFIX = ".pem"
KEY_LIMIT = 64_000  # bytes: a P-256 key in PEM is about 300


@dataclass(frozen=True)
class PracticeKey:
    """One private key in the key folder, by its public key's fingerprint."""

    fingerprint: str
    path: Path
    protected: bool  # a passphrase is needed to use it


def key_folder() -> Path:
    """Where the private keys live: keys/ beside the user's practice profile."""
    return user_profile().parent / "keys"


def fingerprint(public: ec.EllipticCurvePublicKey) -> str:
    """The SHA-256 of the public key (SubjectPublicKeyInfo, DER), in hexadecimal."""
    der = public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()


def short(fingerprint_hex: str) -> str:
    """A fingerprint as people compare it: its first 16 digits in groups of four."""
    return " ".join(fingerprint_hex[i : i + 4] for i in range(0, 16, 4))


def public_pem(public: ec.EllipticCurvePublicKey) -> bytes:
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def private_pem(private: ec.EllipticCurvePrivateKey, passphrase: str | None) -> bytes:
    """The private key as PKCS#8 PEM, encrypted with the passphrase when one is given."""
    guard = (
        serialization.BestAvailableEncryption(passphrase.encode())
        if passphrase
        else serialization.NoEncryption()
    )
    return private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, guard
    )


def new_key(passphrase: str | None = None, folder: Path | None = None) -> PracticeKey:
    """Make a key pair, keep the private key (mode 0600) and make it the current one."""
    folder = folder or key_folder()
    private = ec.generate_private_key(ec.SECP256R1())
    return store_key(private, passphrase, folder, make_current=True)


def store_key(
    private: ec.EllipticCurvePrivateKey, passphrase: str | None, folder: Path, make_current: bool
) -> PracticeKey:
    """Keep a private key in the key folder under its fingerprint (never overwriting one)."""
    found = fingerprint(private.public_key())
    path = folder / f"{found}{KEY_SUFFIX}"
    _secure_folder(folder)
    if not path.exists():
        write_secret(path, private_pem(private, passphrase))
    if make_current:
        write_secret(folder / CURRENT, f"{found}\n".encode())
    return PracticeKey(found, path, _protected(path.read_bytes()))


def _secure_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(folder, 0o700)
    except OSError as error:
        where = display_path(folder)
        raise HandoutError(f"cannot make the key folder '{where}': {error.strerror}") from None


def write_secret(path: Path, data: bytes) -> None:
    """Write a file only its owner can read (0600 from the first byte), atomically."""
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, path)
    except OSError as error:
        Path(temp).unlink(missing_ok=True)
        raise HandoutError(f"cannot write '{display_path(path)}': {error.strerror}") from None


def _protected(pem: bytes) -> bool:
    return b"ENCRYPTED PRIVATE KEY" in pem


def practice_keys(folder: Path | None = None) -> list[PracticeKey]:
    """Every private key in the key folder, the current one first."""
    folder = folder or key_folder()
    if not folder.is_dir():
        return []
    now = current_fingerprint(folder)
    found = [
        PracticeKey(path.stem, path, _protected(path.read_bytes()[:KEY_LIMIT]))
        for path in sorted(folder.glob(f"*{KEY_SUFFIX}"))
        if len(path.stem) == 64
    ]
    return sorted(found, key=lambda key: key.fingerprint != now)


def current_fingerprint(folder: Path | None = None) -> str:
    """The fingerprint of the key new phone copies are locked to ('' when there is none)."""
    path = (folder or key_folder()) / CURRENT
    try:
        return path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""


def load_private(key: PracticeKey, passphrase: str | None) -> ec.EllipticCurvePrivateKey:
    """A private key from its file, opened with the passphrase when it has one."""
    if key.protected and not passphrase:
        raise NeedsPassphrase(f"{display_path(key.path)}: the practice key has a passphrase")
    try:
        private = serialization.load_pem_private_key(
            key.path.read_bytes()[:KEY_LIMIT], passphrase.encode() if passphrase else None
        )
    except ValueError:
        raise HandoutError(
            f"{display_path(key.path)}: the passphrase is not the one this key was saved with"
        ) from None
    except OSError as error:
        raise HandoutError(f"{display_path(key.path)}: cannot read it: {error.strerror}") from None
    if not isinstance(private, ec.EllipticCurvePrivateKey):
        raise HandoutError(f"{display_path(key.path)}: is not a practice key (P-256)")
    return private


class NeedsPassphrase(HandoutError):
    """A key with a passphrase was needed, and none was given."""


def read_public(path: Path) -> ec.EllipticCurvePublicKey:
    """The practice's public key from a PEM file, checked to be a P-256 key."""
    where = display_path(path)
    try:
        public = serialization.load_pem_public_key(path.read_bytes()[:KEY_LIMIT])
    except FileNotFoundError:
        raise HandoutError(
            f"{where}: no such file; 'handouts key new' makes the practice key"
        ) from None
    except OSError as error:
        raise HandoutError(f"{where}: cannot read it: {error.strerror}") from None
    except ValueError:
        raise HandoutError(f"{where}: is not a public key in PEM form") from None
    if not isinstance(public, ec.EllipticCurvePublicKey) or public.curve.name != "secp256r1":
        raise HandoutError(f"{where}: expected a P-256 public key")
    return public


def write_public(public: ec.EllipticCurvePublicKey, folder: Path) -> Path:
    """Put the public key beside a practice profile, where phone copies take it from."""
    from ..core.output import prepare_folder, write_file

    prepare_folder(folder)
    path = folder / PUBLIC_NAME
    write_file(path, public_pem(public))
    return path


def public_key_path(profile: Path | None) -> Path:
    """Where phone copies take the public key from: beside the practice profile in use, else
    beside the user's own."""
    beside = (profile.parent if profile else Path()) / PUBLIC_NAME
    return beside if profile and beside.is_file() else user_profile().parent / PUBLIC_NAME


# --- backups ----------------------------------------------------------------------------------

BACKUP_FORMAT = "handouts-key-backup"
BACKUP_VERSION = 1


def export_keys(target: Path, backup_passphrase: str, passphrase: str | None = None) -> int:
    """Write every practice key to one backup file, each locked with the backup's passphrase
    (a backup travels: a USB stick, a password manager). Returns how many keys it holds."""
    import json

    from ..core.output import write_file

    keys = practice_keys()
    if not keys:
        raise HandoutError("there is no practice key to back up; 'handouts key new' makes one")
    if len(backup_passphrase) < 8:
        raise HandoutError("the backup's passphrase: expected at least 8 characters")
    locked = [
        private_pem(load_private(key, passphrase), backup_passphrase).decode() for key in keys
    ]
    backup = {"format": BACKUP_FORMAT, "version": BACKUP_VERSION}
    backup |= {"current": current_fingerprint(), "keys": locked}
    write_file(target, json.dumps(backup, indent=2).encode())
    return len(locked)


def import_keys(source: Path, backup_passphrase: str) -> list[PracticeKey]:
    """Put the keys of a backup back in the key folder (kept locked with the backup's
    passphrase); the backup's current key becomes current if there is none here."""
    folder = key_folder()
    had_current = bool(current_fingerprint(folder))
    backup = _read_backup(source)
    where = display_path(source)
    restored = []
    for pem in backup["keys"]:
        try:
            private = serialization.load_pem_private_key(pem.encode(), backup_passphrase.encode())
        except (ValueError, TypeError):
            raise HandoutError(f"{where}: the passphrase is not the backup's") from None
        if not isinstance(private, ec.EllipticCurvePrivateKey):
            raise HandoutError(f"{where}: holds a key that is not a practice key (P-256)")
        current = not had_current and fingerprint(private.public_key()) == backup.get("current")
        restored.append(store_key(private, backup_passphrase, folder, make_current=current))
    return restored


def _read_backup(source: Path) -> dict:
    import json

    where = display_path(source)
    try:
        backup = json.loads(source.read_bytes()[: KEY_LIMIT * 16])
    except OSError as error:
        raise HandoutError(f"{where}: cannot read it: {error.strerror}") from None
    except (ValueError, UnicodeDecodeError):
        raise HandoutError(f"{where}: is not a key backup made by 'handouts key export'") from None
    if not isinstance(backup, dict) or backup.get("format") != BACKUP_FORMAT:
        raise HandoutError(f"{where}: is not a key backup made by 'handouts key export'")
    if backup.get("version") != BACKUP_VERSION:
        raise HandoutError(f"{where}: a key backup of another version ({backup.get('version')!r})")
    keys = backup.get("keys")
    if not isinstance(keys, list) or not keys or not all(isinstance(k, str) for k in keys):
        raise HandoutError(f"{where}: is damaged: it holds no keys")
    return backup


def ensure_key(profile_folder: Path, passphrase: str | None = None) -> tuple[PracticeKey, bool]:
    """The current practice key, made if there is none, with its public key beside the
    profile; and whether it was made now."""
    keys = practice_keys()
    made = not keys or not current_fingerprint()
    key = new_key(passphrase) if made else keys[0]
    public = public_of(key, passphrase)
    write_public(public, profile_folder)
    write_public(public, user_profile().parent)
    return key, made


def public_of(key: PracticeKey, passphrase: str | None) -> ec.EllipticCurvePublicKey:
    """A key's public half: from the public file when it matches, else from the private key."""
    for folder in (Path(), user_profile().parent):
        path = folder / PUBLIC_NAME
        if path.is_file():
            try:
                public = read_public(path)
            except HandoutError:
                continue
            if fingerprint(public) == key.fingerprint:
                return public
    return load_private(key, passphrase).public_key()
