"""Documents step: how many documents, bytes and characters, and which could not be read.

Why unreadable documents are counted, not raised: a malformed document (invalid JSON, missing
field, oversized line, truncated compressed stream) becomes an ``unreadable`` finding naming file
and line, and the run goes on; the report lists the first errors per file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Self

from aisgf.screening.pipeline.batch import Batch, ShardContext
from aisgf.screening.pipeline.step import Part, Step

MAX_ERRORS = 50  # unreadable documents described one by one, per file


@dataclass
class DocumentsPart(Part):
    errors: list[dict[str, Any]] = field(default_factory=list)

    def merge(self, later: Self) -> Self:
        super().merge(later)
        self.errors.extend(later.errors[: max(0, MAX_ERRORS - len(self.errors))])
        return self


class Documents(Step):
    name = "documents"

    def __init__(self, ctx: ShardContext) -> None:
        super().__init__(ctx)
        self.n_docs = self.n_bytes = self.n_chars = self.n_unreadable = 0
        self.errors: list[dict[str, Any]] = []

    def process(self, batch: Batch) -> None:
        self.n_docs += len(batch.docs)
        self.n_bytes += sum(map(len, batch.encoded))
        self.n_chars += sum(map(len, batch.texts))
        if len(batch.readable) < len(batch.docs):
            errors = self.errors
            for doc in batch.docs:
                if doc.text is None:
                    self.n_unreadable += 1
                    if len(errors) < MAX_ERRORS:
                        errors.append({"doc": doc.key, "line": doc.index + 1, "error": doc.error})

    def result(self) -> DocumentsPart:
        part = DocumentsPart(errors=self.errors)
        for name, n in (
            ("documents", self.n_docs),
            ("unreadable", self.n_unreadable),
            ("bytes", self.n_bytes),
            ("chars", self.n_chars),
        ):
            if n:
                part.counts[name] = n
        if self.n_unreadable:
            part.cat_findings["unreadable"] = part.cat_docs["unreadable"] = self.n_unreadable
        return part
