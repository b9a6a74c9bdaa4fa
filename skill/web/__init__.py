"""The webservice: ``skill.web:create_app(config=None)`` (a Flask app factory, for gunicorn too)."""

from skill.web.app import WebSettings, create_app

__all__ = ["create_app", "WebSettings"]
