"""Accounts: password policy, argon2, lockout with back-off, TOTP with replay protection, recovery codes,
sessions, personal API tokens, the migration of pre-account tokens, and the `aisgf user` commands."""

from __future__ import annotations

import json
import subprocess
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from aisgf.accounts import services as acc
from aisgf.accounts.models import WebSession
from aisgf.accounts.passwords import check_policy, common_passwords
from aisgf.accounts.principal import system_principal
from aisgf.db import Database
from aisgf.errors import Conflict, InvalidInput, Unauthorized
from tests import clirun

GOOD = "Tiered-Governance-2026"


def _user(db: Database, name: str = "alice", role: str = "owner", **kw: object) -> None:
    with db.session() as s:
        acc.create_user(s, username=name, password=GOOD, role=role, by=system_principal("test"), **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(("password", "why"), [
    ("short", "at least 12"), ("password1234", "commonly used"), ("1qaz2wsx3edc", "commonly used"),
    ("alice-is-my-name", "username"), ("aaaaaaaaaaaaaaaa", "different characters"),
])
def test_password_policy(password: str, why: str) -> None:
    with pytest.raises(InvalidInput, match=why):
        check_policy(password, username="alice")


def test_bundled_list_and_argon2(db: Database) -> None:
    assert len(common_passwords()) > 19000 and "123456" in common_passwords()
    _user(db)
    with db.session() as s:
        u = acc.get_user(s, "alice")
        assert u.password_hash.startswith("$argon2id$") and GOOD not in u.password_hash
        with pytest.raises(Conflict):
            acc.create_user(s, username="Alice", password=GOOD, role="owner", by=system_principal("t"))
        with pytest.raises(InvalidInput, match="reviewer needs"):
            acc.create_user(s, username="rev", password=GOOD, role="reviewer", by=system_principal("t"))
        with pytest.raises(InvalidInput, match="unknown role"):
            acc.create_user(s, username="x1", password=GOOD, role="root", by=system_principal("t"))


def test_cheap_test_hashes_verify_and_are_upgraded_under_the_standard_profile(
        sqlite_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite hashes with the "test" profile (tests/conftest.py); a server on the standard profile
    still accepts such a hash and replaces it with a standard one at the next sign-in."""
    from argon2 import extract_parameters

    from aisgf.config import get_settings

    assert get_settings().password_hash_profile == "test"
    _user(sqlite_db)
    with sqlite_db.session() as s:
        cheap = acc.get_user(s, "alice").password_hash
    assert (extract_parameters(cheap).time_cost, extract_parameters(cheap).memory_cost) == (1, 8)
    monkeypatch.setenv("AISGF_PASSWORD_HASH_PROFILE", "standard")
    get_settings.cache_clear()
    try:
        with sqlite_db.session() as s, pytest.raises(Unauthorized):
            acc.check_password(s, "alice", GOOD + "x")
        with sqlite_db.session() as s:
            assert acc.get_user(s, "alice").password_hash == cheap  # a wrong password changes nothing
            acc.check_password(s, "alice", GOOD)
        with sqlite_db.session() as s:
            upgraded = acc.get_user(s, "alice").password_hash
            standard = PasswordHasher()
            assert extract_parameters(upgraded) == extract_parameters(standard.hash("x"))
            assert standard.verify(upgraded, GOOD)
            acc.check_password(s, "alice", GOOD)
            assert acc.get_user(s, "alice").password_hash == upgraded  # no rehash once standard
    finally:
        get_settings.cache_clear()


def test_lockout_backs_off_and_unlocks(db: Database) -> None:
    _user(db)
    for _ in range(acc.MAX_FREE_FAILURES):
        with db.session() as s, pytest.raises(Unauthorized):
            acc.check_password(s, "alice", "wrong")
    with db.session() as s, pytest.raises(Unauthorized) as locked:
        acc.check_password(s, "alice", GOOD)
    assert not isinstance(locked.value, acc.LockedOut) and locked.value.code == "accounts.wrong_login"
    with db.session() as s:
        u = acc.get_user(s, "alice")
        first = acc.aware(u.locked_until) - acc.now()
        assert timedelta(seconds=25) < first <= acc.LOCK_BASE
        u.locked_until = acc.now() - timedelta(seconds=1)
    with db.session() as s, pytest.raises(Unauthorized):
        acc.check_password(s, "alice", "wrong")
    with db.session() as s:
        assert acc.aware(acc.get_user(s, "alice").locked_until) - acc.now() > timedelta(seconds=55)
        acc.unlock(s, "alice", by=system_principal("admin"))
    with db.session() as s:
        assert acc.check_password(s, "alice", GOOD).username == "alice"
    with db.session() as s, pytest.raises(Unauthorized, match="wrong username or password"):
        acc.check_password(s, "nobody", GOOD)


def test_totp_enrolment_replay_and_recovery_codes(db: Database) -> None:
    _user(db, "rev", "reviewer", functions=["legal"])
    with db.session() as s:
        u = acc.get_user(s, "rev")
        uri = acc.start_totp_enrolment(s, u)
        assert uri.startswith("otpauth://totp/aisgf:rev")
        with pytest.raises(InvalidInput):
            acc.confirm_totp_enrolment(s, u, "000000")
        codes = acc.confirm_totp_enrolment(s, u, pyotp.TOTP(u.totp_secret).now())
        assert len(codes) == 10 and len(u.recovery_codes) == 10 and codes[0] not in u.recovery_codes
        totp = pyotp.TOTP(u.totp_secret)
        u.totp_last_step = None
        assert acc.check_second_factor(s, u, totp.now()) == "totp"
    with db.session() as s:
        u = acc.get_user(s, "rev")
        with pytest.raises(Unauthorized):  # the same code twice
            acc.check_second_factor(s, u, totp.now())
    with db.session() as s:
        u = acc.get_user(s, "rev")
        assert acc.check_second_factor(s, u, codes[3].upper()) == "recovery"
    with db.session() as s, pytest.raises(Unauthorized):
        acc.check_second_factor(s, acc.get_user(s, "rev"), codes[3])


def test_sessions_stages_and_logout_everywhere(db: Database) -> None:
    _user(db, "rev", "reviewer", functions=["legal"])
    _user(db)
    with db.session() as s:
        t1, ws1 = acc.open_session(s, acc.get_user(s, "rev"))
        assert ws1.stage == "enroll"  # reviewers must set up MFA first
        t2, ws2 = acc.open_session(s, acc.get_user(s, "alice"))
        assert ws2.stage == "full"
        t3, _ = acc.rotate_session(s, ws2)
    with db.session() as s:
        assert acc.find_session(s, t2) is None and acc.find_session(s, t3) is not None
        assert acc.find_session(s, "made-up") is None
        acc.logout_everywhere(s, acc.get_user(s, "alice"), by=system_principal("alice"))
    with db.session() as s:
        assert acc.find_session(s, t3) is None and acc.find_session(s, t1) is not None
        ws = acc.find_session(s, t1)
        assert ws is not None
        ws.expires_at = acc.now() - timedelta(seconds=1)
    with db.session() as s:
        assert acc.find_session(s, t1) is None
        assert len(s.scalars(select(WebSession)).all()) == 3


def test_tokens_carry_the_owners_role_and_die_with_the_account(db: Database) -> None:
    with db.session() as s:
        legacy = acc.create_api_token(s, name="initial", actor="serve")
        with pytest.raises(Unauthorized, match="no person owns"):
            acc.authenticate_bearer(s, legacy)
    _user(db, "root", "admin")
    _user(db, "audrey", "auditor")
    with db.session() as s:
        assert acc.authenticate_bearer(s, legacy).role == "admin"  # adopted by the first admin
        tok = acc.create_token(s, acc.get_user(s, "audrey"), name="export", by=system_principal("audrey"))
        p = acc.authenticate_bearer(s, tok)
        assert (p.username, p.role, p.actor) == ("audrey", "auditor", "audrey (token:export)")
        with pytest.raises(Unauthorized):
            acc.authenticate_bearer(s, "aisgf_nope")
        assert acc.authenticate_bearer(s, "cfg", configured="cfg").username == "root"
        acc.set_disabled(s, "audrey", disabled=True, by=system_principal("root"))
    with db.session() as s:
        with pytest.raises(Unauthorized, match="disabled"):
            acc.authenticate_bearer(s, tok)
        with pytest.raises(Conflict, match="last active admin"):
            acc.set_disabled(s, "root", disabled=True, by=system_principal("root"))


def test_migration_0002_keeps_existing_tokens(tmp_path: Path) -> None:
    """A database made by the core (revision 0001) with a token upgrades; the token survives unowned."""
    from alembic import command

    from aisgf.config import Settings
    from aisgf.db import Database as DB
    from aisgf.db import _alembic_config

    db = DB(Settings(data_dir=tmp_path))
    tmp_path.mkdir(exist_ok=True)
    command.upgrade(_alembic_config(db.engine), "0001")
    with db.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO api_tokens (name, token_hash, created_at) VALUES ('old', 'h', '2026-01-01')")
    command.upgrade(_alembic_config(db.engine), "head")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT name FROM api_tokens").scalar() == "old"
        assert conn.exec_driver_sql("SELECT count(*) FROM api_token_owners").scalar() == 0
    command.downgrade(_alembic_config(db.engine), "0001")
    command.upgrade(_alembic_config(db.engine), "head")
    db.dispose()


def _aisgf(env: dict[str, str | None], *args: str) -> subprocess.CompletedProcess[str]:
    """In-process (tests/clirun.py); tests/test_cli_smoke.py runs `aisgf user` as a real process."""
    return clirun.in_process(args, env=env, cwd=Path(str(env["AISGF_DATA_DIR"])).parent)


def test_user_commands(tmp_path: Path) -> None:
    env: dict[str, str | None] = {"AISGF_DATA_DIR": str(tmp_path / "d"), "AISGF_NEW_PASSWORD": GOOD,
                                  "AISGF_ACTOR": "root", "AISGF_DATABASE_URL": None}
    r = _aisgf(env, "user", "create", "--admin", "root")
    assert r.returncode == 0 and "MFA enrolment" in r.stdout, r.stderr
    r = _aisgf(env, "user", "create", "rev", "--role", "reviewer", "-f", "legal", "-f", "senior")
    assert r.returncode == 0, r.stderr
    r = _aisgf({**env, "AISGF_NEW_PASSWORD": "Q1w2e3r4t5y6"}, "user", "create", "weak")
    assert r.returncode == 2 and "commonly used" in r.stderr
    r = _aisgf(env, "user", "disable", "rev")
    assert r.returncode == 0
    r = _aisgf(env, "user", "reset-mfa", "root")
    assert r.returncode == 0
    rows = json.loads(_aisgf(env, "user", "list", "--json").stdout)
    assert {(u["username"], u["role"], u["disabled"]) for u in rows} == {("root", "admin", False),
                                                                         ("rev", "reviewer", True)}
    assert _aisgf(env, "user", "disable", "ghost").returncode == 3
