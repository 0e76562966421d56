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

KUDOS_ID = [{"name": "kudos_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
COOLDOWN = _error("A cooldown: `retry_after` seconds (also the Retry-After header) and a "
                  "human message saying when")

PATHS.update({
    "/api/v1/kudos": {
        "get": {"summary": "The kudos the caller may see, newest first",
                "parameters": [
                    {"name": "scope", "in": "query", "schema": {
                        "type": "string", "enum": ["company", "team", "received", "given"]}},
                    {"name": "team_id", "in": "query", "schema": {"type": "integer"}},
                    {"name": "value_id", "in": "query", "schema": {"type": "integer"}},
                    {"name": "kind", "in": "query", "schema": {
                        "type": "string", "enum": ["kudos", "highlight"]}},
                    *PAGE_PARAMS],
                "responses": {"200": _ok("A page of kudos", "KudosPage")}},
        "post": {
            "summary": "Thank colleagues (kind `kudos`) or highlight their work (`highlight`)",
            "parameters": [{"name": "Idempotency-Key", "in": "header",
                            "schema": {"type": "string", "maxLength": 64}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/NewKudos"}}}},
            "responses": {"201": _ok("Given", "Kudos"),
                          "200": _ok("Already given with this idempotency key", "Kudos"),
                          "422": _error("Invalid field (named in `field`)"),
                          "429": COOLDOWN},
        },
    },
    "/api/v1/kudos/{kudos_id}": {
        "get": {"summary": "One kudos with recipients, reactions, comments",
                "parameters": KUDOS_ID,
                "responses": {"200": _ok("The kudos", "Kudos"),
                              "404": _error("Unknown, or not visible to the caller")}},
        "delete": {"summary": "Withdraw (the giver, within 15 minutes) or hide (an admin, "
                              "`{\"reason\"}` required); nothing is physically deleted",
                   "parameters": KUDOS_ID,
                   "responses": {"204": {"description": "Withdrawn or hidden"},
                                 "404": _error("Not found"),
                                 "422": _error("Edit window over, or reason missing")}},
    },
    "/api/v1/kudos/{kudos_id}/reactions": {
        "post": {"summary": "React (`applause` or `plus_one`, which co-signs); a second "
                            "identical reaction is not counted twice",
                 "parameters": KUDOS_ID,
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "required": ["kind"], "properties": {"kind": {
                         "type": "string", "enum": ["applause", "plus_one"]}}}}}},
                 "responses": {"201": _ok("Reaction counts"), "404": _error("Not found"),
                               "422": _error("Unknown kind, or co-signing one's own")}},
    },
    "/api/v1/kudos/{kudos_id}/reactions/{kind}": {
        "delete": {"summary": "Take a reaction back",
                   "parameters": [*KUDOS_ID, {"name": "kind", "in": "path", "required": True,
                                              "schema": {"type": "string"}}],
                   "responses": {"204": {"description": "Removed"}}},
    },
    "/api/v1/kudos/{kudos_id}/comments": {
        "post": {"summary": "Comment (plain text, up to 500 characters)",
                 "parameters": KUDOS_ID,
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "required": ["body"],
                     "properties": {"body": {"type": "string", "maxLength": 500}}}}}},
                 "responses": {"201": _ok("The comment"), "422": _error("Empty or too long")}},
    },
    "/api/v1/news": {
        "get": {"summary": "Published news, the caller's followed topics first",
                "parameters": PAGE_PARAMS, "responses": {"200": _ok("A page of news")}},
        "post": {"summary": "Leads and admins publish; members propose (status `proposed`)",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "required": ["title"], "properties": {
                         "title": {"type": "string", "maxLength": 200},
                         "summary": {"type": "string", "maxLength": 500},
                         "url": {"type": "string", "format": "uri"},
                         "body": {"type": "string", "description": "Markdown"},
                         "topic_id": {"type": ["integer", "null"]},
                         "campaign_id": {"type": ["integer", "null"]},
                         "public": {"type": "boolean"}}}}}},
                 "responses": {"201": _ok("The item"), "422": _error("Invalid field")}},
    },
    "/api/v1/news/{news_id}/publish": {
        "post": {"summary": "Publish a proposal or a watch draft (leads and admins)",
                 "parameters": [{"name": "news_id", "in": "path", "required": True,
                                 "schema": {"type": "integer"}}],
                 "responses": {"200": _ok("Published"), "403": _error("Members cannot"),
                               "404": _error("Not found")}},
    },
    "/api/v1/news/{news_id}/relays": {
        "post": {"summary": "Relay an item: a tracked link and the network's share URL",
                 "parameters": [{"name": "news_id", "in": "path", "required": True,
                                 "schema": {"type": "integer"}},
                                {"name": "Idempotency-Key", "in": "header",
                                 "schema": {"type": "string", "maxLength": 64}}],
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "required": ["channel"], "properties": {
                         "channel": {"type": "string", "enum": [
                             "internal", "linkedin", "x", "email", "copy"]},
                         "comment": {"type": "string", "maxLength": 1000},
                         "idempotency_key": {"type": "string", "maxLength": 64}}}}}},
                 "responses": {"201": _ok("relay_id, tracked_url, share_url"),
                               "200": _ok("Already relayed with this idempotency key"),
                               "422": _error("Unknown channel, or not published")}},
    },
    "/r/{token}": {
        "get": {"summary": "A tracked link: counts a click and redirects (302) to the item's "
                           "stored link; no sign-in", "security": [],
                "parameters": [{"name": "token", "in": "path", "required": True,
                                "schema": {"type": "string"}}],
                "responses": {"302": {"description": "To the article, with UTM parameters"},
                              "404": {"description": "Unknown or withdrawn link"}}},
    },
    "/api/v1/campaigns": {
        "get": {"summary": "Campaigns the caller sees", "parameters": PAGE_PARAMS,
                "responses": {"200": _ok("A page of campaigns")}},
        "post": {"summary": "Create a campaign (leads for their teams, admins company-wide); "
                            "per-person goals, prizes, points and rankings are refused "
                            "(`no_carrot`)",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "required": ["title", "starts_on", "ends_on",
                                                    "goal_kind", "goal_target"],
                     "properties": {
                         "title": {"type": "string"}, "theme": {"type": "string"},
                         "scope_team_id": {"type": ["integer", "null"]},
                         "starts_on": {"type": "string", "format": "date"},
                         "ends_on": {"type": "string", "format": "date"},
                         "goal_kind": {"type": "string", "enum": [
                             "kudos_count", "unique_recipients", "unique_participants",
                             "relays", "clicks"]},
                         "goal_target": {"type": "integer", "minimum": 1},
                         "kind": {"type": "string", "enum": ["recognition", "relay", "both"]},
                         "launch": {"type": "boolean"}}}}}},
                 "responses": {"201": _ok("The campaign"), "403": _error("Not a lead of it"),
                               "422": _error("Invalid, out of the attention budget, or a "
                                             "carrot")}},
    },
    "/api/v1/campaigns/{campaign_id}/health": {
        "get": {"summary": "Progress to the collective goal, participation in aggregate "
                           "(null below the minimum group), phase",
                "parameters": [{"name": "campaign_id", "in": "path", "required": True,
                                "schema": {"type": "integer"}}],
                "responses": {"200": _ok("Health"), "404": _error("Not in scope")}},
    },
    "/api/v1/insights/fatigue": {
        "get": {"summary": "Phase, score, evidence and suggestions of a scope",
                "parameters": [{"name": "scope", "in": "query", "schema": {"type": "string"},
                                "description": "me, company, team:<id>, campaign:<id>"}],
                "responses": {"200": _ok("The reading"), "403": _error("Not yours to see")}},
    },
    "/api/v1/admin/rules": {
        "get": {"summary": "The anti-fatigue rule set and its version",
                "responses": {"200": _ok("Rules")}},
        "put": {"summary": "Change rules from a version, with a reason (audited)",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["version", "rules", "reason"]}}}},
                "responses": {"200": _ok("The new rules"),
                              "409": _error("Changed by someone else since that version"),
                              "422": _error("Out of bounds (field and bounds named)")}},
    },
    "/api/v1/admin/rules/preview": {
        "post": {"summary": "What proposed rules would have refused, sent or held over the "
                            "last 30 or 90 days, beside the current rules",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "properties": {"rules": {"type": "object"},
                                                      "days": {"enum": [30, 90]}}}}}},
                 "responses": {"200": _ok("The comparison"), "422": _error("Out of bounds")}},
    },
    "/api/v1/notifications": {
        "get": {"summary": "The caller's notifications, newest first",
                "parameters": PAGE_PARAMS, "responses": {"200": _ok("A page of notifications")}},
    },
})

