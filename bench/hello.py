"""The ceiling: a minimal Flask app served exactly like the LMS, so page figures are ratios, not guesses."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello"
