"""The answers file a phone copy sends: its format, version 1 (docs/answers-file.md).

A JSON object holding, in clear, only the format's name and version, the fingerprint of the
practice key it is locked to, and what is needed to open it: an ephemeral P-256 public key, a
salt and a nonce. The answers are sealed with AES-256-GCM under a key made by HKDF-SHA-256 from
ECDH between the ephemeral key and the practice's key; the additional data binds the version
and the fingerprint. The phone copy's script does the same with WebCrypto (phone.js)."""

from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .keys import fingerprint

FORMAT = "handouts-answers"
VERSION = 1
FILE_LIMIT = 4_000_000  # bytes: a worksheet's answers are a few kB; more is not an answers file
INFO = b"handouts-answers/1 aes-256-gcm"  # HKDF's info: names what the key is for
FIELDS = ("format", "version", "key", "epk", "salt", "nonce", "ciphertext")


class Unreadable(ValueError):
    """Why an answers file cannot be opened, in words for the one-line message."""


@dataclass(frozen=True)
class Sealed:
    """An answers file's parts, read and checked, still locked."""

    version: int
    key: str
    epk: bytes
    salt: bytes
    nonce: bytes
    ciphertext: bytes


def aad(version: int, key: str) -> bytes:
    """The additional data the seal covers: a file cannot be passed off as another version or
    as locked to another key."""
    return f"{FORMAT}/{version}/{key}".encode("ascii")


def derive(private: ec.EllipticCurvePrivateKey, peer: ec.EllipticCurvePublicKey, salt: bytes):
    shared = private.exchange(ec.ECDH(), peer)
    return HKDF(hashes.SHA256(), 32, salt, INFO).derive(shared)


def seal(plaintext: bytes, public: ec.EllipticCurvePublicKey) -> bytes:
    """An answers file locked to a public key (what a phone copy's script makes)."""
    ephemeral = ec.generate_private_key(ec.SECP256R1())
    salt, nonce, key = os.urandom(16), os.urandom(12), fingerprint(public)
    sealed = AESGCM(derive(ephemeral, public, salt)).encrypt(nonce, plaintext, aad(VERSION, key))
    point = ephemeral.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    parts = {"format": FORMAT, "version": VERSION, "key": key, "epk": point}
    parts |= {"salt": salt, "nonce": nonce, "ciphertext": sealed}
    return json.dumps(
        {k: _b64(v) if isinstance(v, bytes) else v for k, v in parts.items()}
    ).encode()


def parse(data: bytes) -> Sealed:
    """The parts of an answers file, or Unreadable saying what is wrong with it."""
    if len(data) > FILE_LIMIT:
        raise Unreadable(f"is too large for an answers file ({len(data):,} bytes)")
    top = _json(data)
    if top.get("format") != FORMAT:
        raise Unreadable("is not an answers file from a phone copy")
    version = top.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise Unreadable(f"has a format version that makes no sense ({version!r})")
    if version > VERSION:
        raise Unreadable(
            f"was made by a newer version of handouts (answers format {version}; this one reads "
            f"format {VERSION}); update handouts to read it"
        )
    return _parts(top)


def _json(data: bytes) -> dict:
    try:
        top = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise Unreadable("is not an answers file (it is not text)") from None
    except json.JSONDecodeError:
        raise Unreadable("is cut short or damaged: it is not a complete answers file") from None
    if not isinstance(top, dict):
        raise Unreadable("is not an answers file from a phone copy")
    return top


def _parts(top: dict) -> Sealed:
    extra = sorted(set(top) - set(FIELDS))
    missing = [name for name in FIELDS if name not in top]
    if missing or extra:
        what = f"lacks {', '.join(missing)}" if missing else f"has unknown parts {', '.join(extra)}"
        raise Unreadable(f"is damaged: it {what}")
    key = top["key"]
    if not isinstance(key, str) or len(key) != 64 or not _hex(key):
        raise Unreadable("is damaged: its key fingerprint is not 64 hexadecimal digits")
    parts = {name: _bytes(top, name) for name in ("epk", "salt", "nonce", "ciphertext")}
    if len(parts["epk"]) != 65 or len(parts["nonce"]) != 12 or len(parts["ciphertext"]) < 16:
        raise Unreadable("is cut short or damaged: its sealed parts have the wrong sizes")
    return Sealed(top["version"], key, **parts)


def _hex(text: str) -> bool:
    return all(ch in "0123456789abcdef" for ch in text)


def _bytes(top: dict, name: str) -> bytes:
    value = top[name]
    try:
        if not isinstance(value, str):
            raise ValueError
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (ValueError, binascii.Error):
        raise Unreadable(f"is damaged: its '{name}' is not base64 text") from None


def open_sealed(sealed: Sealed, private: ec.EllipticCurvePrivateKey) -> bytes:
    """The answers, opened with the private key the file is locked to."""
    try:
        peer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), sealed.epk)
    except ValueError:
        raise Unreadable("is damaged: its ephemeral key is not a point on P-256") from None
    key = derive(private, peer, sealed.salt)
    try:
        return AESGCM(key).decrypt(sealed.nonce, sealed.ciphertext, aad(sealed.version, sealed.key))
    except InvalidTag:
        raise Unreadable(
            "has been changed or damaged since it was sent, so it cannot be opened; "
            "ask the client to send it again"
        ) from None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
