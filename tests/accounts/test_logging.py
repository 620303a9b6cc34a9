import json
import logging

from pythonjsonlogger.json import JsonFormatter

from accounts.logging import ScrubPersonalDataFilter


def test_log_records_never_contain_email_addresses(capsys):
    logger = logging.getLogger("tests.pii")
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter("%(levelname)s %(name)s %(message)s"))
    handler.addFilter(ScrubPersonalDataFilter())
    logger.addHandler(handler)
    try:
        logger.warning("login failed for %s", "jan.jansen+test@example.org")
    finally:
        logger.removeHandler(handler)
    line = capsys.readouterr().err.strip()
    record = json.loads(line)
    assert "example.org" not in line
    assert record["message"] == "login failed for [email]"
