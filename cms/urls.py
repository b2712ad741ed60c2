"""Public content views that are not pages, inside the language prefix (composed by portal.urls)."""

from django.urls import path

from cms import views

urlpatterns = [path("registry/", views.registry, name="policy_registry")]
