"""The Appendix E value: exact shape, Label values, character set, first write and propagation."""

from __future__ import annotations

import json

import pytest

from aisgf.errors import InvalidInput
from aisgf.labeling.label import AigcLabel, check_for_writing, parse_value


def test_first_write_and_exact_value() -> None:
    lbl = AigcLabel.first_write("001TEST", "gen-1")
    assert lbl.ContentPropagator == "001TEST" and lbl.PropagateID == "gen-1"
    assert lbl.to_value() == (
        '{"AIGC":{"Label":"1","ContentProducer":"001TEST","ProduceID":"gen-1",'
        '"ReservedCode1":"","ContentPropagator":"001TEST","PropagateID":"gen-1",'
        '"ReservedCode2":""}}'
    )
    p = lbl.propagated("002PLAT", "p-9")
    assert (p.ContentProducer, p.ProduceID, p.ContentPropagator, p.PropagateID) == (
        "001TEST",
        "gen-1",
        "002PLAT",
        "p-9",
    )


def test_parse_problems() -> None:
    _, probs = parse_value(json.dumps({"AIGC": {"Label": "AIGC", "ContentProducer": "有 空格"}}))
    codes = {p.code for p in probs}
    assert {"bad-label-value", "missing-field", "bad-charset"} <= codes
    charset = next(p for p in probs if p.code == "bad-charset")
    assert (
        charset.rule == "E.charset" and charset.rule_status == "confirmed" and charset.severity == "warning"
    )
    _, probs = parse_value(
        '{"Label":"1","ContentProducer":"a","ProduceID":"b","ContentPropagator":"a","PropagateID":"b"}'
    )
    assert [p.code for p in probs] == ["bare-inner-object"]
    with pytest.raises(InvalidInput):
        parse_value("not json")


def test_writing_refuses_bad_labels() -> None:
    with pytest.raises(InvalidInput, match="Label"):
        check_for_writing(AigcLabel.first_write("001", "x", label="4"))
    with pytest.raises(InvalidInput, match="outside"):
        check_for_writing(AigcLabel.first_write("厂商", "x"))
