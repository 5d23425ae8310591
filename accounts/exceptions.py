"""Domain errors raised by services; views turn them into French messages."""


class ApplicationError(Exception):
    """A business rule refused an action. ``message`` is shown to the user as is."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class PolicyViolation(ApplicationError):
    """A service was asked to grant something the permission policy does not allow."""
