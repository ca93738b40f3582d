"""Publish: the website. It reads what the pipeline wrote; it writes readers' comments and what
the staff do on the desk.

app.py          builds the app: settings, database, middleware, static files, error pages,
                and mounts the routers below
public/         the readers' site: pages, search, feeds, sitemaps; read queries returning view
                records; templates
api/            the read-only JSON API under /api, its OpenAPI document and /api/docs
desk/           the newsroom's desk under /desk, and /login and /logout: routes, read queries
                returning view records, templates
metrics.py      /metrics: the pipeline's numbers for Prometheus, read from the database
templates/      the shared base layout and the error page
static/         the stylesheet, served under content-hashed names (static_files.py)
dependencies.py the request's one database session, the settings
templating.py   the Jinja environment: url_for, static_url, the `when` and `cited` filters
security.py     the security headers every response carries
http_caching.py HEAD, ETags and 304 answers, Cache-Control for every route
page_cache.py   rendered reader pages kept in memory until the site's generation moves
request_guard.py  bodies too large and NUL characters, refused before any route
auth.py         the staff's logins, and the one place that decides who may see a desk page
login_limits.py limits on failed logins, per account and per address
csrf.py         the token every form that changes something must carry, checked for every route
cookies.py      the site's signed cookies and their flags
comments.py     checking and storing a reader's comment
"""

from gazette.web.app import create_app

__all__ = ["create_app"]
