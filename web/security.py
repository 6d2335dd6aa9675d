"""Protections for a page that writes: Host check (DNS rebinding), Origin check and CSRF tokens, size limits."""

from __future__ import annotations

import ipaddress
import logging
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request
from flask_wtf.csrf import CSRFError, CSRFProtect

from .errors import error_response

log = logging.getLogger(__name__)
SECRET_FILE = "secret_key"
MAX_REQUEST_BYTES = 256 * 1024  # a form with a 2,000-character note is a few kilobytes
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
LOOPBACK_NAMES = ("localhost",)
WILDCARD_HOSTS = ("0.0.0.0", "::", "")


def load_or_create_secret(folder: Path) -> str:
    """Return this data folder's session key, creating it (readable by its owner only) on first use."""
    folder = Path(folder)
    path = folder / SECRET_FILE
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as out:
        out.write(secrets.token_hex(32))
        out.flush()
        os.fsync(out.fileno())
    try:
        # link() fails if another process made the key first: then both use that one, never half a file.
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    return path.read_text(encoding="ascii").strip()


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def host_allowed(hostname: str, bound: str, extra: tuple[str, ...] = ()) -> bool:
    """Return whether a request's Host name may be served: localhost, the bound address, or a listed name.

    A web page of another site that makes its name resolve to this computer (DNS rebinding) sends
    that name as Host and is refused. When the server listens on every address, any IP address
    is accepted: an address typed into the browser cannot be rebound.
    """
    hostname = hostname.strip("[]").rstrip(".").lower()
    if hostname in LOOPBACK_NAMES or hostname in extra:
        return True
    if _is_ip(hostname):
        if ipaddress.ip_address(hostname).is_loopback:
            return True
        return bound in WILDCARD_HOSTS or hostname == bound.strip("[]").lower()
    return hostname == bound.strip("[]").rstrip(".").lower()


def _allowed_names() -> tuple[str, ...]:
    names = str(current_app.config.get("ALLOWED_HOSTS") or "")
    return tuple(n.strip().lower() for n in names.split(",") if n.strip())


def check_host() -> Response | None:
    """Refuse (400) a request whose Host header names neither this computer nor the bound address."""
    try:
        hostname = urlsplit(f"//{request.host}").hostname or ""
    except ValueError:
        hostname = ""
    if not host_allowed(hostname, str(current_app.config.get("BIND_HOST") or "127.0.0.1"), _allowed_names()):
        return error_response(400, "不接受这个主机名的请求",
                              "请用 http://127.0.0.1:端口/ 或 http://localhost:端口/ 打开；"
                              "其他名称需由管理员加入设置项 ALLOWED_HOSTS")
    return None


def same_origin(url: str) -> bool:
    """Return whether ``url`` (an Origin or Referer) is this page's own scheme, host and port."""
    parts = urlsplit(url)
    return parts.scheme == request.scheme and parts.netloc.lower() == request.host.lower()


def check_origin() -> Response | None:
    """Refuse (403) a writing request that says it comes from another site (Origin, else Referer)."""
    if request.method not in UNSAFE_METHODS:
        return None
    origin = request.headers.get("Origin")
    # "null" (a sandboxed frame, a file:// page, a privacy-stripped origin) is refused too.
    foreign = not same_origin(origin) if origin is not None else (
        request.referrer is not None and not same_origin(request.referrer))
    if foreign:
        return error_response(403, "拒绝来自其他网站的提交", "请在本检索页面中操作")
    return None


def refuse_csrf(error: CSRFError) -> Response:
    """Answer a write without a valid token: the page the form came from is too old, or not ours."""
    return error_response(400, "请求缺少有效的安全令牌，已拒绝", "请刷新页面后重新操作（本页面不接受来自其他网站的提交）")


# Flask's own settings, set before the instance config.py (which may still change them).
FLASK_DEFAULTS = {
    "MAX_CONTENT_LENGTH": MAX_REQUEST_BYTES,
    "MAX_FORM_MEMORY_SIZE": MAX_REQUEST_BYTES,
    "MAX_FORM_PARTS": 100,
    "SESSION_COOKIE_NAME": "unionsearch_session",
    "SESSION_COOKIE_SAMESITE": "Strict",
    "SESSION_COOKIE_HTTPONLY": True,
    # A writer keeps the page open for days: a token lives as long as the browser session.
    "WTF_CSRF_TIME_LIMIT": None,
}


def init_security(app: Flask) -> None:
    """Install the session key, the request limits, the Host and Origin checks and CSRF protection."""
    if not app.config.get("SECRET_KEY"):
        try:
            app.config["SECRET_KEY"] = load_or_create_secret(Path(app.config["DATA_DIR"]))
        except OSError as exc:
            # The page still searches; only forms opened before a restart stop working.
            log.warning("cannot keep the session key in %s (%s): using one for this run only", app.config["DATA_DIR"], exc)
            app.config["SECRET_KEY"] = secrets.token_hex(32)
    # Before CSRFProtect's own hook: a foreign Host or Origin is refused before anything else is read.
    app.before_request(check_host)
    app.before_request(check_origin)
    CSRFProtect(app)
    app.register_error_handler(CSRFError, refuse_csrf)
