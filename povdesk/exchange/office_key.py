"""The office's Ed25519 key pair: made once, its private key kept encrypted with a key derived from a
director's password (scrypt, then AES-256-GCM), never written anywhere in clear.

Pure cryptography over bytes: the service (`services/packages.py`) stores and reads the rows.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from povdesk.errors import InvalidValue, NotAllowed
from povdesk.exchange.verify_package import public_key_fingerprint

#: scrypt's cost: 2**15 × 8 × 128 bytes = 32 MB and about a tenth of a second, once per export
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
#: what the encrypted key is bound to (AES-GCM's associated data)
_AAD = b"povdesk office key v1"


@dataclass(frozen=True)
class SealedKey:
    """A key pair as stored: the public key, its fingerprint, the private key encrypted."""

    public_pem: str
    fingerprint: str
    params: dict[str, Any]
    encrypted_private: bytes


def _derive(password: str, params: dict[str, Any]) -> bytes:
    kdf = Scrypt(salt=bytes.fromhex(params["salt"]), length=32, n=int(params["n"]), r=int(params["r"]),
                 p=int(params["p"]))
    return kdf.derive(password.encode("utf-8"))


def _require_password(password: str | None) -> str:
    if not password:
        raise InvalidValue("package.password",
                           "The office key is protected by the director's password: give it (POVDESK_PASSWORD or the prompt).",
                           "县办公室密钥由签发人的密码保护：请提供密码（POVDESK_PASSWORD 或提示输入）。")
    return password


def make(password: str | None) -> SealedKey:
    """A new key pair, its private key sealed with `password`."""
    password = _require_password(password)
    private = Ed25519PrivateKey.generate()
    public_pem = private.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)
    raw = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
    params: dict[str, Any] = {"kdf": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P,
                              "salt": os.urandom(16).hex(), "nonce": os.urandom(12).hex(), "cipher": "AES-256-GCM"}
    sealed = AESGCM(_derive(password, params)).encrypt(bytes.fromhex(params["nonce"]), raw, _AAD)
    return SealedKey(public_pem.decode("ascii"), public_key_fingerprint(public_pem), params, sealed)


def unseal(key: SealedKey, password: str | None, holder: str) -> Ed25519PrivateKey:
    """The private key, or NotAllowed when `password` is not the one it was sealed with."""
    password = _require_password(password)
    try:
        raw = AESGCM(_derive(password, key.params)).decrypt(bytes.fromhex(key.params["nonce"]),
                                                             key.encrypted_private, _AAD)
    except InvalidTag:
        raise NotAllowed("package.key_password",
                         f"The office key cannot be opened with this password: it is sealed with the password of "
                         f"director {holder}.",
                         f"无法用此密码打开县办公室密钥：该密钥由签发人 {holder} 的密码保护。") from None
    private = Ed25519PrivateKey.from_private_bytes(raw)
    mine = private.public_key().public_bytes(serialization.Encoding.PEM,
                                             serialization.PublicFormat.SubjectPublicKeyInfo)
    if public_key_fingerprint(mine) != key.fingerprint:
        raise NotAllowed("package.key_mismatch", "The stored office key does not match its public key.",
                         "存储的县办公室私钥与其公钥不符。")
    return private


def sign(private: Ed25519PrivateKey, data: bytes) -> bytes:
    """Ed25519 (deterministic: the same key and data give the same 64 bytes)."""
    return private.sign(data)


def show_fingerprint(fingerprint: str) -> str:
    """The fingerprint in groups of four, as read out over the telephone."""
    return " ".join(fingerprint[i:i + 4] for i in range(0, len(fingerprint), 4))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
