# Moved to accounts.pdf (a shared facility, issue 20). organisations.views still imports it from
# here while engineer "org" splits organisations; delete this module when that import is switched.
from accounts.pdf import pdf_render

__all__ = ["pdf_render"]
