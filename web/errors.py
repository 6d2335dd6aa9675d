"""One error handler: an HTML page, or JSON ``{"error", "hint", "status"}`` under /api/."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from search.errors import UnionSearchError

log = logging.getLogger(__name__)

# Chinese wording for the HTTP errors Flask raises itself (no route, wrong method …).
HTTP_MESSAGES = {
    400: ("请求有误", "请检查地址中的参数"),
    404: ("找不到这个页面或文档", "请检查地址，或回到首页重新检索"),
    403: ("拒绝访问", "请在本检索页面中操作"),
    405: ("不支持这种请求方式", "请用页面上的链接和按钮操作；修改素材夹的操作只接受页面表单提交（POST）"),
    413: ("提交的内容过大", "请缩短备注或名称后重试"),
    500: ("服务器内部错误", "请稍后再试；如果反复出现，请查看服务器日志"),
}


def wants_json() -> bool:
    """Return whether the current request is for the JSON API."""
    return request.path == "/api" or request.path.startswith("/api/")


def error_response(status: int, message: str, hint: str | None) -> Response:
    """Return the error as JSON for the API, else as the error page."""
    return render_error({"error": message, "hint": hint, "status": status})


def render_error(body: dict) -> Response:
    """Return an error body ``{"error", "hint", "status"}`` as JSON for the API, else as the error page."""
    if wants_json():
        response = jsonify(body)
    else:
        response = Response(render_template("error.html", status=body["status"], message=body["error"],
                                            hint=body["hint"]))
    response.status_code = body["status"]
    return response


def handle_library_error(error: UnionSearchError) -> Response:
    """Answer a library error with its own status (400 bad request, 404 unknown id, 409 other format, 503 no index …)."""
    return render_error(error.to_dict())


def handle_http_error(error: HTTPException) -> Response:
    """Render Flask's own HTTP errors (404 no such route, 405 …) in the page's language."""
    status = error.code or 500
    message, hint = HTTP_MESSAGES.get(status, (error.name, error.description))
    response = error_response(status, message, hint)
    for name, value in error.get_headers() if hasattr(error, "get_headers") else []:
        if name == "Allow":
            response.headers["Allow"] = value  # a 405 says which methods the route takes
    return response


def handle_unexpected(error: Exception) -> Response:
    """Log an unexpected exception and answer a plain 500 that leaks nothing."""
    log.exception("unhandled error on %s", request.path)
    message, hint = HTTP_MESSAGES[500]
    if wants_json():
        response = jsonify({"error": message, "hint": hint, "status": 500})
    else:
        # Deliberately no template: rendering could be what failed.
        response = Response(f"<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>500 {message}</title>"
                            f"<h1>500 {message}</h1><p>{hint}</p></html>", mimetype="text/html")
    response.status_code = 500
    return response


def register_error_handlers(app: Flask) -> None:
    """Install the handlers on ``app``."""
    app.register_error_handler(UnionSearchError, handle_library_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
