"""The OpenAPI 3.1 document of /api/v1.

Two tests hold it true: every API route is in it (tests/api/test_api.py), and a client
nobody here wrote (Schemathesis, tests/api/test_contract.py) sends generated requests to
every operation on a live server and fails on any status, header or body the document does
not describe.

An operation declares its own answers (its successes, and the refusals of its rules: 403,
404, 409, 422, 429). The answers every operation can give are added by `common_responses`:
400 (input no field can hold), 401 (no valid credentials), 403 (a route for leads or
admins), 404 (an id in the path that is not there), 413 (a body over the size limit), 422
(parameters or a body that break a rule), 503 (the database away, with Retry-After).
"""

from flask import current_app, url_for

ERROR = {"$ref": "#/components/schemas/Error"}
RETRY_AFTER = {"Retry-After": {
    "required": True, "schema": {"type": "integer", "minimum": 0},
    "description": "Seconds to wait before trying again (also `retry_after` in the body)."}}


def _error(description: str, *, retry_after: bool = False) -> dict:
    answer = {"description": description,
              "content": {"application/json": {"schema": ERROR}}}
    if retry_after:
        answer["headers"] = RETRY_AFTER
    return answer


def _ok(description: str, schema: str | None = None) -> dict:
    body = {"description": description}
    if schema:
        ref = {"$ref": f"#/components/schemas/{schema}"}
        body["content"] = {"application/json": {"schema": ref}}
    return body


