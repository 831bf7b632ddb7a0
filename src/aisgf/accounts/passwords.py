"""Password hashing (argon2id) and the password policy.

Why a bundled list: the framework (§6.3) asks key-sector users for strong passwords, and the most
effective rule is "not one that attackers try first". The list ships with the package so the check
works offline; a length minimum covers the rest (NIST SP 800-63B style: no composition rules).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from aisgf.errors import InvalidInput, register_messages

MIN_LENGTH = 12
MAX_LENGTH = 256


@lru_cache(maxsize=2)
def hasher(profile: str = "standard") -> PasswordHasher:
    """The argon2id hasher of a cost profile (setting `password_hash_profile`).

    Why a test profile: the standard parameters (the library's recommendation, 64 MiB and three
    passes) cost tens of milliseconds per hash, which a suite creating hundreds of accounts pays
    thousands of times. Hashes carry their own parameters, so a cheap hash still verifies under the
    standard profile, and `needs_rehash` there says to upgrade it at the next sign-in.
    """
    if profile == "test":
        return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    return PasswordHasher()


def _profile() -> str:
    """The active profile, from the settings of the application context in force."""
    from aisgf.context import current

    return current().settings.password_hash_profile


def _active() -> PasswordHasher:
    return hasher(_profile())


@lru_cache(maxsize=2)
def _dummy_hash(profile: str) -> str:
    """A hash checked when the user does not exist, so the timing matches (made on first use:
    an argon2 hash costs a quarter second that every CLI start would otherwise pay)."""
    return hasher(profile).hash("aisgf-no-such-user-dummy-password")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    path = Path(__file__).parent / "data" / "common-passwords.txt"
    return frozenset(line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


MESSAGES = register_messages({
    "password.too_short": "a password needs at least {n} characters",
    "password.too_long": "a password has at most {n} characters",
    "password.common": "this password is on the list of commonly used passwords; choose another",
    "password.contains_username": "a password must not contain the username",
    "password.too_few_characters": "a password needs more than three different characters",
})


def check_policy(password: str, *, username: str = "", where: str = "password") -> None:
    """Raise InvalidInput naming what is wrong with a new password."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput.coded("password.too_short", where=where, n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise InvalidInput.coded("password.too_long", where=where, n=MAX_LENGTH)
    lowered = password.lower()
    if lowered in common_passwords():
        raise InvalidInput.coded("password.common", where=where)
    if username and username.lower() in lowered:
        raise InvalidInput.coded("password.contains_username", where=where)
    if len(set(password)) < 4:
        raise InvalidInput.coded("password.too_few_characters", where=where)


def hash_password(password: str) -> str:
    return _active().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Constant-ish time check; a missing hash still costs one argon2 verification."""
    profile = _profile()
    try:
        return hasher(profile).verify(stored_hash or _dummy_hash(profile), password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True for a hash made with other parameters than the active profile's (e.g. cheap test ones)."""
    return _active().check_needs_rehash(stored_hash)
