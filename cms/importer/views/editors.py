"""The editors' side of the importer: upload documents, then review where every line went,
move lines and retype sections, and create the draft from what they accept."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.importer import PolicyImportError
from cms.importer.parsed import SECTION_KINDS, Role
from cms.importer.services import (
    policy_import_create,
    policy_import_parsed,
    policy_import_read,
    policy_import_rearrange,
)
from cms.importer.sources import MAX_BYTES
from cms.models import PolicyCategory, PolicyImport, PolicyIndexPage, PolicyPage
from cms.models.board import BoardRole

ALLOWED_EXTENSIONS = (".pdf", ".docx", ".txt", ".md", ".markdown")


def kind_labels() -> dict[str, str]:
    return {
        "preamble": _("Preamble"),
        "general_goal": _("General goal"),
        "detailed_goals": _("Detailed goals"),
        "channels": _("Communication channels"),
        "tools": _("Tools"),
        "procedure": _("Handling procedure"),
        "section": _("Free section"),
    }


def place_labels() -> dict[str, str]:
    return {
        Role.TITLE: _("Title"),
        Role.ASSOCIATION: _("Association"),
        Role.LICENCE: _("Licence number"),
        Role.TOC: _("Table of contents (left out)"),
        Role.DROPPED: _("Left out (header, footer, contact)"),
        Role.APPROVAL: _("Board approval"),
        Role.UNCLASSIFIED: _("Unclassified text"),
    }


def detail_labels() -> dict[str, str]:
    return {
        "heading": _("section heading"),
        "paragraph": _("paragraph"),
        "continuation": _("joined to the line before"),
        "item": _("item"),
        "subitem": _("sub-item"),
        "statement": _("approval statement"),
        "member": _("member and role"),
        "members-header": _("members table header"),
        "signature": _("signature or stamp"),
        "header-footer": _("repeated page header or footer"),
        "contact": _("contact details"),
        "page-number": _("page number"),
        "opening-formula": _("opening formula"),
        "repeated-title": _("the title repeated"),
        "table-rule": _("table rule"),
        "entry": _("contents entry"),
        "title": _("title"),
        "name": _("name"),
        "licence": _("licence"),
        "editor": _("left out by the editor"),
    }


def policy_catalogue() -> PolicyIndexPage | None:
    return PolicyIndexPage.objects.first()


class EditorsOnlyMixin:
    """Whoever may add a policy under the catalogue (editors, administrators) may import."""

    def dispatch(self, request, *args, **kwargs):
        self.catalogue = policy_catalogue()
        if (
            self.catalogue is None
            or not self.catalogue.permissions_for_user(request.user).can_add_subpage()
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class UploadForm(forms.Form):
    files = forms.FileField(
        label=gettext_lazy("Policy documents"),
        help_text=gettext_lazy(
            "PDF, Word (.docx), text or Markdown; several at once; up to 20 MB each."
        ),
        widget=MultipleFileInput(attrs={"accept": ",".join(ALLOWED_EXTENSIONS)}),
    )


class PolicyImportUploadView(EditorsOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "cms/importer/upload.html"
    page_title = gettext_lazy("Import a policy document")
    header_icon = "upload"
    breadcrumbs_items = []  # the header then shows the title and the file's name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", UploadForm())
        context["recent"] = PolicyImport.objects.filter(uploaded_by=self.request.user)[:10]
        return context

    def post(self, request, *args, **kwargs):
        files = request.FILES.getlist("files")
        results = [self.read(upload) for upload in files]
        if not files:
            results = [{"name": "", "error": _("Choose at least one file.")}]
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({"results": results})
        done = [r for r in results if r.get("url")]
        if len(done) == 1 and len(results) == 1:
            return redirect(done[0]["url"])
        return self.render_to_response(self.get_context_data(results=results))

    def read(self, upload) -> dict:
        name = upload.name
        if not name.lower().endswith(ALLOWED_EXTENSIONS):
            return {"name": name, "error": _("Only PDF, Word (.docx), text or Markdown files.")}
        if upload.size > MAX_BYTES:
            return {
                "name": name,
                "error": _("The file is too large (%(size)d MB); the limit is %(limit)d MB.")
                % {"size": upload.size // (1024 * 1024), "limit": MAX_BYTES // (1024 * 1024)},
            }
        try:
            policy_import = policy_import_read(
                data=upload.read(), file_name=name, user=self.request.user
            )
        except PolicyImportError as error:
            return {"name": name, "error": str(error)}
        return {"name": name, "url": reverse("cms_policy_import_preview", args=[policy_import.pk])}


class PolicyImportPreviewView(EditorsOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "cms/importer/preview.html"
    page_title = gettext_lazy("Review the imported document")
    header_icon = "doc-full-inverse"
    breadcrumbs_items = []

    def setup(self, request, *args, pk, **kwargs):
        super().setup(request, *args, **kwargs)
        self.policy_import = get_object_or_404(PolicyImport, pk=pk)

    def get_page_subtitle(self):
        return self.policy_import.file_name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        parsed = kwargs.get("parsed") or policy_import_parsed(self.policy_import)
        kinds, places, details = kind_labels(), place_labels(), detail_labels()
        sections = [
            {"index": index, "kind": entry.kind, "heading": entry.heading}
            for index, entry in enumerate(parsed.outline)
        ]
        targets = [
            (f"section:{s['index']}", f"{s['index'] + 1}. {kinds[s['kind']]} — {s['heading'][:40]}")
            for s in sections
        ] + list(places.items())
        rows = []
        for line in parsed.lines:
            current = (
                f"section:{line.section}"
                if line.role in {Role.HEADING, Role.BODY} and line.section is not None
                else line.role
            )
            rows.append(
                {
                    "line": line,
                    "target": current,
                    "detail": details.get(line.detail, line.detail),
                    "percent": round(line.confidence * 100),
                    "low": line.confidence < 0.75,
                }
            )
        approval = self.policy_import.approval
        if approval:
            approval = {
                **approval,
                "members": [
                    {**m, "role_label": BoardRole(m["role"]).label} for m in approval["members"]
                ],
            }
        context.update(
            {
                "policy_import": self.policy_import,
                "parsed": parsed,
                "rows": rows,
                "targets": targets,
                "sections": sections,
                "kind_choices": [(k, kinds[k]) for k in SECTION_KINDS],
                "kind_labels": kinds,
                "approval": approval,
                "policies": PolicyPage.objects.order_by("title"),
                "categories": PolicyCategory.choices,
                "editable": self.policy_import.status == PolicyImport.Status.READ,
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        if self.policy_import.status != PolicyImport.Status.READ:
            messages.error(request, _("A draft has already been created from this document."))
            return redirect(request.path)
        targets = {}
        for key, value in request.POST.items():
            if key.startswith("line-") and key[5:].isdigit():
                targets[int(key[5:])] = value
        kinds = {}
        for key, value in request.POST.items():
            if key.startswith("kind-") and key[5:].isdigit() and value in SECTION_KINDS:
                kinds[int(key[5:])] = value
        parsed = policy_import_rearrange(
            policy_import=self.policy_import, targets=targets, kinds=kinds
        )
        if request.POST.get("action") != "create":
            messages.success(request, _("The preview has been updated."))
            return self.render_to_response(self.get_context_data(parsed=parsed))
        into = None
        if request.POST.get("into"):
            into = PolicyPage.objects.filter(pk=request.POST["into"]).first()
            if into is None or not into.permissions_for_user(request.user).can_edit():
                raise PermissionDenied
        category = request.POST.get("category") or None
        if category not in PolicyCategory.values:
            category = None
        try:
            policy = policy_import_create(
                policy_import=self.policy_import,
                user=request.user,
                parent=self.catalogue,
                into=into,
                title_en=request.POST.get("title_en", "")[:255],
                category=category,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return self.render_to_response(self.get_context_data(parsed=parsed))
        self.policy_import.refresh_from_db()
        if self.policy_import.approval_status == PolicyImport.ApprovalStatus.PENDING:
            messages.success(
                request,
                _(
                    "The draft has been created. The board approval found in the document waits "
                    "for the board secretary to confirm it."
                ),
            )
        else:
            messages.success(request, _("The draft has been created."))
        return redirect("wagtailadmin_pages:edit", policy.pk)
