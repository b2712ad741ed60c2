"""The public pages of submissions, inside the language prefix (composed by portal.urls). Every
kind that declares a public entry (`kind.public`) gets its stepped form at its own path."""

import functools

from django.urls import path

from forms.casework import registry
from forms.public import filing, views


def _filing_patterns() -> list:
    patterns = []
    for kind in sorted(registry.kinds(), key=lambda kind: kind.public.order if kind.public else 0):
        if kind.public is None:
            continue
        view = functools.partial(filing.file_submission, kind_slug=kind.slug)
        functools.update_wrapper(view, filing.file_submission)
        patterns.append(path(f"{kind.public.path}/", view, name=kind.public.url_name))
    return patterns


urlpatterns = [
    *_filing_patterns(),
    path("resume/<str:kind>/<str:token>/", filing.resume, name="intake_resume"),
    path(
        "help-request/received/<str:reference>/<str:key>/",
        views.help_received,
        name="intake_help_received",
    ),
    path(
        "complaint/received/<str:reference>/<str:key>/",
        views.complaint_received,
        name="intake_complaint_received",
    ),
    path("track/", views.track_lookup, name="intake_track_lookup"),
    path("track/code/", views.track_code, name="intake_track_code"),
    path("track/<str:kind>/<str:reference>/<str:key>/", views.track, name="intake_track"),
    path("track/help/<str:reference>/<str:key>/rate/", views.rate, name="intake_rate"),
    path("service-report/", views.service_report, name="intake_service_report"),
    path("complaints-report/", views.complaints_report, name="intake_complaints_report"),
    path(
        "track/help/<str:reference>/<str:key>/files/<int:attachment_id>/",
        views.attachment_download,
        name="intake_attachment",
    ),
    path(
        "track/<str:kind>/<str:reference>/<str:key>/files/<int:attachment_id>/",
        views.attachment_download,
        name="intake_track_attachment",
    ),
]
