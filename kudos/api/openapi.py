"""The OpenAPI 3.1 document of /api/v1. A test checks that every API route is in it."""

from flask import url_for


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _ok(description: str, schema: str | None = None) -> dict:
    body = {"description": description}
    if schema:
        ref = {"$ref": f"#/components/schemas/{schema}"}
        body["content"] = {"application/json": {"schema": ref}}
    return body


PAGE_PARAMS = [
    {"name": "cursor", "in": "query", "schema": {"type": "string"},
     "description": "Opaque; the `next_cursor` of the previous page."},
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
]

PATHS = {
    "/api/v1/openapi.json": {
        "get": {"summary": "This document", "security": [],
                "responses": {"200": _ok("The OpenAPI document")}},
    },
    "/api/v1/me": {
        "get": {"summary": "The caller", "responses": {
            "200": _ok("The signed-in person", "User"), "401": _error("Not signed in")}},
    },
    "/api/v1/tokens": {
        "get": {"summary": "The caller's live personal tokens (secrets are never shown again)",
                "responses": {"200": _ok("Tokens")}},
        "post": {
            "summary": "Create a personal token (from a signed-in browser session only)",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["name"],
                "properties": {"name": {"type": "string", "maxLength": 80}}}}}},
            "responses": {"201": _ok("The new token; `token` is shown this once", "NewToken"),
                          "403": _error("Called with a token instead of a session"),
                          "422": _error("Invalid name")},
        },
    },
    "/api/v1/tokens/{token_id}": {
        "delete": {"summary": "Revoke one of the caller's tokens",
                   "parameters": [{"name": "token_id", "in": "path", "required": True,
                                   "schema": {"type": "integer"}}],
                   "responses": {"204": {"description": "Revoked"},
                                 "404": _error("Not one of the caller's tokens")}},
    },
    "/api/v1/users": {
        "get": {"summary": "Colleagues by name or email (hidden profiles excluded)",
                "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}},
                               *PAGE_PARAMS],
                "responses": {"200": _ok("A page of colleagues", "UserPage")}},
    },
}

SCHEMAS = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": {"type": "string", "enum": [
            "validation_error", "cooldown", "forbidden", "not_found", "unauthenticated",
            "csrf_failed", "conflict", "rate_limited", "bad_request", "server_error"]},
            "message": {"type": "string"}, "field": {"type": "string"},
            "retry_after": {"type": "integer"}}}}},
    "User": {"type": "object", "properties": {
        "id": {"type": "integer"}, "email": {"type": "string"}, "name": {"type": "string"},
        "role": {"type": "string", "enum": ["member", "lead", "admin"]},
        "team_id": {"type": ["integer", "null"]}, "timezone": {"type": "string"}}},
    "UserPage": {"type": "object", "properties": {
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/User"}},
        "next_cursor": {"type": ["string", "null"]}}},
    "NewToken": {"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "token": {"type": "string"},
        "created_at": {"type": "string", "format": "date-time"}}},
}


def spec() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Kudos API", "version": "1",
                 "description": "Recognition and employee advocacy. Errors are "
                                "`{\"error\": {\"code\", \"message\"}}`."},
        "servers": [{"url": url_for("home.index", _external=True).rstrip("/")}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "A personal token (Settings, or flask create-token)."},
                "session": {"type": "apiKey", "in": "cookie", "name": "kudos_session",
                            "description": "A browser session; state changes need X-CSRFToken."},
            },
        },
    }
