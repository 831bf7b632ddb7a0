"""What reading a model directory yields (`artifacts.read_model_dir`), shared by the reader and the registry side.

Plain data, no database: the reader runs on a laptop or a CI worker against a directory as Hugging Face
or ModelScope lay it out, and `lineage.services` turns the result into a model record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FileEntry:
    """One file of the model directory: its path relative to the directory, size and SHA-256."""

    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class PickleFinding:
    """A pickle-based file and what the scanner found in it (never unpickled)."""

    path: str
    scanner: str  # e.g. "picklescan 1.0.5"
    dangerous: list[str] = field(default_factory=list)  # e.g. ["subprocess Popen", "posix system"]
    error: str | None = None  # the file could not be scanned (e.g. not a pickle)
    # Imports on neither of the scanner's lists (e.g. "__main__ MyModel"): not unsafe by themselves, but
    # loading the file needs that code, so a reviewer wants to see them.
    suspicious: list[str] = field(default_factory=list)

    @property
    def safe(self) -> bool:
        return not self.dangerous and self.error is None


@dataclass(frozen=True)
class TensorSummary:
    """A safetensors or GGUF file's header, read without loading weights."""

    path: str
    format: str  # "safetensors" | "gguf"
    tensors: int
    parameters: int
    dtypes: dict[str, int] = field(default_factory=dict)  # dtype → tensor count
    metadata: dict[str, Any] = field(default_factory=dict)  # header metadata (GGUF keys, safetensors __metadata__)
    error: str | None = None  # the header could not be read (truncated, hostile lengths, bad JSON); counts are 0


@dataclass(frozen=True)
class HubSnapshot:
    """Where a directory sits in a Hugging Face cache: ``<cache>/models--ORG--NAME/snapshots/<commit>/``.

    Why: huggingface_hub stores each file once under the repo folder's ``blobs/`` and makes the snapshot's
    files symlinks to them, so the snapshot path itself is the only record of the repo and commit it is.
    """

    repo_type: str  # "model" | "dataset"
    repo_id: str  # "ORG/NAME" (or "NAME" for repos without an organisation)
    revision: str  # the snapshot folder's name: the commit it was downloaded at
    refs: list[str] = field(default_factory=list)  # branches/tags in refs/ that point at this commit, e.g. ["main"]


@dataclass(frozen=True)
class ModelDirInfo:
    """Everything read from one model directory."""

    root: str
    name: str | None  # from the card or config, else a GGUF's general.name, the hub repo, the directory name
    # The card's `base_model` (str or list), then each GGUF file's `general.base_model.*`, without repeats.
    base_models: list[str] = field(default_factory=list)
    base_model_relation: str | None = None  # card `base_model_relation`: adapter | merge | quantized | finetune
    license: str | None = None
    datasets: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    card: dict[str, Any] = field(default_factory=dict)  # the whole front matter
    config: dict[str, Any] = field(default_factory=dict)  # config.json / configuration.json
    files: list[FileEntry] = field(default_factory=list)
    tensors: list[TensorSummary] = field(default_factory=list)
    pickles: list[PickleFinding] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # e.g. symlinks that leave the directory
    # "<file>: <problem>" for a card or config that did not parse, a file that could not be read, or a
    # Hugging Face blob whose content is not the SHA-256 its name says.
    errors: list[str] = field(default_factory=list)
    error_files: list[str] = field(default_factory=list)  # the files those `errors` are about
    # Which file said each base model (README.md for the card, a GGUF file for its general.base_model.*).
    base_model_sources: dict[str, list[str]] = field(default_factory=dict)
    hub_snapshot: HubSnapshot | None = None  # set when the directory is a Hugging Face cache snapshot

    @property
    def parameters(self) -> int:
        return sum(t.parameters for t in self.tensors)

    @property
    def unsafe_pickles(self) -> list[PickleFinding]:
        return [p for p in self.pickles if not p.safe]

    @property
    def unchecked(self) -> list[str]:
        """Files the read could not vouch for: refused, unreadable, a weight header or a pickle scan that failed.

        Why apart from `unsafe_pickles`: a file nobody could read is not known to be bad, but a gate that
        passes it passes something unexamined, so `aisgf model scan` fails on these too.
        """
        paths = {*self.refused, *self.error_files, *(t.path for t in self.tensors if t.error is not None),
                 *(p.path for p in self.pickles if p.error is not None)}
        return sorted(paths)
