class CertificateError(Exception):
    """A request the certificate services refuse; `message` is safe to show to the person."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
