"""Answer sets used across tests (IDs from the intake questionnaire)."""

from __future__ import annotations

from typing import Any

LOW: dict[str, Any] = {
    "public_facing": False, "personal_information": "none", "important_data": False,
    "high_impact_decisions": False, "model_source": "foundation_model", "sector": "general",
    "cross_border_data": False, "export_controlled": False, "org_roles": ["key_sector_user"],
    "generates_content": False,
}

MEDIUM: dict[str, Any] = {**LOW, "personal_information": "personal", "model_source": "foundation_model",
                          "org_roles": ["developer", "provider"]}

HIGH: dict[str, Any] = {
    "public_facing": True, "personal_information": "sensitive", "important_data": True,
    "high_impact_decisions": True, "model_source": "third_party_model", "sector": "finance",
    "cross_border_data": False, "export_controlled": False, "org_roles": ["provider", "key_sector_user"],
    "generates_content": True,
}
