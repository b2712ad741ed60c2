"""Public pages of submissions: the forms, the receipt, tracking by secret link (with the answer
to a question from staff, the applicant's documents and the rating), the service report and
the complaints report."""

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cms.selectors import promised_response_period
from forms import reports
from forms.attachments import download_response
from forms.casework import registry, selectors
from forms.casework.filing import submission_file
from forms.casework.information import submission_answer_information
from forms.consents import PRIVACY_NOTICE
from forms.kinds.complaint import COMPLAINTS
from forms.kinds.help import HELP_REQUESTS
from forms.kinds.volunteer import VOLUNTEER_APPLICATIONS
from forms.models import SupportType
from forms.public.forms import (
    ComplaintForm,
    HelpRequestForm,
    InformationAnswerForm,
    SatisfactionForm,
    VolunteerApplicationForm,
)
from forms.satisfaction import satisfaction_record
from portal.core.dates import to_ascii_digits
from portal.core.ratelimit import allow, client_ip

SUBMISSIONS_PER_IP_PER_HOUR = 20
SUBMISSIONS_PER_ID_PER_DAY = 3
TRACKING_PER_IP_PER_10_MINUTES = 30


def _language() -> str:
    return (get_language() or "ar")[:2]


def _rate_limited(request, national_id: str | None, scope: str) -> bool:
    if not allow(
        scope=f"{scope}-ip", key=client_ip(request), limit=SUBMISSIONS_PER_IP_PER_HOUR, window=3600
    ):
        return True
    return bool(national_id) and not allow(
        scope=f"{scope}-id", key=national_id, limit=SUBMISSIONS_PER_ID_PER_DAY, window=24 * 3600
    )


def _add_errors(form, error: ValidationError) -> None:
    """A refusal from a service shown on the form, which keeps what the applicant typed."""
    errors = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, messages in errors.items():
        form.add_error(field if field in form.fields else None, messages)


def _types_with_periods() -> list[tuple[SupportType, int]]:
    """Active types with their answer period; the policy's period is looked up once."""
    default = promised_response_period()
    return [
        (support_type, support_type.period_days(default))
        for support_type in SupportType.objects.filter(active=True)
    ]


def _file(request, *, kind, form_class, template: str, context: dict, received):
    """A public filing page: the form, then `received(submission)` (a URL with its reference
    and secret key) once the submission is filed."""
    form = form_class(
        request.POST or None, request.FILES or None, initial=form_class.initial_guard()
    )
    if request.method == "POST":
        if form.is_bot():
            return render(request, "intake/not_received.html", status=200)
        if form.is_valid():
            if _rate_limited(request, form.cleaned_data["national_id"], kind.slug):
                form.add_error(
                    None, _("Too many requests were sent. Please try again later or call us.")
                )
            else:
                try:
                    submission, _created = submission_file(
                        kind=kind,
                        data=form.submission_data(),
                        consents=form.consents(),
                        attachments=form.cleaned_data.get("attachments", ()),
                        language=_language(),
                        idempotency_key=f"form:{form.cleaned_data['submission_token']}",
                    )
                except ValidationError as error:
                    _add_errors(form, error)
                else:
                    return redirect(received(submission))
    context = {
        "form": form,
        "privacy_notice": PRIVACY_NOTICE,
        "files_dropped": request.method == "POST" and bool(request.FILES) and not form.is_valid(),
        **context,
    }
    return render(request, template, context, status=400 if form.errors else 200)


def help_request(request):
    return _file(
        request,
        kind=HELP_REQUESTS,
        form_class=HelpRequestForm,
        template="intake/help_request.html",
        context={"support_types": _types_with_periods()},
        received=lambda submission: reverse(
            "intake_help_received", args=[submission.reference, submission.tracking_key]
        ),
    )


def volunteer_application(request):
    return _file(
        request,
        kind=VOLUNTEER_APPLICATIONS,
        form_class=VolunteerApplicationForm,
        template="intake/volunteer_application.html",
        context={},
        received=_tracking_page,
    )


def complaint(request):
    return _file(
        request,
        kind=COMPLAINTS,
        form_class=ComplaintForm,
        template="intake/complaint.html",
        context={"period": promised_response_period()},
        received=lambda submission: reverse(
            "intake_complaint_received", args=[submission.reference, submission.tracking_key]
        ),
    )


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
    context = {
        "submission": submission,
        "kind": declared,
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
