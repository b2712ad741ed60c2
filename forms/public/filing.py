"""The public door's filing pages, for every kind the website offers (`kind.public`): the form in
short steps with progress ("step 2 of 6"), saved as the applicant goes (an encrypted server-side
draft, forms.casework.drafts) and resumable from a link sent by SMS; GOV.UK's error pattern
(the page title starts with "Error:", a focused summary links to each field); the required
documents asked for by name. A kind gets all of it by declaring its fields' `steps`."""

import functools
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from forms.casework import registry
from forms.casework.drafts import (
    draft_data,
    draft_delete,
    draft_find,
    draft_save,
    draft_send_link,
    new_token,
)
from forms.casework.filing import submission_file
from forms.casework.messages import site_url
from forms.consents import PRIVACY_NOTICE
from forms.public.forms import BotCheckMixin, ResumeLinkForm
from portal.core.associations import site_for_request
from portal.core.ratelimit import allow, client_ip

SUBMISSIONS_PER_IP_PER_HOUR = 20
SUBMISSIONS_PER_ID_PER_DAY = 3
RESUME_LINKS_PER_DRAFT = 3
RESUME_LINKS_PER_IP_PER_HOUR = 10
NEW_DRAFTS_PER_IP_PER_HOUR = 30
GUARD_FIELDS = ("started", "submission_token")
MAX_VALUE_LENGTH = 5000  # longer than any field takes: the form's own limits give the error
MAX_VALUES = 30


def _language() -> str:
    return (get_language() or "ar")[:2]


def cookie_name(kind) -> str:
    return f"sila_draft_{kind.slug}"


@functools.cache
def form_class(kind):
    """The kind's fields with the public door's guards (honeypot, fill time, one-time token)
    and its required documents."""
    return type(f"Public{kind.fields.__name__}", (BotCheckMixin, kind.fields), {})


def steps_of(kind) -> list[tuple[str, list[str]]]:
    """The kind's steps; the consents (and the required documents) join the last one."""
    fields = kind.fields
    declared = getattr(fields, "steps", None) or [*fields.sections, (_("Declaration"), [])]
    return [(title, list(names)) for title, names in declared]


def _step_fields(form, kind, number: int) -> list[str]:
    steps = steps_of(kind)
    names = list(steps[number - 1][1])
    if number == len(steps):
        names = [*getattr(form, "document_names", []), *names]
        if "documents_later" in form.fields:
            names.append("documents_later")
        names += [name for name in form.fields if name.startswith("consent_")]
    return [name for name in names if name in form.fields]


def _rate_limited(request, national_id: str | None, scope: str) -> bool:
    if not allow(
        scope=f"{scope}-ip", key=client_ip(request), limit=SUBMISSIONS_PER_IP_PER_HOUR, window=3600
    ):
        return True
    return bool(national_id) and not allow(
        scope=f"{scope}-id", key=national_id, limit=SUBMISSIONS_PER_ID_PER_DAY, window=24 * 3600
    )


