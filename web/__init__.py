"""The search page: a Flask app factory that reads settings and opens one SearchIndex per app."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask, Response

from . import settings
from .current import EXTENSION

if TYPE_CHECKING:
    from search.engine import SearchIndex

SECURITY_HEADERS = {
    # No inline script or style anywhere: the JS and CSS are static files of this app.
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    # Not "no-referrer": with it the browser sends "Origin: null" on the page's own POST forms,
    # which the Origin check could not tell from a forged one. Other sites still get no referrer.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def create_app(config: dict | None = None, instance_path: str | None = None,
               search_index: SearchIndex | None = None) -> Flask:
    """Return the app configured from defaults, then instance/config.py, then UNIONSEARCH_* variables, then ``config``.

    ``search_index``: a SearchIndex of the configured folder already opened (``serve`` opens
    it to look at it first); by default one is made from the configuration.
    """
    # Imported here so that `import web.cli` stays fast for commands that never serve the page.
    from search.backend import open_search_index
    from search.export import check_citation_format

    from .api import api
    from .collections import collections
    from .errors import register_error_handlers
    from .history import searches
    from .security import FLASK_DEFAULTS, init_security
    from .views import views
    from .workbench import workbench

    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    # "//" in a path is a bad request here, not a redirect to the merged path.
    app.url_map.merge_slashes = False
    app.config.from_mapping(settings.defaults())
    app.config.update(FLASK_DEFAULTS)
    # SAMPLE_INDEX is state, not a setting: `serve` sets it when the index holds only the bundled samples.
    app.config["SAMPLE_INDEX"] = False
    # BIND_HOST too: the address `serve` listens on, which the Host check accepts.
    app.config["BIND_HOST"] = "127.0.0.1"
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(settings.from_environment())
    app.config.update(config or {})
    check_citation_format(str(app.config["CITATION_FORMAT"]))
    app.json.ensure_ascii = False  # readable Chinese, as `unionsearch search --json` prints it
    app.json.sort_keys = False
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    # ENGINE (a sphinxql:// cluster address) replaces the index folder when it is set.
    location = str(app.config.get("ENGINE") or "") or Path(app.config["INDEX"])
    app.extensions[EXTENSION] = search_index or open_search_index(location,
                                                                  max_per_page=int(app.config["MAX_PER_PAGE"]),
                                                                  max_query_length=int(app.config["MAX_QUERY_LENGTH"]))
    init_security(app)
    app.register_blueprint(views)
    app.register_blueprint(api)
    app.register_blueprint(collections)
    app.register_blueprint(searches)
    app.register_blueprint(workbench)
    register_error_handlers(app)
    app.after_request(add_security_headers)
    return app


def add_security_headers(response: Response) -> Response:
    """Set the security headers on every response, error pages and static files included."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
