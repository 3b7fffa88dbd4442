"""The responses every API operation of a kind shares, added to the OpenAPI document in one place (docs/api.md), so
that no area can leave one out:

- 401 on every operation that reads credentials, that is all but ``security: []``: those are the
  :func:`lms.security.same_for_everyone` endpoints, which ignore a token that is not valid;
- 403 ``insufficient_scope`` on every POST, PUT, PATCH and DELETE that reads credentials: a read-only API token
  (:func:`lms.web.auth.refuse_read_only_token`);
- 413 on every POST, PUT, PATCH and DELETE: a body larger than ``MAX_CONTENT_LENGTH``;
- 400, 415 and 422 on every operation that takes a JSON body (:mod:`lms.api.bodies`);
- the ``X-Token-Expires-At`` header on every response of an operation that reads credentials: sent when the bearer
  token expires within a week (:func:`lms.api.warn_of_token_expiry`);
- under ``/orgs/{org_slug}``, what 403 and 404 mean: an organisation one does not manage and one that does not exist
  answer the same 403, so no outsider learns which slugs exist; only a site administrator gets 404 for a slug.

An area's own description of one of these codes is kept (it may say more); only the organisation's 403 and 404 get
the shared words, which hold for every operation there.
"""

from __future__ import annotations

from typing import Any

_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
_WITH_BODY = {"post", "put", "patch", "delete"}
_ORG_PATH = "/orgs/{org_slug}"

UNAUTHORIZED = ("No valid credentials: none sent where they are needed (no bearer token, nobody signed in), a bearer "
                "token that is unknown, revoked or of a disabled account (invalid_token; also where signing in is "
                "optional), or an Authorization scheme other than Bearer. A token past its expiry date is refused "
                "the same way, with a message saying when it expired and expired_at beside code")
READ_ONLY = ("A read-only API token (insufficient_scope, with WWW-Authenticate: Bearer error=\"insufficient_scope\"): "
             "such a token may only read; nothing was done")
TOO_LARGE = "The request body is larger than the server accepts (MAX_CONTENT_LENGTH); nothing was done"
NOT_JSON = "The body is not sent as JSON (Content-Type: application/json); nothing was done"
BAD_JSON = "The body cannot be read as JSON (invalid_json, with the line and column) or is not the expected object"
UNKNOWN_FIELDS = ("The body has fields this operation does not take (unknown_fields; fields lists them); nothing was "
                  "done")
ORG_FORBIDDEN = ("You do not manage this organisation. An organisation that does not exist answers the same 403 "
                 "(to everyone but site administrators), so an address reveals nothing")
ORG_NOT_FOUND = ("Site administrators only: no organisation has this slug (anyone else gets 403); or nothing with "
                 "the id in the path belongs to it")


#: ``components.headers`` of the document: the header every answer to a token that expires within a week carries.
TOKEN_EXPIRES_HEADER = {
    "description": ("Sent only when the request came with a bearer token that expires within 7 days: the moment it "
                    "expires (RFC 3339, UTC), e.g. 2026-03-10T17:00:00Z. Create a new token on the API tokens page and "
                    "use it before then; after it, the token gets 401 invalid_token. The body is the same either way"),
    "schema": {"type": "string", "format": "date-time"},
}
_TOKEN_EXPIRES_REF = {"X-Token-Expires-At": {"$ref": "#/components/headers/X-Token-Expires-At"}}


def with_shared_responses(paths: dict[str, Any]) -> dict[str, Any]:
    """``paths`` with the shared responses added to every operation (copies: the areas' dicts stay untouched)."""
    return {path: {method: _operation(path, method, op) for method, op in operations.items()}
            for path, operations in paths.items()}


def _operation(path: str, method: str, op: dict[str, Any]) -> dict[str, Any]:
    shared = {}
    if op.get("security") != []:
        shared["401"] = UNAUTHORIZED
    if method in _WITH_BODY:
        shared["413"] = TOO_LARGE
    if "application/json" in op.get("requestBody", {}).get("content", {}):
        shared.update({"400": BAD_JSON, "415": NOT_JSON, "422": UNKNOWN_FIELDS})
    responses = {**op["responses"], **{code: {"description": text, "content": _ERROR}
                                       for code, text in shared.items() if code not in op["responses"]}}
    if path.startswith(_ORG_PATH + "/"):
        for code, text in (("403", ORG_FORBIDDEN), ("404", ORG_NOT_FOUND)):
            if code in responses:
                responses[code] = {**responses[code], "description": text}
    if method in _WITH_BODY and op.get("security") != []:
        said = responses.get("403", {}).get("description")
        responses["403"] = {"content": _ERROR, **responses.get("403", {}),
                            "description": f"{said}. Also: {READ_ONLY}" if said and said != "Error" else READ_ONLY}
    if op.get("security") != []:
        responses = {code: {**response, "headers": {**response.get("headers", {}), **_TOKEN_EXPIRES_REF}}
                     for code, response in responses.items()}
    return {**op, "responses": responses}
