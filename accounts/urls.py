from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.account_settings, name="settings"),
    path("gegevens/", views.personal_data_export, name="export"),
    path("verwijderen/", views.account_delete, name="delete"),
    path("tokens/", views.access_token_create, name="token_create"),
    path("tokens/<int:pk>/intrekken/", views.access_token_revoke, name="token_revoke"),
]
