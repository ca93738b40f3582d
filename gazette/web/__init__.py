"""Publish: the website. It reads what the pipeline wrote; the only thing it writes is comments.

app.py          builds the app: settings, database, middleware, static files, error pages,
                and mounts the routers below
public/         the readers' site: routes, read queries returning view records, templates
api/            the JSON API under /api
metrics.py      /metrics: the pipeline's numbers for Prometheus, read from the database
templates/      the shared base layout and the error page
static/         the stylesheet, served under content-hashed names (static_files.py)
dependencies.py the request's one database session, the settings
templating.py   the Jinja environment: url_for, static_url, the `when` and `cited` filters
security.py     the security headers every response carries
comments.py     checking and storing a reader's comment
"""

from gazette.web.app import create_app

__all__ = ["create_app"]
