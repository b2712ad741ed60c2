"""Public pages of submissions: the forms, the receipt, tracking by secret link (with the answer
to a question from staff, the applicant's documents and the rating), the service report and
the complaints report."""

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from forms import reports
from forms.attachments import download_response
from forms.casework import registry, selectors
from forms.casework.information import submission_answer_information
from forms.casework.tracking import (
    tracking_code_check,
    tracking_code_request,
    tracking_link_resend,
)
from forms.kinds.complaint import COMPLAINTS
from forms.kinds.help import HELP_REQUESTS
from forms.public.forms import (
    InformationAnswerForm,
    SatisfactionForm,
    TrackCodeForm,
    TrackLookupForm,
)
from forms.satisfaction import satisfaction_record
from portal.core.dates import to_ascii_digits
from portal.core.ratelimit import allow, client_ip

TRACKING_PER_IP_PER_10_MINUTES = 30
LOOKUPS_PER_IP_PER_HOUR = 10
LOOKUPS_PER_REFERENCE_PER_HOUR = 5
CODE_TRIES_PER_IP_PER_HOUR = 20
LOOKUP_COOKIE = "sila_track_lookup"


def _language() -> str:
    return (get_language() or "ar")[:2]


def _add_errors(form, error: ValidationError) -> None:
    """A refusal from a service shown on the form, which keeps what the applicant typed."""
    errors = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, messages in errors.items():
        form.add_error(field if field in form.fields else None, messages)


def complaint_received(request, reference, key):
    """The receipt: for an anonymous sender, the only place the reference and the secret link
    are ever given."""
    submission = selectors.submission_tracked(
        kind_slug=COMPLAINTS.slug, reference=reference, key=key
    )
    if submission is None:
        return render(request, "intake/link_invalid.html", status=404)
    track_url = reverse("intake_track", args=[COMPLAINTS.slug, reference, key])
    return render(
        request,
        "intake/complaint_received.html",
        {"submission": submission, "track_url": track_url},
    )


def _tracking_page(submission) -> str:
    args = [registry.of(submission).slug, submission.reference, submission.tracking_key]
    return reverse("intake_track", args=args)


def help_received(request, reference, key):
    submission = selectors.submission_tracked(
        kind_slug=HELP_REQUESTS.slug, reference=reference, key=key
    )
    if submission is None:
        return render(request, "intake/link_invalid.html", status=404)
    return render(
        request,
        "intake/help_received.html",
        {
            "submission": submission,
            "track_url": reverse("intake_track", args=[HELP_REQUESTS.slug, reference, key]),
        },
    )


