# Moved to accounts.qr (a shared facility, issue 20). organisations.views still imports it from
# here while engineer "org" splits organisations; delete this module when that import is switched.
from accounts.qr import qr_svg

__all__ = ["qr_svg"]
