from django.dispatch import Signal

#: Sent after a person deleted their account and their row was anonymised.
#: kwargs: user (the anonymised row). Other apps remove the personal data they keep.
account_anonymised = Signal()
