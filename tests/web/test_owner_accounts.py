"""A system's owner (and an obligation's) is an account, and migration 0003 maps the old free-text owners."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from fastapi.testclient import TestClient

from aisgf.accounts import services as acc
from aisgf.accounts.principal import system_principal
from aisgf.config import Settings
from aisgf.db import Database, _alembic_config, _import_models, head_revision, migrate, schema_revision
from aisgf.errors import Conflict, InvalidInput
from aisgf.registry import services as svc
from aisgf.registry.schemas import ObligationOut
from tests.answers import LOW, MEDIUM
from tests.conftest import _new_pg_database, make_settings
from tests.people import add_owners, who
from tests.web.helpers import Person


def test_a_typed_owner_name_is_the_account_and_she_sees_her_system(web) -> None:
    app, db = web
    with db.session() as s:
        key = svc.register_system(s, name="Loan bot", owner="  Olivia ", answers=MEDIUM, by=who(s, "gina")).key
        assert svc.get_system(s, key).owner == "olivia"
    olivia = Person(app, db, "olivia").login()
    assert olivia.get(f"/systems/{key}").status_code == 200
    assert key in olivia.get("/systems").text
    oscar = Person(app, db, "oscar").login()
    assert oscar.get(f"/systems/{key}").status_code == 404  # another owner's system does not exist to him


def test_an_owner_that_is_no_account_is_refused_and_nothing_is_stored(db: Database) -> None:
    add_owners(db, "olivia")
    with pytest.raises(InvalidInput) as err, db.session() as s:
        svc.register_system(s, name="Ghost bot", owner="Olivier", answers=LOW, by=who(s, "gina"))
    assert err.value.where == "system.owner" and "Olivier" in err.value.message
    with db.session() as s:
        assert svc.list_systems(s)[1] == 0


def test_an_owner_is_found_by_e_mail_too(db: Database) -> None:
    add_owners(db, "bob", email={"bob": "Bob@Example.com"})
    with db.session() as s:
        system = svc.register_system(s, name="Notes", owner="bob@example.com", answers=LOW, by=who(s, "bob"))
        assert system.owner == "bob"
        assert [x.key for x in svc.list_systems(s, owner="BOB ")[0]] == [system.key]
        with pytest.raises(InvalidInput):
            svc.list_systems(s, owner="nobody")  # a filter on an unknown owner is refused, not empty


def test_obligation_owners_are_accounts(db: Database) -> None:
    add_owners(db, "olivia", "oscar")
    with db.session() as s:
        system = svc.register_system(s, name="Loan bot", owner="olivia", answers=MEDIUM, by=who(s, "gina"))
        ob_id = system.obligations[0].id
        ob = svc.update_obligation(s, ob_id, by=who(s, "gina"), owner="Oscar")
        assert ob.owner == "oscar" and ObligationOut.of(ob, svc.today()).owner == "oscar"
    with pytest.raises(InvalidInput), db.session() as s:
        svc.update_obligation(s, ob_id, by=who(s, "gina"), owner="Oskar")
    with db.session() as s:
        assert svc.get_obligation(s, ob_id).owner == "oscar"
        assert svc.update_obligation(s, ob_id, by=who(s, "gina"), owner="").owner is None


def test_the_api_refuses_an_unknown_owner_with_a_422(web) -> None:
    app, db = web
    with db.session() as s:
        token = acc.create_token(s, acc.get_user(s, "gina"), name="ci", by=system_principal("test"))
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as c:
        r = c.post("/api/systems", json={"system": {"name": "x", "owner": "nobody"}, "answers": LOW})
        assert r.status_code == 422 and r.json()["where"] == "system.owner", r.text
        r = c.post("/api/systems", json={"system": {"name": "x", "owner": "Olivia"}, "answers": LOW})
        assert r.status_code == 201 and r.json()["owner"] == "olivia", r.text


# ---------------------------------------------------------------- migration 0003 on data written before it

_T = datetime(2026, 11, 30, tzinfo=UTC)


def _database_at_0002(settings: Settings) -> Database:
    database = Database(settings)
    _import_models()
    command.upgrade(_alembic_config(database.engine), "0002")
    users = [("olivia", None), ("bob", "bob@example.com")]
    with database.engine.begin() as conn:
        for name, email in users:
            conn.execute(sa.text(
                "INSERT INTO users (username, email, display_name, password_hash, role, functions, language, "
                "timezone, totp_enabled, recovery_codes, failed_logins, created_at, password_changed_at) VALUES "
                "(:u, :e, '', 'x', 'owner', '[]', 'en', 'UTC', false, '[]', 0, :t, :t)"),
                {"u": name, "e": email, "t": _T})
        for i, (key, owner) in enumerate([("loan-bot", "Olivia "), ("notes", "bob@example.com"),
                                          ("ghost", "Ghost Writer"), ("other", "OLIVIA")], start=1):
            conn.execute(sa.text(
                "INSERT INTO ai_systems (id, key, name, owner, description, org_roles, sector, status, tier, lane, "
                "created_at, updated_at, version) VALUES (:i, :k, :k, :o, '', '[]', 'general', 'intake', "
                "'low', 'fast', :t, :t, 1)"), {"i": i, "k": key, "o": owner, "t": _T})
        conn.execute(sa.text(
            "INSERT INTO obligations (system_id, catalog_id, title, status, owner, note, required, updated_at, "
            "version) VALUES (1, '6.2.e', '', 'open', ' bob ', '', true, :t, 1), "
            "(2, '6.2.a', '', 'open', NULL, '', true, :t, 1)"), {"t": _T})
    return database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def old_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    url = _new_pg_database(request.getfixturevalue("pg_server")) if request.param == "postgresql" else None
    settings = make_settings(tmp_path, url)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return settings


def test_migration_stops_listing_names_without_an_account_then_maps_them(old_settings: Settings) -> None:
    database = _database_at_0002(old_settings)
    try:
        with pytest.raises(Conflict) as err:
            migrate(database.engine)
        assert "'Ghost Writer' (systems: ghost)" in err.value.message and "--map-owner" in err.value.message
        assert "Olivia" not in err.value.message.split("have no account")[1].split("Create")[0]
        assert schema_revision(database.engine) == "0002"  # nothing changed
        with database.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM ai_systems WHERE owner = 'Ghost Writer'")).scalar() == 1

        migrate(database.engine, owner_map={"ghost writer": "Olivia"})
        assert schema_revision(database.engine) == head_revision()
        with database.session() as s:
            owners = {x.key: x.owner for x in svc.list_systems(s)[0]}
            assert owners == {"loan-bot": "olivia", "notes": "bob", "ghost": "olivia", "other": "olivia"}
            obligations = {o.catalog_id: o.owner for o in svc.list_obligations(s)[0]}
            assert obligations == {"6.2.e": "bob", "6.2.a": None}
    finally:
        database.dispose()


def test_db_upgrade_lists_unmapped_owners_and_takes_a_mapping(tmp_path: Path) -> None:
    import subprocess

    from tests import clirun  # in-process; tests/test_cli_smoke.py runs db-upgrade as a real process

    settings = make_settings(tmp_path)
    settings.data_dir.mkdir(parents=True)
    _database_at_0002(settings).dispose()
    env: dict[str, str | None] = {"AISGF_DATA_DIR": str(settings.data_dir), "AISGF_DATABASE_URL": None}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return clirun.in_process(["db-upgrade", *args], env=env, cwd=tmp_path)

    p = run()
    assert p.returncode == 4 and "Ghost Writer" in p.stderr and "Traceback" not in p.stderr, p.stderr
    p = run("--map-owner", "no-equals-sign")
    assert p.returncode == 2 and "NAME=USERNAME" in p.stderr, p.stderr
    p = run("--map-owner", "Ghost Writer=bob")
    assert p.returncode == 0, p.stderr
    database = Database(settings)
    with database.session() as s:
        assert svc.get_system(s, "ghost").owner == "bob"
    database.dispose()
