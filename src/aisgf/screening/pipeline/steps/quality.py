"""Quality step: empty, too short, control characters, mojibake, invalid UTF-8, language mix.

Why language is here: the language of a document and its control characters come from one native
pass over the batch (:func:`doc_stats`), and a mixed language is itself a quality flag.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Self

from aisgf.screening.pipeline.batch import Batch, ShardContext
from aisgf.screening.pipeline.step import Part, Step
from aisgf.screening.quality import doc_stats, languages_from_counts, quality_flags_batch


@dataclass
class QualityPart(Part):
    """Quality flags per category, documents with any flag, documents per language."""

    languages: Counter[str] = field(default_factory=Counter)

    def merge(self, later: Self) -> Self:
        super().merge(later)
        self.languages.update(later.languages)
        return self


class Quality(Step):
    name = "quality"

    def __init__(self, ctx: ShardContext) -> None:
        super().__init__(ctx)
        self.part = QualityPart()
        self.n_quality = 0

    def process(self, batch: Batch) -> None:
        texts, encoded = batch.texts, batch.encoded
        cont, letters, control = doc_stats(texts, encoded)
        qualities = quality_flags_batch(texts, encoded, self.cfg.min_chars, control.tolist())
        langs = languages_from_counts(cont, letters)
        cat_findings, cat_docs, languages = self.part.cat_findings, self.part.cat_docs, self.part.languages
        for j, doc in enumerate(batch.readable):
            qflags = qualities[j]
            if doc.invalid_utf8:
                qflags.append("invalid_utf8")
            lang = "other" if qflags and qflags[0] == "empty" else langs[j]
            languages[lang] += 1
            if lang == "mixed":
                qflags.append("language_mix")
            if qflags:
                self.n_quality += 1
                for q in qflags:
                    cat_findings[q] += 1
                    cat_docs[q] += 1
        batch.qualities = qualities

    def result(self) -> QualityPart:
        if self.n_quality:
            self.part.counts["documents_with_quality_issues"] = self.n_quality
        return self.part
