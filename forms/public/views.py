"""Public pages of the intake app: the forms, the receipt, and tracking by secret link."""

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from forms import reports as statistics
from forms.casework.transitions import (
    help_request_answer_information,
    help_request_submit,
    satisfaction_record,
    volunteer_application_submit,
)
from forms.consents import PRIVACY_NOTICE
from forms.models import (
    HelpRequest,
    RequestStatus,
    SupportType,
    VolunteerApplication,
    VolunteerStatus,
    policy_response_period,
)
from forms.public.forms import (
    HelpRequestForm,
    InformationAnswerForm,
    SatisfactionForm,
    VolunteerApplicationForm,
)
from portal.ratelimit import allow, client_ip

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


def _types_with_periods() -> list[tuple[SupportType, int]]:
    """Active types with their answer period; the policy's period is looked up once."""
    default = policy_response_period()
    return [
        (support_type, support_type.period_days(default))
        for support_type in SupportType.objects.filter(active=True)
    ]


def help_request(request):
    form = HelpRequestForm(
        request.POST or None, request.FILES or None, initial=HelpRequestForm.initial_guard()
    )
    if request.method == "POST":
        if form.is_bot():
            return render(request, "intake/not_received.html", status=200)
        if form.is_valid():
            national_id = form.cleaned_data["national_id"]
            if _rate_limited(request, national_id, "help"):
                form.add_error(
                    None, _("Too many requests were sent. Please try again later or call us.")
                )
            else:
                help_request_obj, _created = help_request_submit(
                    data=form.request_data(),
                    consents=form.consents(),
                    attachments=form.cleaned_data["attachments"],
                    language=_language(),
                    idempotency_key=f"form:{form.cleaned_data['submission_token']}",
                )
                return redirect(
                    "intake_help_received",
                    reference=help_request_obj.reference,
                    key=help_request_obj.tracking_key,
                )
    context = {
        "form": form,
        "privacy_notice": PRIVACY_NOTICE,
        "support_types": _types_with_periods(),
        "files_dropped": request.method == "POST" and bool(request.FILES) and not form.is_valid(),
    }
    return render(request, "intake/help_request.html", context, status=400 if form.errors else 200)


def volunteer_application(request):
    form = VolunteerApplicationForm(
        request.POST or None, initial=VolunteerApplicationForm.initial_guard()
    )
    if request.method == "POST":
        if form.is_bot():
            return render(request, "intake/not_received.html", status=200)
        if form.is_valid():
            if _rate_limited(request, form.cleaned_data["national_id"], "volunteer"):
                form.add_error(
                    None, _("Too many requests were sent. Please try again later or call us.")
                )
            else:
                application, _created = volunteer_application_submit(
                    data=form.application_data(),
                    consents=form.consents(),
                    language=_language(),
                    idempotency_key=f"form:{form.cleaned_data['submission_token']}",
                )
                return redirect(
                    "intake_track",
                    kind="volunteer",
                    reference=application.reference,
                    key=application.tracking_key,
                )
    context = {"form": form, "privacy_notice": PRIVACY_NOTICE}
    return render(
        request, "intake/volunteer_application.html", context, status=400 if form.errors else 200
    )


def _find(kind: str, reference: str, key: str):
    model = {"help": HelpRequest, "volunteer": VolunteerApplication}.get(kind)
    if model is None:
        return None
    submission = model.objects.filter(reference=reference).first()
    # The same answer whether the reference does not exist or the key is wrong.
    if submission is None or not submission.tracking_key_matches(key):
        return None
    return submission


def help_received(request, reference, key):
    submission = _find("help", reference, key)
    if submission is None:
        return render(request, "intake/link_invalid.html", status=404)
    return render(
        request,
        "intake/help_received.html",
        {
            "submission": submission,
            "track_url": reverse("intake_track", args=["help", reference, key]),
        },
    )


def track(request, kind, reference, key):
    if not allow(
        scope="track-ip", key=client_ip(request), limit=TRACKING_PER_IP_PER_10_MINUTES, window=600
    ):
        return render(request, "intake/link_invalid.html", {"rate_limited": True}, status=429)
    submission = _find(kind, reference, key)
    if submission is None:
        return render(request, "intake/link_invalid.html", status=404)
    context = {"submission": submission, "kind": kind}
    context["events"] = [e for e in submission.events.all() if e.public]
    context["statuses"] = dict((RequestStatus if kind == "help" else VolunteerStatus).choices)
    if kind == "help":
        context["can_rate"] = submission.status == RequestStatus.CLOSED and not hasattr(
            submission, "rating"
        )
        context["attachments"] = submission.attachments.all()
        if submission.status == RequestStatus.INFORMATION_NEEDED:
            form = InformationAnswerForm(request.POST or None, request.FILES or None)
            if request.method == "POST" and form.is_valid():
                help_request_answer_information(
                    help_request=submission,
                    answer=form.cleaned_data["answer"],
                    attachments=form.cleaned_data["attachments"],
                )
                return redirect(request.path)
            context["answer_form"] = form
            context["question"] = next(
                (
                    e.message
                    for e in reversed(context["events"])
                    if e.to_status == RequestStatus.INFORMATION_NEEDED
                ),
                "",
            )
    return render(
        request,
        "intake/track.html",
        context,
        status=400 if context.get("answer_form") and context["answer_form"].errors else 200,
    )


def attachment_download(request, reference, key, attachment_id):
    """The applicant's own documents, through their tracking link only."""
    submission = _find("help", reference, key)
    attachment = submission.attachments.filter(pk=attachment_id).first() if submission else None
    if attachment is None:
        return render(request, "intake/link_invalid.html", status=404)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


def rate(request, reference, key):
    """The applicant rates the service once their request is closed; once per request."""
    submission = _find("help", reference, key)
    if submission is None:
        return render(request, "intake/link_invalid.html", status=404)
    track_url = reverse("intake_track", args=["help", reference, key])
    if hasattr(submission, "rating"):
        return render(request, "intake/rate.html", {"submission": submission, "done": True})
    if submission.status != RequestStatus.CLOSED:
        return redirect(track_url)
    form = SatisfactionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            satisfaction_record(
                help_request=submission, data=form.cleaned_data, language=_language()
            )
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


def service_report(request):
    """Public: what the policy promises for each type of request against what happened."""
    key = f"intake:service-report:{_language()}"
    report = cache.get(key)
    if report is None:
        report = statistics.service_report()
        cache.set(key, report, 600)
    return render(request, "intake/service_report.html", {"report": report})
