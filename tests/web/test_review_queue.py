"""The review queue's limit counts items waiting for the reviewer, not systems in review (bug: it
applied the LIMIT before filtering by function, so reviewers lost items)."""

from __future__ import annotations

from aisgf.db import Database
from aisgf.registry import services as svc
from aisgf.registry import views
from tests.answers import HIGH
from tests.people import add_owners, who


def test_queue_limit_applies_after_filtering_by_function(sqlite_db: Database) -> None:
    add_owners(sqlite_db, "olivia")
    with sqlite_db.session() as s:
        keys = [svc.register_system(s, name=f"System {i}", owner="olivia", answers=HIGH, by=who(s, "tess")).key
                for i in range(7)]
    # legal has decided on the five oldest; only the two newest still wait for legal
    with sqlite_db.session() as s:
        for key in keys[:5]:
            svc.record_review(s, key, function="legal", decision="approve", by=who(s, "rita", "reviewer", ["legal"]))
    with sqlite_db.session() as s:
        waiting = views.review_queue(s, ("legal",), limit=2)
        assert [item.system.key for item in waiting] == keys[5:]
        assert all(item.functions == ["legal"] for item in waiting)
        # the limit still bounds the list, oldest first
        assert [i.system.key for i in views.review_queue(s, None, limit=3)] == keys[:3]
        assert [i.system.key for i in views.review_queue(s, ("legal",), limit=1)] == keys[5:6]
