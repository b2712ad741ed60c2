"""The public site-search page, inside the language prefix (composed by portal.urls)."""

from django.urls import path

from search.site import views

urlpatterns = [path("search/", views.site_search, name="site_search")]
