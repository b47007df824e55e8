class UserFacingError(Exception):
    """A refusal a user caused and can fix; its message is safe to show as it is."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def wants_json(request) -> bool:
    """Scripts and the pages' own upload code ask for JSON; browsers following links do not."""
    return "application/json" in request.headers.get("Accept", "")
