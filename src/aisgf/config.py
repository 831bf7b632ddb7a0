"""One configuration object for the whole platform.

Why one object: the CLI, the server and the Python API must agree on where the database, the
evidence store and the overlays live, so every entry point reads the same `Settings`. Values
come from `AISGF_*` environment variables, then an optional YAML file named by `AISGF_CONFIG`.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from aisgf.errors import InvalidInput


class Settings(BaseSettings):
    """Runtime settings; every field can be set as `AISGF_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix="AISGF_", extra="forbid")

    data_dir: Path = Field(default=Path("aisgf-data"), description="Folder for the SQLite file and evidence")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; SQLite file in data_dir if unset")
    evidence_dir: Path | None = Field(default=None, description="Content-addressed evidence store")
    overlay_dir: Path | None = Field(default=None, description="Folder of catalog overlays (official texts)")
    ruleset_file: Path | None = Field(default=None, description="Tiering ruleset YAML; the shipped default if unset")
    questionnaire_file: Path | None = Field(default=None, description="Intake questionnaire YAML override")
    max_upload_bytes: int = Field(default=50 * 1024 * 1024, gt=0)
    max_waiver_months: int = Field(default=12, ge=1, le=120,
                                   description="the longest a waiver may run: its expiry at most this many months away")
    api_token: str | None = Field(default=None, description="Token for writes over HTTP; generated if unset")
    host: str = "127.0.0.1"
    port: int = 8000
    db_busy_timeout_s: float = Field(default=10.0, gt=0)
    password_hash_profile: Literal["standard", "test"] = Field(
        default="standard", description="argon2 cost of new password hashes: standard (the library's "
        "recommendation), or test (minimal, for test suites only; such hashes are upgraded at the next sign-in "
        "under standard)")
    # Optional OpenID Connect sign-in (off unless issuer and client id are set); see accounts/oidc.py
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_scopes: str = "openid email profile"
    oidc_claim: str = Field(default="email", description="ID-token claim naming the account: email, "
                            "preferred_username or sub")
    oidc_auto_create: bool = False
    oidc_timeout_s: float = Field(default=10.0, gt=0)

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'aisgf.db').resolve()}"

    @property
    def resolved_evidence_dir(self) -> Path:
        return self.evidence_dir or (self.data_dir / "evidence")

    @property
    def resolved_overlay_dir(self) -> Path:
        return self.overlay_dir or (self.data_dir / "overlays")


def _file_values() -> dict[str, Any]:
    path = os.environ.get("AISGF_CONFIG")
    if not path:
        return {}
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except FileNotFoundError as exc:
        raise InvalidInput(f"configuration file not found: {p}", where=str(p)) from exc
    except yaml.YAMLError as exc:
        raise InvalidInput(f"configuration file is not valid YAML: {exc}", where=str(p)) from exc
    if not isinstance(data, dict):
        raise InvalidInput("configuration file must hold a mapping of setting: value", where=str(p))
    # Environment variables win over the file.
    return {k: v for k, v in data.items() if f"AISGF_{k.upper()}" not in os.environ}


def load_settings(**overrides: Any) -> Settings:
    """Build settings from the file, the environment and explicit overrides (highest wins)."""
    try:
        return Settings(**{**_file_values(), **overrides})
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise InvalidInput(f"setting {field}: {first['msg']}", where=f"AISGF_{field.upper()}") from exc


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
