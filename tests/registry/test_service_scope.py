"""Write services take the acting principal and check it themselves, so no caller can forget to."""

from __future__ import annotations

import io

import pytest

from aisgf.accounts.principal import SYSTEM
from aisgf.db import Database
from aisgf.errors import Forbidden, NotFound
from aisgf.registry import services as svc
from aisgf.registry.evidence_store import EvidenceStore
from tests.answers import HIGH
from tests.people import who


def test_services_refuse_what_the_acting_principal_may_not_do(db: Database) -> None:
    store = EvidenceStore(db.settings.resolved_evidence_dir)
    with db.session() as s:
        olivia, oscar = who(s, "olivia", "owner"), who(s, "oscar", "owner")
        auditor = who(s, "audrey", "auditor")
        legal = who(s, "lena", "reviewer", ["legal"])
        key = svc.register_system(s, name="Loan bot", owner="olivia", answers=HIGH, by=olivia).key
        with pytest.raises(Forbidden):
            svc.register_system(s, name="Other", owner="olivia", answers=HIGH, by=oscar)  # only for themself
        with pytest.raises(Forbidden):
            svc.register_system(s, name="Other", owner="olivia", answers=HIGH, by=auditor)
        ob_id = svc.get_system(s, key).obligations[0].id
    for call in (
        lambda s: svc.set_status(s, key, "retired", by=oscar),  # another owner's system does not exist to him
        lambda s: svc.update_obligation(s, ob_id, by=oscar, note="mine now"),
        lambda s: svc.add_evidence(s, store, key, by=oscar, uri="https://x.example", max_bytes=10),
        lambda s: svc.reassess(s, key, HIGH, by=oscar),
    ):
        with pytest.raises(NotFound), db.session() as s:
            call(s)
    with pytest.raises(Forbidden), db.session() as s:
        svc.set_status(s, key, "retired", by=auditor)  # sees everything, changes nothing
    with pytest.raises(Forbidden), db.session() as s:
        svc.record_review(s, key, function="business", decision="approve", by=legal)  # not her function
    with db.session() as s:
        svc.record_review(s, key, function="legal", decision="approve", by=legal)
        svc.add_evidence(s, store, key, by=olivia, stream=io.BytesIO(b"ok"), filename="a.txt", max_bytes=10)
        svc.set_status(s, key, "retired", by=SYSTEM, reason="decommissioned", confirm=True)  # the platform itself
        assert svc.get_system(s, key).status == "retired"