def track(request, kind, reference, key):
    if not allow(
        scope="track-ip", key=client_ip(request), limit=TRACKING_PER_IP_PER_10_MINUTES, window=600
    ):
        return render(request, "intake/link_invalid.html", {"rate_limited": True}, status=429)
    submission = selectors.submission_tracked(kind_slug=kind, reference=reference, key=key)
    if submission is None:
        return render(request, "intake/link_invalid.html", status=404)
    declared = registry.of(submission)
    current = declared.stage_of(submission.status)
    context = {
        "submission": submission,
        "kind": declared,
        "stages": [
            {
                "title": title,
                "next": next_step,
                "state": "done"
                if current is not None and index < current
                else "current"
                if index == current
                else "",
            }
            for index, (title, _statuses, next_step) in enumerate(declared.stages)
        ],
        "events": submission.public_events,
        "statuses": dict(declared.Status.choices),
        "can_rate": selectors.can_rate(submission),
        "attachments": submission.attachments.all() if declared.accepts_attachments else [],
    }
    if declared.waiting_status and submission.status == declared.waiting_status:
        form = InformationAnswerForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                submission_answer_information(
                    submission=submission,
                    answer=form.cleaned_data["answer"],
                    attachments=form.cleaned_data["attachments"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return redirect(request.path)
        context["answer_form"] = form
        context["question"] = selectors.question(submission)
    return render(
        request,
        "intake/track.html",
        context,
        status=400 if context.get("answer_form") and context["answer_form"].errors else 200,
    )


def attachment_download(request, reference, key, attachment_id, kind=HELP_REQUESTS.slug):
    """The applicant's own documents, through their tracking link only."""
    submission = selectors.submission_tracked(kind_slug=kind, reference=reference, key=key)
    attachment = submission.attachments.filter(pk=attachment_id).first() if submission else None
    if attachment is None:
        return render(request, "intake/link_invalid.html", status=404)
    return download_response(attachment, reference=submission.reference)


def rate(request, reference, key, kind=HELP_REQUESTS.slug):
    """The applicant rates the service once their submission is closed; once per submission."""
    submission = selectors.submission_tracked(kind_slug=kind, reference=reference, key=key)
    if submission is None:
        return render(request, "intake/link_invalid.html", status=404)
    track_url = reverse("intake_track", args=[kind, reference, key])
    if submission.rating is not None:
        return render(request, "intake/rate.html", {"submission": submission, "done": True})
    if not selectors.can_rate(submission):
        return redirect(track_url)
    form = SatisfactionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            satisfaction_record(submission=submission, data=form.cleaned_data, language=_language())
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            return render(request, "intake/rate.html", {"submission": submission, "done": True})
    return render(
        request,
        "intake/rate.html",
        {"submission": submission, "form": form, "track_url": track_url},
        status=400 if form.errors else 200,
    )


def complaints_report(request):
    """Public: complaints and suggestions of one year by theme, and how fast they were
    answered (aggregates only)."""
    years = reports.complaint_years()
    year = to_ascii_digits(request.GET.get("year", ""))
    year = int(year) if year.isdigit() and int(year) in years else years[0]
    key = f"intake:complaints-report:{year}:{_language()}"
    report = cache.get(key)
    if report is None:
        report = reports.complaints_report(year=year)
        cache.set(key, report, 600)
    return render(request, "intake/complaints_report.html", {"report": report, "years": years})


def service_report(request):
    """Public: what the policy promises for each type of request against what happened."""
    key = f"intake:service-report:{_language()}"
    report = cache.get(key)
    if report is None:
        report = reports.service_report()
        cache.set(key, report, 600)
    return render(request, "intake/service_report.html", {"report": report})


def track_lookup(request):
    """Find a request again by its reference and mobile number: a code goes by SMS."""
    form = TrackLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reference = form.cleaned_data["reference"]
        if not allow(
            scope="track-lookup-ip",
            key=client_ip(request),
            limit=LOOKUPS_PER_IP_PER_HOUR,
            window=3600,
        ) or not allow(
            scope="track-lookup-ref",
            key=reference,
            limit=LOOKUPS_PER_REFERENCE_PER_HOUR,
            window=3600,
        ):
            form.add_error(None, _("Too many attempts. Please try again in an hour or call us."))
        else:
            handle = tracking_code_request(
                reference=reference, mobile=form.cleaned_data["mobile"], language=_language()
            )
            response = redirect("intake_track_code")
            response.set_cookie(LOOKUP_COOKIE, handle, max_age=600, httponly=True, samesite="Lax")
            return response
    return render(
        request,
        "intake/track_lookup.html",
        {"form": form, "summary_errors": _clean_summary(form), "error_title": bool(form.errors)},
        status=400 if form.errors else 200,
    )


def _clean_summary(form) -> list[tuple[str, str]]:
    if not form.is_bound:
        return []
    found = [("", error) for error in form.non_field_errors()]
    for name in form.fields:
        found += [(form[name].auto_id, error) for error in form.errors.get(name, [])]
    return found


def track_code(request):
    """The code from the SMS: the tracking link is shown again and re-sent."""
    handle = request.COOKIES.get(LOOKUP_COOKIE, "")
    if not handle:
        return redirect("intake_track_lookup")
    form = TrackCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not allow(
            scope="track-code-ip",
            key=client_ip(request),
            limit=CODE_TRIES_PER_IP_PER_HOUR,
            window=3600,
        ):
            form.add_error(None, _("Too many attempts. Please try again in an hour or call us."))
        else:
            submission = tracking_code_check(handle=handle, code=form.cleaned_data["code"])
            if submission is not None:
                tracking_link_resend(submission=submission, language=_language())
                response = redirect(_tracking_page(submission))
                response.delete_cookie(LOOKUP_COOKIE)
                return response
            form.add_error(
                "code",
                _("The code is not right or has expired. Check the text message or start again."),
            )
    return render(
        request,
        "intake/track_code.html",
        {"form": form, "summary_errors": _clean_summary(form), "error_title": bool(form.errors)},
        status=400 if form.errors else 200,
    )
