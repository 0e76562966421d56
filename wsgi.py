"""The WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi …`."""

from kudos import create_app

app = create_app()
