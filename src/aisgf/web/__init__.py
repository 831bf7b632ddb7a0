"""The FastAPI application: JSON API under /api (pages for people come with accounts and roles)."""
