"""Errors users can cause. Views turn them into a form error or a clean Chinese error page."""


class ApplicationError(Exception):
    """A user-caused error with a message fit to show (Chinese by default, translated)."""

    def __init__(self, message, *, details=None):
        super().__init__(message)
        self.message = message
        self.details = list(details or [])


class ValidationFailed(ApplicationError):
    """Input broke a rule; ``details`` lists every problem with where it is."""


class PermissionDeniedError(ApplicationError):
    """The acting user may not do this here."""


class StateError(ApplicationError):
    """The object is in a state that does not allow the action (e.g. a locked period)."""
