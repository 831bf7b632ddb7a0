"""Explicit labels: what people see or hear (text, images, audio, video)."""