def _body(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _id(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


PAGE_PARAMS = [
    {"name": "cursor", "in": "query", "schema": {"type": "string"},
     "description": "Opaque; the `next_cursor` of the previous page."},
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
]
IDEMPOTENCY_KEY = {"name": "Idempotency-Key", "in": "header",
                   "schema": {"type": "string", "maxLength": 64}}
KUDOS_ID = [_id("kudos_id")]
COOLDOWN = _error("A cooldown: `retry_after` seconds (also the Retry-After header) and a "
                  "human message saying when", retry_after=True)

PATHS = {
    "/api/v1/openapi.json": {
        "get": {"summary": "This document", "security": [],
                "responses": {"200": _ok("The OpenAPI document")}},
    },
    "/api/v1/me": {
        "get": {"summary": "The caller", "responses": {"200": _ok("The caller", "User")}},
    },
    "/api/v1/tokens": {
        "get": {"summary": "The caller's live personal tokens (secrets are never shown again)",
                "responses": {"200": _ok("Tokens", "TokenPage")}},
        "post": {
            "summary": "Create a personal token (from a signed-in browser session only)",
            "requestBody": _body({"type": "object", "required": ["name"],
                                  "properties": {"name": {"type": "string", "maxLength": 80}}}),
            "responses": {"201": _ok("The new token; `token` is shown this once", "NewToken"),
                          "400": _error("A browser call without its CSRF token "
                                        "(`csrf_failed`), or input no field can hold"),
                          "403": _error("Called with a token instead of a session"),
                          "422": _error("Invalid name")},
        },
    },
    "/api/v1/tokens/{token_id}": {
        "delete": {"summary": "Revoke one of the caller's tokens",
                   "parameters": [_id("token_id")],
                   "responses": {"204": {"description": "Revoked"},
                                 "404": _error("Not one of the caller's live tokens")}},
    },
    "/api/v1/users": {
        "get": {"summary": "Colleagues by name or email (hidden profiles excluded)",
                "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}},
                               *PAGE_PARAMS],
                "responses": {"200": _ok("A page of colleagues", "UserPage")}},
    },
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
            "parameters": [IDEMPOTENCY_KEY],
            "requestBody": _body({"$ref": "#/components/schemas/NewKudos"}),
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
                                 "403": _error("The caller reads it but did not give it"),
                                 "404": _error("Unknown, or not visible to the caller"),
                                 "422": _error("Edit window over, already withdrawn or "
                                               "hidden, or reason missing")}},
    },
    "/api/v1/kudos/{kudos_id}/reactions": {
        "post": {"summary": "React (`applause` or `plus_one`, which co-signs); a second "
                            "identical reaction is not counted twice",
                 "parameters": KUDOS_ID,
                 "requestBody": _body({"type": "object", "required": ["kind"], "properties": {
                     "kind": {"type": "string", "enum": ["applause", "plus_one"]}}}),
                 "responses": {"201": _ok("Reaction counts", "Reactions"),
                               "404": _error("Unknown, or not visible to the caller"),
                               "422": _error("Unknown kind, co-signing one's own, or a kudos "
                                             "not published")}},
    },
    "/api/v1/kudos/{kudos_id}/reactions/{kind}": {
        "delete": {"summary": "Take a reaction back",
                   "parameters": [*KUDOS_ID, {"name": "kind", "in": "path", "required": True,
                                              "schema": {"type": "string"}}],
                   "responses": {"204": {"description": "Removed (or there was none)"},
                                 "404": _error("Unknown, or not visible to the caller"),
                                 "422": _error("Unknown kind")}},
    },
    "/api/v1/kudos/{kudos_id}/comments": {
        "post": {"summary": "Comment (plain text, up to 500 characters)",
                 "parameters": KUDOS_ID,
                 "requestBody": _body({"type": "object", "required": ["body"], "properties": {
                     "body": {"type": "string", "minLength": 1, "maxLength": 500}}}),
                 "responses": {"201": _ok("The comment", "Comment"),
                               "404": _error("Unknown, or not visible to the caller"),
                               "422": _error("Empty or too long, or a kudos not published")}},
    },
    "/api/v1/news": {
        "get": {"summary": "Published news, the caller's followed topics first",
                "parameters": PAGE_PARAMS,
                "responses": {"200": _ok("A page of news", "NewsPage")}},
        "post": {"summary": "Leads and admins publish; members propose (status `proposed`)",
                 "requestBody": _body({"type": "object", "required": ["title"], "properties": {
                     "title": {"type": "string", "maxLength": 200},
                     "summary": {"type": "string", "maxLength": 500},
                     "url": {"type": "string", "format": "uri"},
                     "body": {"type": "string", "description": "Markdown"},
                     "topic_id": {"type": ["integer", "null"]},
                     "campaign_id": {"type": ["integer", "null"]},
                     "public": {"type": "boolean"}}}),
                 "responses": {"201": _ok("The item", "News"),
                               "422": _error("Invalid field")}},
    },
    "/api/v1/news/{news_id}/publish": {
        "post": {"summary": "Publish a proposal or a watch draft (leads and admins)",
                 "parameters": [_id("news_id")],
                 "responses": {"200": _ok("Published", "News"),
                               "404": _error("Unknown"),
                               "422": _error("Already published, or archived")}},
    },
    "/api/v1/news/{news_id}/relays": {
        "post": {"summary": "Relay an item: a tracked link, the network's share URL, and the "
                            "hints the page shows (audience care, the weekly budget)",
                 "parameters": [_id("news_id"), IDEMPOTENCY_KEY],
                 "requestBody": _body({"type": "object", "required": ["channel"], "properties": {
                     "channel": {"type": "string", "enum": [
                         "internal", "linkedin", "x", "email", "copy"]},
                     "comment": {"type": "string", "maxLength": 1000},
                     "idempotency_key": {"type": "string", "maxLength": 64}}}),
                 "responses": {"201": _ok("The relay", "Relay"),
                               "200": _ok("Already relayed with this idempotency key", "Relay"),
                               "404": _error("Unknown, or a proposal of someone else"),
                               "422": _error("Unknown channel, or not published")}},
    },
    "/r/{token}": {
        "get": {"summary": "A tracked link: counts a click and redirects (302) to the item's "
                           "stored link; no sign-in", "security": [],
                "parameters": [{"name": "token", "in": "path", "required": True,
                                "schema": {"type": "string"}}],
                "responses": {"302": {"description": "To the article, with UTM parameters",
                                      "headers": {"Location": {
                                          "required": True, "schema": {"type": "string"}}}},
                              "404": {"description": "Unknown or withdrawn link (a page)"}}},
    },
    "/api/v1/campaigns": {
        "get": {"summary": "Campaigns the caller sees", "parameters": PAGE_PARAMS,
                "responses": {"200": _ok("A page of campaigns", "CampaignPage")}},
        "post": {"summary": "Create a campaign (leads for their teams, admins company-wide); "
                            "per-person goals, prizes, points and rankings are refused "
                            "(`no_carrot`)",
                 "requestBody": _body({
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
                         "value_ids": {"type": "array", "items": {"type": "integer"}},
                         "launch": {"type": "boolean"}}}),
                 "responses": {"201": _ok("The campaign", "Campaign"),
                               "403": _error("Not a lead of that team"),
                               "404": _error("An unknown team or value"),
                               "422": _error("Invalid, out of the attention budget, or a "
                                             "carrot (`no_carrot`)")}},
    },
    "/api/v1/campaigns/{campaign_id}/health": {
        "get": {"summary": "Progress to the collective goal, participation in aggregate "
                           "(null until `participation_shown_from` people took part), phase",
                "parameters": [_id("campaign_id")],
                "responses": {"200": _ok("Health", "Health"),
                              "404": _error("Unknown, or not in the caller's scope")}},
    },
    "/api/v1/insights/fatigue": {
        "get": {"summary": "Phase, score, evidence and suggestions of a scope (breadth, "
                           "concentration and series null below `figures_shown_from` "
                           "people)",
                "parameters": [{"name": "scope", "in": "query", "schema": {"type": "string"},
                                "description": "me, company, team:<id>, campaign:<id>"}],
                "responses": {"200": _ok("The reading", "Fatigue"),
                              "403": _error("Not yours to see"),
                              "404": _error("An unknown team or campaign"),
                              "422": _error("A scope that is none of those")}},
    },
    "/api/v1/admin/rules": {
        "get": {"summary": "The anti-fatigue rule set and its version",
                "responses": {"200": _ok("Rules", "Rules")}},
        "put": {"summary": "Change rules from a version, with a reason (audited)",
                "requestBody": _body({"type": "object", "required": ["version", "rules",
                                                                     "reason"]}),
                "responses": {"200": _ok("The new rules", "Rules"),
                              "409": _error("Changed by someone else since that version"),
                              "422": _error("Out of bounds (field and bounds named)")}},
    },
    "/api/v1/admin/rules/preview": {
        "post": {"summary": "What proposed rules would have refused, sent or held over the "
                            "last 30 or 90 days, beside the current rules",
                 "requestBody": _body({"type": "object", "properties": {
                     "rules": {"type": "object"}, "days": {"enum": [30, 90]}}}),
                 "responses": {"200": _ok("The comparison", "RulesPreview"),
                               "422": _error("Out of bounds")}},
    },
    "/api/v1/notifications": {
        "get": {"summary": "The caller's notifications, newest first",
                "parameters": PAGE_PARAMS,
                "responses": {"200": _ok("A page of notifications", "NotificationPage")}},
    },
}


