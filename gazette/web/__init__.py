"""Publish: the website. It reads what the pipeline wrote; the only thing it writes is comments."""

from gazette.web.app import create_app

__all__ = ["create_app"]