def _query(data: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, values in data.items():
        query.setlist(name, list(values))
    return query


def _merge(saved: dict, post, names: Iterable[str], files: Iterable[str]) -> dict:
    """The saved answers with this page's answers over them (a box left unticked clears)."""
    merged = dict(saved)
    for name in [*names, *GUARD_FIELDS]:
        if name in files:
            continue
        if name in post:
            merged[name] = [value[:MAX_VALUE_LENGTH] for value in post.getlist(name)[:MAX_VALUES]]
        elif name not in GUARD_FIELDS:
            merged.pop(name, None)
    return merged


def _initial(data: dict) -> dict:
    return {name: values[0] if len(values) == 1 else values for name, values in data.items()}


def _file_names(form) -> set[str]:
    from django import forms as django_forms

    return {
        name for name, field in form.fields.items() if isinstance(field, django_forms.FileField)
    }


def _summary(form, names: list[str], *, with_form_errors: bool) -> list[tuple[str, str]]:
    """(link target, message) for the error summary, in the order of the page."""
    found = []
    if with_form_errors:
        found += [("", error) for error in form.non_field_errors()]
        found += [("", error) for name in GUARD_FIELDS for error in form.errors.get(name, [])]
    for name in names:
        bound = form[name]
        target = f"{bound.auto_id}_0" if bound.use_fieldset else bound.auto_id
        found += [(target, error) for error in form.errors.get(name, [])]
    return found


def _documents(kind, form_cls, data) -> list[str]:
    """The documents the chosen answers need (the kind decides, e.g. by type of support)."""
    probe = form_cls(_query(data))
    probe.is_valid()
    return kind.documents_for(getattr(probe, "cleaned_data", {}))


def _received_url(kind, submission) -> str:
    name = kind.public.received_url_name or "intake_track"
    args = [submission.reference, submission.tracking_key]
    return reverse(name, args=args if kind.public.received_url_name else [kind.slug, *args])


def _with_cookie(response, kind, token: str | None):
    if token:
        response.set_cookie(
            cookie_name(kind),
            token,
            max_age=settings.FORM_DRAFT_DAYS * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=not settings.DEBUG and settings.SESSION_COOKIE_SECURE,
        )
    else:
        response.delete_cookie(cookie_name(kind))
    return response


def file_submission(request, kind_slug: str):
    """One page of the stepped form; the last one files the submission."""
    kind = registry.get(kind_slug)
    cls = form_class(kind)
    steps = steps_of(kind)
    token = request.COOKIES.get(cookie_name(kind))
    draft = draft_find(kind_slug=kind.slug, token=token)
    saved = draft_data(draft)
    if not saved:
        saved = {name: [value] for name, value in cls.initial_guard().items()}
    reached = draft.reached if draft else 1
    try:
        number = int(request.POST.get("step") or request.GET.get("step") or 0)
    except ValueError:
        number = 0
    number = min(max(number or (draft.step if draft else 1), 1), len(steps), max(reached, 1))

    if request.method != "POST":
        form = cls(initial=_initial(saved), documents=_step_documents(kind, cls, saved, number))
        return _render(request, kind, form, number, status=200)

    if request.POST.get("website"):
        return render(request, "intake/not_received.html", status=200)
    action = request.POST.get("action", "next")
    documents = _step_documents(kind, cls, saved, number)
    probe = cls(initial={}, documents=documents)
    files = _file_names(probe)
    names = _step_fields(probe, kind, number)
    # The link form sends no answers: it keeps what is saved.
    data = saved if action == "resume_link" else _merge(saved, request.POST, names, files)
    if draft is None:
        if not allow(
            scope="draft-new-ip",
            key=client_ip(request),
            limit=NEW_DRAFTS_PER_IP_PER_HOUR,
            window=3600,
        ):
            return render(request, "intake/link_invalid.html", {"rate_limited": True}, status=429)
        token = new_token()

    if action == "autosave":
        draft_save(kind_slug=kind.slug, token=token, data=data, step=number)
        return _with_cookie(HttpResponse(status=204), kind, token)
    if action == "back":
        draft_save(kind_slug=kind.slug, token=token, data=data, step=max(number - 1, 1))
        return _with_cookie(redirect(f"{request.path}?step={max(number - 1, 1)}"), kind, token)
    if action == "resume_link":
        draft = draft_save(kind_slug=kind.slug, token=token, data=data, step=number)
        form = cls(initial=_initial(data), documents=documents)
        link_form, sent = _send_resume_link(request, kind, draft, token)
        response = _render(request, kind, form, number, link_form=link_form, link_sent=sent)
        return _with_cookie(response, kind, token)

    last = number == len(steps)
    form = cls(_query(data), request.FILES if last else None, documents=documents)
    valid = form.is_valid()
    if not last:
        if any(name in form.errors for name in names):
            draft_save(kind_slug=kind.slug, token=token, data=data, step=number)
            return _with_cookie(_render(request, kind, form, number, status=400), kind, token)
        draft_save(kind_slug=kind.slug, token=token, data=data, step=number + 1)
        return _with_cookie(redirect(f"{request.path}?step={number + 1}"), kind, token)

    if valid and _rate_limited(request, form.cleaned_data.get("national_id"), kind.slug):
        form.add_error(None, _("Too many requests were sent. Please try again later or call us."))
        valid = False
    if valid:
        try:
            submission, _created = submission_file(
                kind=kind,
                data=form.submission_data(),
                consents=form.consents(),
                attachments=form.cleaned_data.get("attachments") or (),
                documents=form.documents(),
                documents_later=bool(form.cleaned_data.get("documents_later")),
                language=_language(),
                idempotency_key=f"form:{form.cleaned_data['submission_token']}",
            )
        except ValidationError as error:
            # The engine's own checks (the form already asks the same): said, never a crash.
            for message in error.messages:
                form.add_error(None, message)
        else:
            draft_delete(token=token)
            return _with_cookie(redirect(_received_url(kind, submission)), kind, None)

    # The first page with an error is shown with its errors (an earlier one if need be).
    draft_save(kind_slug=kind.slug, token=token, data=data, step=number)
    for index in range(1, len(steps) + 1):
        if any(name in form.errors for name in _step_fields(form, kind, index)):
            number = index
            break
    response = _render(
        request,
        kind,
        form,
        number,
        status=400,
        files_dropped=bool(request.FILES),
        with_form_errors=True,
    )
    return _with_cookie(response, kind, token)


def _step_documents(kind, cls, data, number) -> list[str]:
    return _documents(kind, cls, data) if number == len(steps_of(kind)) else []


def _send_resume_link(request, kind, draft, token):
    link_form = ResumeLinkForm(request.POST)
    if not link_form.is_valid():
        return link_form, False
    if draft.links_sent >= RESUME_LINKS_PER_DRAFT or not allow(
        scope="resume-link-ip",
        key=client_ip(request),
        limit=RESUME_LINKS_PER_IP_PER_HOUR,
        window=3600,
    ):
        link_form.add_error("resume_mobile", _("Too many links were sent. Please try again later."))
        return link_form, False
    # A link into this association's site (its host), as every message to applicants.
    url = site_url(reverse("intake_resume", args=[kind.slug, token]), site_for_request(request))
    body = _("Continue your %(form)s here: %(url)s") % {"form": kind.public.title, "url": url}
    draft_send_link(draft=draft, mobile=link_form.cleaned_data["resume_mobile"], body=body)
    return ResumeLinkForm(), True


def resume(request, kind, token):
    """The link sent by SMS: hands the draft's secret to this browser and opens the form, so the
    secret leaves the address bar at once."""
    declared = registry.get(kind)
    if declared is None or declared.public is None:
        return render(request, "intake/link_invalid.html", status=404)
    draft = draft_find(kind_slug=declared.slug, token=token)
    if draft is None:
        return render(request, "intake/link_invalid.html", {"draft_expired": True}, status=404)
    response = redirect(f"{reverse(declared.public.url_name)}?step={draft.step}")
    return _with_cookie(response, declared, token)


def _render(
    request,
    kind,
    form,
    number,
    *,
    status=200,
    link_form=None,
    link_sent=False,
    files_dropped=False,
    with_form_errors=False,
):
    steps = steps_of(kind)
    names = _step_fields(form, kind, number)
    summary = _summary(form, names, with_form_errors=with_form_errors) if form.is_bound else []
    if form.is_bound and not summary and form.errors:
        summary = [("", error) for errors in form.errors.values() for error in errors][:1]
    mobile = form["mobile"].value() if "mobile" in form.fields else ""
    context = {
        "kind": kind,
        "entry": kind.public,
        "form": form,
        "step_number": number,
        "step_count": len(steps),
        "step_title": steps[number - 1][0],
        "step_fields": [form[name] for name in names],
        "steps_done": range(1, number),
        "steps_left": range(number + 1, len(steps) + 1),
        "last_step": number == len(steps),
        "summary_errors": summary,
        "privacy_notice": PRIVACY_NOTICE,
        "files_dropped": files_dropped,
        "link_form": link_form or ResumeLinkForm(initial={"resume_mobile": mobile or ""}),
        "link_sent": link_sent,
        "error_title": bool(summary) or bool(link_form and link_form.errors),
        "draft_days": settings.FORM_DRAFT_DAYS,
        **kind.public_context(number),
    }
    return render(request, "intake/file.html", context, status=status)
