"""The declarative base every concern's tables derive from.

Why its own module: models import `Base`, and `aisgf.db` imports the models to migrate them; with
`Base` inside `db.py` the two imported each other. Here it depends on SQLAlchemy alone, so a
concern's `models.py` needs nothing else of aisgf to declare its tables.
"""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

#: Constraint names are fixed so Alembic migrations name the same constraints on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base for every table of every concern."""

    metadata = MetaData(naming_convention=NAMING)
