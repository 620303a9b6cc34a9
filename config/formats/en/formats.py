"""English input formats that also read the admin's Dutch-style dates (WAGTAIL_DATE_FORMAT and
WAGTAIL_DATETIME_FORMAT in settings): an editor whose admin is in English types and sees the
same 20-12-2026 10:00 as a Dutch colleague. Every other format is Django's English one."""

from django.conf.locale.en import formats as english

DATE_INPUT_FORMATS = ["%d-%m-%Y", *english.DATE_INPUT_FORMATS]
DATETIME_INPUT_FORMATS = ["%d-%m-%Y %H:%M", "%d-%m-%Y %H:%M:%S", *english.DATETIME_INPUT_FORMATS]
