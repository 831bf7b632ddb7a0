"""Vendor admission as data the pages put into words: result reasons and admission gaps as items (the API's
and the CLI's strings unchanged), whose review a vendor waits for, and a note never dropped unseen."""

from __future__ import annotations

import pytest

from aisgf.db import Database
from aisgf.errors import InvalidInput
from aisgf.lineage import services as lin
from aisgf.lineage.services import AdmissionItem
from aisgf.web.error_text import error_text
from tests.people import who


def test_reasons_and_gaps_are_items_and_read_as_before(db: Database) -> None:
    with db.session() as s:
        lead = who(s, "gina")
        v = lin.add_vendor(s, by=lead, name="Items Co")
        lin.answer_due_diligence(s, v.id, by=lead, answers={"dd.filing": "no", "dd.data_location": "no"},
                                 clauses={"clause.data_protection": True})
        lin.move_vendor(s, v.id, "due_diligence", by=lead)
        lin.review_vendor(s, v.id, by=who(s, "lena", "reviewer", ["legal"]), function="legal", decision="reject",
                          reason="no audit clause")
        items = lin.result_items(v)
        assert [i.reason for i in items] == v.result_reasons  # what is stored, read back
        assert AdmissionItem("question", "dd.filing", "no", True) in items
        assert AdmissionItem("question", "dd.responsibility_docs", "unanswered", True) in items
        assert AdmissionItem("question", "dd.data_location", "no", False) in items
        assert AdmissionItem("clause", "clause.incident_reporting", "missing", True) in items
        assert AdmissionItem("clause", "clause.exit", "missing", False) in items

        gaps = lin.admission_items(v)
        assert all(g.blocker for g in gaps) and AdmissionItem("review", "legal", "reject", True) in gaps
        assert AdmissionItem("review", "procurement", "missing", True) in gaps
        assert lin.admission_gaps(v) == [g.gap for g in gaps]
        # no supplies recorded: every question and clause is asked, in the rules' order
        assert lin.admission_gaps(v) == [
            "blocker dd.model_origin: unanswered", "blocker dd.training_data: unanswered",
            "blocker dd.responsibility_docs: unanswered", "blocker dd.remediation: unanswered",
            "blocker dd.output_labeling: unanswered", "blocker dd.accountability: unanswered", "blocker dd.filing: no",
            "blocker dd.data_provenance: unanswered", "blocker clause.incident_reporting: missing",
            "blocker clause.scope_and_limits: missing", "blocker clause.labeling: missing",
            "procurement review missing", "legal review reject", "infosec review missing"]
    # a stored reason this code does not read stays itself
    odd = AdmissionItem.of_reason("something else", set())
    assert (odd.kind, odd.reason, odd.blocker) == ("other", "something else", False)


def test_whose_review_a_vendor_waits_for(db: Database) -> None:
    with db.session() as s:
        lead = who(s, "gina")
        v = lin.add_vendor(s, by=lead, name="Waiting Co")
        rita = who(s, "rita", "reviewer", ["business", "legal", "data"])
        bo = who(s, "bo", "reviewer", ["business"])
        sam = who(s, "sam", "reviewer", ["senior"])
        assert lin.review_functions_of(rita) == ["procurement", "legal"]
        assert lin.review_functions_of(sam) == [] and lin.review_functions_of(lead) == []
        assert lin.waiting_for(v, rita) == []  # a candidate waits for due diligence, not for reviews
        lin.move_vendor(s, v.id, "due_diligence", by=lead)
        assert lin.waiting_for(v, rita) == ["procurement", "legal"]
        lin.review_vendor(s, v.id, by=bo, function="procurement", decision="approve")
        assert lin.waiting_for(v, rita) == ["legal"] and lin.waiting_for(v, bo) == []


def test_a_note_without_its_answer_is_refused_not_dropped(db: Database) -> None:
    with db.session() as s:
        lead = who(s, "gina")
        v = lin.add_vendor(s, by=lead, name="Notes Co")
        with pytest.raises(InvalidInput) as err:
            lin.answer_due_diligence(s, v.id, by=lead, answers={"dd.filing": "yes"},
                                     notes={"dd.filing": "ok", "dd.subprocessors": "ask them"})
        assert err.value.code == "lineage.note_without_answer" and err.value.where == "notes.dd.subprocessors"
        assert "Does the vendor disclose its subprocessors" in err.value.message
        assert error_text(err.value, "zh").startswith("“供应商是否披露其分包方（第四方）？”的备注需与回答一起保存")
        assert v.due_diligence == {}
        # an empty note is no note
        lin.answer_due_diligence(s, v.id, by=lead, answers={"dd.filing": "yes"}, notes={"dd.subprocessors": " "})
        assert v.due_diligence == {"dd.filing": {"answer": "yes", "note": None}}