LANGUAGE = {"name": "language", "in": "query", "schema": {"type": "string", "enum": ["en", "fr"]},
            "description": "One of the app's languages; the caller's by default."}

PATHS.update({
    "/api/v1/charter": {
        "get": {"summary": "The programme's charter in one language: what being an ambassador "
                           "means here (reading it is never recorded)",
                "parameters": [LANGUAGE],
                "responses": {"200": _ok("The charter", "Charter"),
                              "401": _error("Not signed in"),
                              "422": _error("Not one of the app's languages")}},
    },
    "/api/v1/admin/charter": {
        "put": {"summary": "A new version of the charter in one language, made from the version "
                           "read; audited with the reason. A title or summary left out stays.",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/CharterChange"}}}},
                "responses": {"200": _ok("The new version", "Charter"),
                              "401": _error("Not signed in"),
                              "403": _error("Admins only"),
                              "409": _error("Someone saved another version since that one"),
                              "422": _error("Invalid field (named in `field`): empty, too long, "
                                            "or unsafe Markdown")}},
    },
})

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
    "NewKudos": {"type": "object", "required": ["recipient_ids", "message"], "properties": {
        "recipient_ids": {"type": "array", "items": {"type": "integer"}, "minItems": 1,
                          "maxItems": 10},
        "message": {"type": "string", "minLength": 1, "maxLength": 1000},
        "kind": {"type": "string", "enum": ["kudos", "highlight"]},
        "value_id": {"type": ["integer", "null"]},
        "campaign_id": {"type": ["integer", "null"]},
        "visibility": {"type": "string", "enum": ["company", "team", "recipients"]},
        "work_title": {"type": "string", "maxLength": 200},
        "link_url": {"type": "string", "format": "uri"},
        "why_it_matters": {"type": "string", "maxLength": 500},
        "idempotency_key": {"type": "string", "maxLength": 64}}},
    "Kudos": {"type": "object", "properties": {
        "id": {"type": "integer"}, "kind": {"type": "string"}, "message": {"type": "string"},
        "giver": {"type": "object"}, "recipients": {"type": "array"},
        "value": {"type": ["object", "null"]}, "visibility": {"type": "string"},
        "status": {"type": "string"}, "created_at": {"type": "string", "format": "date-time"},
        "reactions": {"type": "object"}, "comments": {"type": "array"}}},
    "KudosPage": {"type": "object", "properties": {
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Kudos"}},
        "next_cursor": {"type": ["string", "null"]}}},
    "Charter": {"type": "object", "required": ["version", "language", "title", "body_html",
                                               "updated_at"], "properties": {
        "version": {"type": "integer", "minimum": 1},
        "language": {"type": "string"}, "title": {"type": "string"},
        "summary_html": {"type": "string", "description": "The essentials, for newcomers"},
        "body_html": {"type": "string", "description": "Sanitised HTML from Markdown"},
        "updated_at": {"type": ["string", "null"], "format": "date-time",
                       "description": "null for the default text, never changed"},
        "is_default": {"type": "boolean"}}},
    "CharterChange": {"type": "object", "required": ["language", "version", "body", "reason"],
                      "properties": {
        "language": {"type": "string", "enum": ["en", "fr"]},
        "version": {"type": "integer", "description": "The version read (409 when stale)"},
        "title": {"type": "string", "maxLength": 200},
        "summary": {"type": "string", "maxLength": 1500, "description": "Markdown"},
        "body": {"type": "string", "maxLength": 20000, "description": "Markdown"},
        "reason": {"type": "string", "maxLength": 500}}},
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
        "servers": [{"url": url_for("recognition.wall", _external=True).rstrip("/")}],
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
