"""The bare view bench/wall.py measures the app against: Flask returning "hello", under the
same gunicorn (`gunicorn --pythonpath bench hello_app:app`)."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello"
