"""URLs: language-prefixed public pages (/ar/, /en/); admin, API and documents without a prefix."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from portal import views

urlpatterns = [
    # Some of Wagtail's admin screens, in the association's scope, at Wagtail's own addresses.
    path("admin/", include("portal.accounts.admin_urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/", include("portal.api")),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("theme.css", views.theme_css, name="theme_css"),
    path(
        "favicon.ico",
        RedirectView.as_view(url=f"{settings.STATIC_URL}portal/favicon.svg", permanent=True),
    ),
]

if settings.SERVE_PUBLIC_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", views.public_media, name="media"),
    ]

# Wagtail's catch-all comes last, inside the language prefix. A bare "/" is answered by
# LocaleMiddleware, which redirects by the browser's language and falls back to Arabic.
urlpatterns += i18n_patterns(
    path("", include("search.site.urls")),
    path("", include("cms.urls")),
    path("", include("forms.public.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

handler400 = "portal.views.bad_request"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
