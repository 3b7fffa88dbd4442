"""WSGI entry point for the standalone site: ``gunicorn wsgi:app``."""

from lms import create_app

app = create_app()
