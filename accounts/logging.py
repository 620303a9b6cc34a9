"""Keep personal data out of the logs: e-mail addresses are masked in every record."""

import logging
import re

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


class ScrubPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is still logged, unformatted
            return True
        if EMAIL_RE.search(message):
            record.msg = EMAIL_RE.sub("[email]", message)
            record.args = ()
        return True