LANGUAGE = {"name": "language", "in": "query", "schema": {"type": "string", "enum": ["en", "fr"]},
            "description": "One of the app's languages; the caller's by default."}

PATHS.update({
    "/api/v1/charter": {
        "get": {"summary": "The programme's charter in one language: what being an ambassador "
                           "means here (reading it is never recorded)",
                "parameters": [LANGUAGE],
                "responses": {"200": _ok("The charter", "Charter"),
                              "422": _error("Not one of the app's languages")}},
    },
    "/api/v1/admin/charter": {
        "put": {"summary": "A new version of the charter in one language, made from the version "
                           "read; audited with the reason. A title or summary left out stays.",
                "requestBody": _body({"$ref": "#/components/schemas/CharterChange"}),
                "responses": {"200": _ok("The new version", "Charter"),
                              "409": _error("Someone saved another version since that one"),
                              "422": _error("Invalid field (named in `field`): empty, too long, "
                                            "or unsafe Markdown")}},
    },
})


def _page(item: str) -> dict:
    return {"type": "object", "required": ["items", "next_cursor"], "properties": {
        "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}},
        "next_cursor": {"type": ["string", "null"]}}}


DATE_TIME = {"type": "string", "format": "date-time"}
MAYBE_DATE_TIME = {"type": ["string", "null"], "format": "date-time"}

