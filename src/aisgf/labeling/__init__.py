"""AI-generated content labels per GB 45438-2025: implicit metadata labels and explicit marks.

A library first (no database): ``embed``/``propagate``/``detect``/``verify`` for implicit labels,
``aisgf.labeling.explicit`` for visible/audible ones, ``aisgf.labeling.cli.app`` for the CLI.
"""

from aisgf.labeling.implicit import UnsupportedFormat, detect, embed, propagate, verify
from aisgf.labeling.label import AigcLabel
from aisgf.labeling.profile import load_profile

__all__ = ["AigcLabel", "UnsupportedFormat", "detect", "embed", "load_profile", "propagate", "verify"]
