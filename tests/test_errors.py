"""Errors carry a stable message ID next to their English text, and every ID has a Chinese text."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime
from pathlib import Path

import pytest

import aisgf
import aisgf.accounts.oidc
import aisgf.accounts.pages.auth
import aisgf.accounts.passwords
import aisgf.accounts.services
import aisgf.catalog.model
import aisgf.intake.questionnaire
import aisgf.lineage.bom
import aisgf.lineage.chain_report
import aisgf.lineage.services
import aisgf.organisation.services
import aisgf.registry.evidence_store
import aisgf.registry.gates
import aisgf.registry.pages  # each of these imports registers its message table
import aisgf.registry.services
import aisgf.web.authz
import aisgf.web.deps
from aisgf.errors import MESSAGES, AisgfError, Conflict, InvalidInput, format_message, register_messages
from aisgf.web.error_text import error_text, localized
from aisgf.web.i18n import catalog

SRC = Path(aisgf.__file__).parent
CODED_RE = re.compile(r"""\.coded\(\s*["']([a-z_.]+)["']""")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_the_constructor_stays_backwards_compatible() -> None:
    e = InvalidInput("bad thing", where="field", extra={"x": 1})
    assert (e.message, e.where, e.extra, e.code, e.params) == ("bad thing", "field", {"x": 1}, None, {})
    assert str(e) == "field: bad thing" and e.problem()["detail"] == "bad thing"
    assert AisgfError("plain").problem() == {"type": "https://aisgf.dev/problems/error", "title": "Error",
                                             "status": 500, "detail": "plain"}


def test_coded_errors_format_the_english_from_the_template() -> None:
    e = Conflict.coded("registry.bad_move", where="system x", old="intake", new="live")
    assert e.message == "cannot move a system from intake to live" and e.code == "registry.bad_move"
    assert e.params == {"old": "intake", "new": "live"} and "code" not in e.problem()
    e2 = InvalidInput.coded("registry.unknown_decision", value="maybe", accepted=["approve", "send_back"])
    assert e2.message == "unknown decision 'maybe'; accepted: approve, send_back"
    assert format_message("{a}", {"a": ("x", "y")}) == "x, y"


def test_an_id_names_one_text_only() -> None:
    register_messages({"registry.waiver_needs_reason": MESSAGES["registry.waiver_needs_reason"]})  # same: fine
    with pytest.raises(ValueError, match="twice"):
        register_messages({"registry.waiver_needs_reason": "something else"})


def test_every_code_used_in_the_source_is_registered() -> None:
    used = {code for path in SRC.rglob("*.py") for code in CODED_RE.findall(path.read_text(encoding="utf-8"))}
    assert len(used) > 50
    assert not sorted(used - set(MESSAGES)), "codes raised but not in a message table"


def test_every_code_has_a_chinese_translation_with_the_same_placeholders() -> None:
    zh = catalog("zh")
    missing = sorted(code for code in MESSAGES if not zh.get(code))
    assert not missing, f"add these message IDs to web/locales/zh_CN/LC_MESSAGES/messages.po: {missing}"
    for code, template in MESSAGES.items():
        assert _fields(zh[code]) <= _fields(template), code


def test_chinese_text_uses_labels_and_falls_back_to_english() -> None:
    e = Conflict.coded("registry.bad_move", old="intake", new="live")
    assert error_text(e, "zh") == "系统不能从“立项”变为“已上线”"
    review = InvalidInput.coded("registry.review_not_required", lane="fast", function="senior",
                                required=["business", "legal"])
    assert error_text(review, "zh") == "该系统的“快速通道”不需要“高级管理层签批”审查（需要：业务负责人、法务合规）"
    assert error_text(e, "en") == e.message
    assert error_text(InvalidInput("no code here"), "zh") == "no code here"
    assert localized("no.such.code", {}, "zh") is None
    locked = InvalidInput.coded("accounts.locked", until=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert "2026-01-02 03:04:05" in error_text(locked, "zh") and "锁定" in error_text(locked, "zh")


def test_one_builder_makes_every_problem_document() -> None:
    from aisgf.errors import InvalidInput, problem_document

    assert problem_document(409, "Conflict", "x", "conflict") == {
        "type": "https://aisgf.dev/problems/conflict", "title": "Conflict", "status": 409, "detail": "x"}
    e = InvalidInput("bad", where="f:1", extra={"errors": [1]})
    assert e.problem() == problem_document(422, "Invalid input", "bad", "invalid-input",
                                           {"where": "f:1", "errors": [1]})
    assert list(e.problem()) == ["type", "title", "status", "detail", "where", "errors"]


def test_the_check_failed_code_is_one_constant_apart_from_a_crash() -> None:
    from aisgf.errors import EXIT_CHECK_FAILED, CheckFailed

    assert CheckFailed.exit_code == EXIT_CHECK_FAILED == 8  # README: "8 a check ran and failed"


def test_database_errors_become_aisgf_errors_at_the_session(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A stale write and a broken constraint are conflicts (exit 4, HTTP 409), raised by the session."""
    import pytest
    from sqlalchemy import select, text

    from aisgf.db import STALE_MESSAGE, open_database
    from aisgf.errors import Conflict
    from aisgf.registry import services as svc
    from aisgf.registry.models import AISystem
    from tests.answers import LOW
    from tests.conftest import make_settings
    from tests.people import add_owners, who

    db = open_database(make_settings(tmp_path))
    add_owners(db, "alice")
    with db.session() as s:
        svc.register_system(s, name="Kept", owner="alice", answers=LOW, by=who(s, "alice"))
    with pytest.raises(Conflict) as ei, db.session() as s:
        system = s.scalars(select(AISystem)).one()
        s.execute(text("update ai_systems set version = version + 1"))  # another writer got there first
        system.name = "Overwritten?"
    assert ei.value.message == STALE_MESSAGE and ei.value.exit_code == 4 and ei.value.status == 409
    with pytest.raises(Conflict) as ei, db.session() as s:
        key = s.scalars(select(AISystem.key)).one()
        s.execute(text("insert into ai_systems (key, name) select :k, 'Twin' from ai_systems"), {"k": key})
    assert ei.value.message.startswith("the change conflicts with stored data:")
    with db.session() as s:
        assert [x.name for x in s.scalars(select(AISystem))] == ["Kept"]  # both rolled back
    db.dispose()
