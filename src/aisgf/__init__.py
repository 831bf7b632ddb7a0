"""aisgf: China's AI Safety Governance Framework 1.0 (TC260, 2024) as a platform.

The package is split by concern (catalog, intake, registry, audit, web); see DESIGN.md.
"""

__version__ = "0.1.0"
