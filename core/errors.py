"""The one shape of a refused change: each app's error (ListingError, RepairerError,
ReservationError, PrivacyError, RegistrationError) is a RefusedChange with a message for the
person and the HTTP status to answer, plus whatever else that app says about it."""


class RefusedChange(Exception):
    def __init__(self, message: str, *, status: int = 400):
        self.message = message
        self.status = status
        super().__init__(message)
