"""A second reference: the least a lookup-plus-template page costs on this machine, without the LMS.

A minimal Flask app, served like the LMS and ``hello.py``, that looks one certificate up by code in the bench database
(SQLAlchemy Core, one statement; pooled connections are not checked before use, as the LMS's are not under load:
it checks only those idle for a second, ``LMS_DB_PING_AFTER``) and renders a small compiled Jinja template.
``bench/run.py`` measures it beside the verification page: its ratio to the hello ceiling is what a verification page
could reach with no layout, no translations, no access policy and no look-up log.
"""

import os

from flask import Flask, abort
from sqlalchemy import create_engine, text

app = Flask(__name__)
engine = create_engine(os.environ["DATABASE_URL"])
# Dates are printed as their first ten characters: SQLite hands raw SQL a string, PostgreSQL a datetime.
LOOKUP = text("SELECT code, number, status, issued_at, expires_at FROM lms_certificates WHERE code = :code")
PAGE = app.jinja_env.from_string("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Certificate {{ c.number }}</title></head>
<body><main><h1>Certificate {{ c.number }}</h1>
<dl><dt>Code</dt><dd>{{ c.code }}</dd><dt>Status</dt><dd>{{ c.status }}</dd>
<dt>Issued</dt><dd>{{ (c.issued_at|string)[:10] }}</dd>
<dt>Expires</dt><dd>{{ (c.expires_at|string)[:10] if c.expires_at else "never" }}</dd></dl>
</main></body></html>""")


@app.get("/verify/<code>")
def verify(code: str):
    with engine.connect() as connection:
        row = connection.execute(LOOKUP, {"code": code.replace("-", "").upper()}).mappings().first()
    if row is None:
        abort(404)
    return PAGE.render(c=row)
