"""The routes of the submissions' API under /api/v1/ (composed by portal.api): filing for every
kind with a form, tracking, and the staff API for every registered kind."""

from django.urls import path, re_path

from forms.api import staff
from forms.api.delivery import DeliveryReportView
from forms.api.public import TrackingView, create_view
from forms.api.staff_search import StaffSearch
from forms.casework import registry

KIND = r"(?P<kind>[a-z][a-z-]*)"
REFERENCE = r"(?P<reference>[A-Z]{2,4}-[0-9]{4}-[0-9]{6})"
# /api/v1/staff/<kind>/<reference>/<what>: view, URL name
ONE_SUBMISSION = {
    "": (staff.StaffSubmissionDetail, "staff-submission"),
    "transitions/": (staff.StaffSubmissionTransition, "staff-submission-transition"),
    "notes/": (staff.StaffSubmissionNotes, "staff-submission-notes"),
    "assignee/": (staff.StaffSubmissionAssign, "staff-submission-assign"),
}

urlpatterns = [
    *[
        path(f"{kind.api_slug}/", create_view(kind).as_view(), name=kind.api_slug)
        for kind in registry.kinds()
        if kind.fields
    ],
    path("track/<str:kind>/<str:reference>/", TrackingView.as_view(), name="tracking"),
    path("messages/delivery-report/", DeliveryReportView.as_view(), name="message-delivery-report"),
    path("staff/search/", StaffSearch.as_view(), name="staff-search"),
    re_path(rf"^staff/{KIND}/$", staff.StaffSubmissionList.as_view(), name="staff-submissions"),
    *[
        re_path(rf"^staff/{KIND}/{REFERENCE}/{what}$", view.as_view(), name=name)
        for what, (view, name) in ONE_SUBMISSION.items()
    ],
]
