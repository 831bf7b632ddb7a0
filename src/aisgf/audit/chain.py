"""The canonical form of an audit event and its hash.

Why a module of its own: appending and verifying must compute byte-identical messages, and the
verifier works on raw driver rows for speed (≥ 200,000 events/s), so the rule lives here once.

The hashed message is the canonical JSON array
``[seq, at, actor, action, entity_type, entity_id, prev_hash, payload]``: UTF-8, no spaces,
object keys sorted, non-ASCII kept as is. `payload` is stored already canonical, so the verifier can
splice the stored text in without parsing it.
"""

from __future__ import annotations

import hashlib
import json
from json.encoder import encode_basestring as _enc  # the C string encoder json uses for ensure_ascii=False
from typing import Any

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode
_sha256 = hashlib.sha256


def canonical_json(value: Any) -> str:
    """Canonical JSON text (sorted keys, compact, UTF-8) of a JSON-compatible value."""
    return _dumps(value)


def event_hash(
    seq: int, at: str, actor: str, action: str, entity_type: str, entity_id: str, prev_hash: str,
    payload_text: str,
) -> str:
    # Same bytes as canonical_json([...]) with the stored payload spliced in, built without the
    # encoder's per-call overhead: this function is the verifier's inner loop.
    message = (f"[{int(seq)},{_enc(at)},{_enc(actor)},{_enc(action)},{_enc(entity_type)},{_enc(entity_id)},"
               f"{_enc(prev_hash)},{payload_text}]")
    return _sha256(message.encode("utf-8")).hexdigest()