SCHEMAS = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": {"type": "string", "enum": [
            "validation_error", "cooldown", "forbidden", "not_found", "unauthenticated",
            "csrf_failed", "conflict", "rate_limited", "bad_request", "server_error",
            "no_carrot", "too_large", "unavailable", "method_not_allowed"]},
            "message": {"type": "string"},
            "field": {"type": "string", "description": "The field at fault, when one is"},
            "retry_after": {"type": "integer", "description": "With 429 and 503: seconds"}}}}},
    "Person": {"type": "object", "required": ["id", "name"], "properties": {
        "id": {"type": ["integer", "null"],
               "description": "null for someone who hid their profile (named \"a colleague\")"},
        "name": {"type": "string"}}},
    "User": {"type": "object", "required": ["id", "email", "name", "role", "team_id",
                                            "timezone"], "properties": {
        "id": {"type": "integer"}, "email": {"type": "string"}, "name": {"type": "string"},
        "role": {"type": "string", "enum": ["member", "lead", "admin"]},
        "team_id": {"type": ["integer", "null"]}, "timezone": {"type": "string"}}},
    "UserPage": _page("User"),
    "Token": {"type": "object", "required": ["id", "name", "prefix", "created_at"],
              "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                             "prefix": {"type": "string"}, "created_at": DATE_TIME,
                             "last_used_on": {"type": ["string", "null"], "format": "date"}}},
    "TokenPage": _page("Token"),
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
    "NewToken": {"type": "object", "required": ["id", "name", "token", "created_at"],
                 "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                                "token": {"type": "string"}, "created_at": DATE_TIME}},
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
    "Reactions": {"type": "object", "required": ["applause", "plus_one", "mine"],
                  "properties": {"applause": {"type": "integer", "minimum": 0},
                                 "plus_one": {"type": "integer", "minimum": 0},
                                 "mine": {"type": "array", "items": {
                                     "type": "string", "enum": ["applause", "plus_one"]}}}},
    "Comment": {"type": "object", "required": ["id", "author", "body", "created_at"],
                "properties": {"id": {"type": "integer"},
                               "author": {"$ref": "#/components/schemas/Person"},
                               "body": {"type": "string"}, "created_at": DATE_TIME}},
    "Kudos": {"type": "object", "required": [
        "id", "kind", "message", "giver", "recipients", "visibility", "status", "created_at",
        "reactions", "comments"], "properties": {
        "id": {"type": "integer"}, "kind": {"type": "string", "enum": ["kudos", "highlight"]},
        "message": {"type": "string"},
        "giver": {"$ref": "#/components/schemas/Person"},
        "recipients": {"type": "array", "items": {"$ref": "#/components/schemas/Person"}},
        "value": {"type": ["object", "null"], "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"}}},
        "visibility": {"type": "string", "enum": ["company", "team", "recipients"]},
        "status": {"type": "string", "enum": ["published", "pending", "withdrawn", "hidden"]},
        "work_title": {"type": ["string", "null"]}, "link_url": {"type": ["string", "null"]},
        "why_it_matters": {"type": ["string", "null"]},
        "created_at": DATE_TIME, "edited_at": MAYBE_DATE_TIME,
        "reactions": {"$ref": "#/components/schemas/Reactions"},
        "comments": {"type": "array", "items": {"$ref": "#/components/schemas/Comment"}}}},
    "KudosPage": _page("Kudos"),
    "News": {"type": "object", "required": ["id", "title", "status"], "properties": {
        "id": {"type": "integer"}, "title": {"type": "string"},
        "summary": {"type": ["string", "null"]}, "body": {"type": ["string", "null"]},
        "url": {"type": ["string", "null"]}, "topic_id": {"type": ["integer", "null"]},
        "public": {"type": "boolean"},
        "status": {"type": "string", "enum": ["draft", "proposed", "published", "archived"]},
        "proposed_by": {"oneOf": [{"$ref": "#/components/schemas/Person"}, {"type": "null"}]},
        "published_at": MAYBE_DATE_TIME}},
    "NewsPage": _page("News"),
    "Relay": {"type": "object", "required": [
        "relay_id", "tracked_url", "share_url", "caption", "audience_care", "weekly_budget"],
        "properties": {
            "relay_id": {"type": "integer"}, "tracked_url": {"type": "string"},
            "share_url": {"type": ["string", "null"],
                          "description": "null for internal relays and copied links"},
            "caption": {"type": "string"},
            "audience_care": {
                "type": "object",
                "required": ["teammates_shared_today", "suggest_waiting", "message"],
                "description": "Teammates already sharing it outside today: a hint to wait "
                               "a day, never a refusal",
                "properties": {"teammates_shared_today": {"type": "integer", "minimum": 0},
                               "suggest_waiting": {"type": "boolean"},
                               "message": {"type": ["string", "null"]}}},
            "weekly_budget": {
                "type": ["object", "null"],
                "description": "The weekly relay budget the caller set themselves (null "
                               "without one); a reminder once reached, never a wall",
                "required": ["budget", "used", "reached", "message"],
                "properties": {"budget": {"type": "integer"}, "used": {"type": "integer"},
                               "reached": {"type": "boolean"},
                               "message": {"type": ["string", "null"]}}}}},
    "Campaign": {"type": "object", "required": [
        "id", "title", "scope_team_id", "starts_on", "ends_on", "goal_kind", "goal_target",
        "status"], "properties": {
        "id": {"type": "integer"}, "title": {"type": "string"}, "theme": {"type": "string"},
        "description": {"type": "string"}, "kind": {"type": "string"},
        "scope_team_id": {"type": ["integer", "null"]},
        "starts_on": {"type": "string", "format": "date"},
        "ends_on": {"type": "string", "format": "date"},
        "goal_kind": {"type": "string"}, "goal_target": {"type": "integer"},
        "status": {"type": "string"},
        "value_ids": {"type": "array", "items": {"type": "integer"}}}},
    "CampaignPage": _page("Campaign"),
    "Health": {"type": "object", "required": [
        "id", "status", "progress", "participation", "participation_shown_from", "phase",
        "series"], "properties": {
        "id": {"type": "integer"}, "status": {"type": "string"},
        "progress": {"type": "object", "required": ["value", "target", "percent", "reached"],
                     "properties": {"value": {"type": "integer"},
                                    "target": {"type": "integer"},
                                    "percent": {"type": "integer"},
                                    "reached": {"type": "boolean"}}},
        "participation": {"type": ["object", "null"], "properties": {
            "took_part": {"type": "integer"}, "of": {"type": "integer"}}},
        "participation_shown_from": {"type": "integer"},
        "phase": {"type": ["string", "null"]},
        "series": {"type": "array", "items": {"type": "object", "properties": {
            "day": {"type": "string", "format": "date"}, "kudos": {"type": "integer"},
            "relays": {"type": "integer"}}}}}},
    "Fatigue": {"type": "object", "required": ["scope", "phase", "score", "evidence",
                                               "suggestions", "figures_shown",
                                               "figures_shown_from"], "properties": {
        "scope": {"type": "string"}, "phase": {"type": "string"},
        "score": {"type": "number"}, "confidence": {"type": "number"},
        "enough_data": {"type": "boolean"},
        "evidence": {"type": "object", "properties": {
            "since": {"type": ["string", "null"], "format": "date"},
            "recent_mean": {"type": ["number", "null"]},
            "usual_mean": {"type": ["number", "null"]},
            "ratio": {"type": ["number", "null"]},
            "breadth": {"type": ["object", "null"], "properties": {
                "recent": {"type": "integer"}, "usual": {"type": "integer"},
                "of": {"type": "integer"}}},
            "concentration": {"type": ["number", "null"]},
            "series": {"type": ["array", "null"], "items": {"type": "integer"}},
            "phases": {"type": "array", "items": {"type": "string"}},
            "start": {"type": "string", "format": "date"}},
            "description": "`breadth`, `concentration` and `series` are null when "
                           "`figures_shown` is false."},
        "suggestions": {"type": "array", "items": {"type": "object"}},
        "figures_shown": {"type": "boolean",
                          "description": "False for a group (team, campaign, company) of "
                                         "fewer than `figures_shown_from` people: the "
                                         "figures that could single a person out are null. "
                                         "Always true for `me`."},
        "figures_shown_from": {"type": "integer"}}},
    "Rules": {"type": "object", "required": ["version", "rules"], "properties": {
        "version": {"type": "integer"}, "rules": {"type": "object"}}},
    "RulesPreview": {"type": "object", "required": ["days"], "properties": {
        "days": {"type": "integer", "enum": [30, 90]}}},
    "Notification": {"type": "object", "required": ["id", "kind", "created_at"], "properties": {
        "id": {"type": "integer"}, "kind": {"type": "string"},
        "kudos_id": {"type": ["integer", "null"]},
        "actor": {"oneOf": [{"$ref": "#/components/schemas/Person"}, {"type": "null"}]},
        "created_at": DATE_TIME, "read_at": MAYBE_DATE_TIME}},
    "NotificationPage": _page("Notification"),
}


