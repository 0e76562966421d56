"""Errors that operations raise and views translate (into a form message or a JSON error)."""


class DomainError(Exception):
    """Base of every refusal an operation can give."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Invalid(DomainError):
    """Input that breaks a rule; `field` names the form or JSON field at fault."""

    status = 422
    code = "validation_error"

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
