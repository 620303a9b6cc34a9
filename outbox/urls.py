from django.urls import path

from . import views

urlpatterns = [
    path("beheer/vastgelopen-werk/", views.stuck_work, name="outbox_stuck"),
    path("beheer/vastgelopen-werk/<int:pk>/opnieuw/", views.stuck_work_retry, name="outbox_retry"),
]
