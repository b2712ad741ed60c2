"""The public pages of submissions, inside the language prefix (composed by portal.urls)."""

from django.urls import path

from forms.public import views

urlpatterns = [
    path("help-request/", views.help_request, name="intake_help_request"),
    path(
        "help-request/received/<str:reference>/<str:key>/",
        views.help_received,
        name="intake_help_received",
    ),
    path("volunteer/", views.volunteer_application, name="intake_volunteer"),
    path("complaint/", views.complaint, name="intake_complaint"),
    path(
        "complaint/received/<str:reference>/<str:key>/",
        views.complaint_received,
        name="intake_complaint_received",
    ),
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