def _access_levels() -> dict[tuple[str, str], str]:
    """(OpenAPI path, method) -> the access level its view declares (`@access`)."""
    levels = {}
    for rule in current_app.url_map.iter_rules():
        view = current_app.view_functions.get(rule.endpoint)
        path = rule.rule
        for converter in rule.arguments:
            path = path.replace(f"<int:{converter}>", f"{{{converter}}}").replace(
                f"<{converter}>", f"{{{converter}}}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            levels[(path, method.lower())] = getattr(view, "kudos_access", "user")
    return levels


def common_responses(path: str, method: str, operation: dict, level: str) -> dict:
    """The answers any operation can give, from what it is: its path, parameters, body,
    and who may call it. An operation's own entry for a status wins."""
    api = path.startswith("/api/")

    def error(description: str, *, retry_after: bool = False) -> dict:
        if api:
            return _error(description, retry_after=retry_after)
        answer = {"description": description + " (a page)"}  # outside the API: HTML
        if retry_after:
            answer["headers"] = RETRY_AFTER
        return answer

    answers = {"400": error("Input no field can hold: a NUL character, a number past what "
                            "the database stores, text that is not text")}
    if operation.get("security") != []:
        answers["401"] = error("No valid credentials: sign in, or send a personal token")
    if level in ("lead", "admin"):
        answers["403"] = error(f"Open to {'leads and admins' if level == 'lead' else 'admins'}"
                               " only")
    parameters = operation.get("parameters", [])
    if any(p["in"] == "path" for p in parameters):
        answers["404"] = error("No such record (or not one the caller may see)")
    if "requestBody" in operation:
        answers["413"] = error("The body is over the size limit")
    if "requestBody" in operation or any(p["in"] == "query" for p in parameters):
        answers["422"] = error("A parameter or a field that breaks a rule (named in `field`)")
    answers["503"] = error("The database is away for a moment: try again after Retry-After "
                           "seconds (`retry_after` in the body)", retry_after=True)
    return {**answers, **operation["responses"]}


def _paths() -> dict:
    levels = _access_levels()
    paths = {}
    for path, operations in PATHS.items():
        paths[path] = {}
        for method, operation in operations.items():
            level = levels.get((path, method), "user")
            responses = common_responses(path, method, operation, level)
            paths[path][method] = {**operation, "responses": dict(sorted(responses.items()))}
    return paths


def spec() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Kudos API", "version": "1",
                 "description": "Recognition and employee advocacy. Errors are "
                                "`{\"error\": {\"code\", \"message\", \"field\"?}}`; 429 and "
                                "503 carry `Retry-After` (and `retry_after` in the body)."},
        "servers": [{"url": url_for("recognition.wall", _external=True).rstrip("/")}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": _paths(),
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
