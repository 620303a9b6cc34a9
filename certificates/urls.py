"""Included without a namespace inside i18n_patterns (base.html links to `verify_lookup`).
/verify/<code> is the address printed on certificates and encoded in their QR codes."""

from django.urls import path

from . import views

urlpatterns = [
    path("certificaten/", views.certificate_list, name="certificate_list"),
    path("certificaten/zip/", views.archive_create, name="certificate_archive_create"),
    path("certificaten/zip/<uuid:public_id>/", views.archive_detail, name="certificate_archive"),
    path(
        "certificaten/zip/<uuid:public_id>/download/",
        views.archive_download,
        name="certificate_archive_download",
    ),
    path("certificaten/beheer/", views.staff_search, name="certificates_admin"),
    path(
        "certificaten/beheer/herdrukken/",
        views.staff_reissue_start,
        name="certificates_admin_reissue",
    ),
    path(
        "certificaten/beheer/herdrukken/<int:pk>/",
        views.staff_job,
        name="certificates_admin_job",
    ),
    path(
        "certificaten/beheer/<str:code>/",
        views.staff_detail,
        name="certificates_admin_detail",
    ),
    path(
        "certificaten/beheer/<str:code>/intrekken/",
        views.staff_revoke,
        name="certificates_admin_revoke",
    ),
    path("certificaten/<str:code>/", views.certificate_detail, name="certificate_detail"),
    path("certificaten/<str:code>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path(
        "certificaten/<str:code>/naam/",
        views.certificate_name_correct,
        name="certificate_name_correct",
    ),
    path("verify/", views.verify_lookup, name="verify_lookup"),
    path("verify/<str:code>", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify),
]
