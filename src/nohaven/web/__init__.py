"""The web layer: JSON API and server-rendered pages over the store."""

from nohaven.web.app import create_app

__all__ = ["create_app"]
