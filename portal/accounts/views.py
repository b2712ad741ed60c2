"""The second factor's screens in the admin (set up, verify, backup codes, reset by an
administrator) and the lockout page. Thin: each calls portal.accounts.second_factor."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from portal.accounts import second_factor
from portal.accounts.associations import users_in_scope
from portal.core.people import display_name


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "dir": "ltr",
                "spellcheck": "false",
            }
        ),
    )


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("wagtailadmin_home")


class SetupView(View):
    """Scan the QR code (or type the key), then type a code the app shows."""

    template_name = "accounts/second_factor_setup.html"

    def dispatch(self, request, *args, **kwargs):
        # Replacing a phone needs the current one first: no new app on a password alone.
        if second_factor.is_enrolled(request.user) and not request.user.is_verified():
            return redirect(f"{reverse('sila_second_factor_verify')}?next={request.path}")
        return super().dispatch(request, *args, **kwargs)

    def render(self, request, form, status=200):
        device = second_factor.pending_app_device(request.user)
        context = {
            "form": form,
            "qr": second_factor.qr_svg(device),
            "key": second_factor.manual_key(device),
            "next": _next_url(request),
            "required": second_factor.second_factor_required(request.user),
        }
        return TemplateResponse(request, self.template_name, context, status=status)

    def get(self, request):
        return self.render(request, CodeForm())

    def post(self, request):
        form = CodeForm(request.POST)
        if form.is_valid():
            device = second_factor.pending_app_device(request.user)
            codes = second_factor.app_device_confirm(
                request=request, device=device, code=form.cleaned_data["code"]
            )
            if codes is not None:
                return TemplateResponse(
                    request,
                    "accounts/second_factor_codes.html",
                    {"codes": codes, "next": _next_url(request), "first_time": True},
                )
            form.add_error(
                "code",
                _(
                    "That code does not match. Check that the phone's time is right and type "
                    "the code the app shows now."
                ),
            )
        return self.render(request, form, status=400)


class VerifyView(View):
    """After the password: a code from the app, or one of the backup codes."""

    template_name = "accounts/second_factor_verify.html"

    def dispatch(self, request, *args, **kwargs):
        if not second_factor.is_enrolled(request.user):
            return redirect(f"{reverse('sila_second_factor_setup')}?next={_next_url(request)}")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return TemplateResponse(
            request, self.template_name, {"form": CodeForm(), "next": _next_url(request)}
        )

    def post(self, request):
        form = CodeForm(request.POST)
        if form.is_valid() and second_factor.second_factor_verify(
            request=request, code=form.cleaned_data["code"]
        ):
            return redirect(_next_url(request))
        if form.is_valid():
            form.add_error(
                "code",
                _(
                    "That code is not right, or it was already used. Wait for a new code and try again."
                ),
            )
        return TemplateResponse(
            request, self.template_name, {"form": form, "next": _next_url(request)}, status=400
        )


class BackupCodesView(View):
    """The account's second factor: how many backup codes are left, and a new set."""

    template_name = "accounts/second_factor_manage.html"

    def get(self, request):
        return TemplateResponse(
            request,
            self.template_name,
            {
                "enrolled": second_factor.is_enrolled(request.user),
                "codes_left": second_factor.backup_codes_left(request.user),
            },
        )

    def post(self, request):
        if not (second_factor.is_enrolled(request.user) and request.user.is_verified()):
            raise PermissionDenied
        codes = second_factor.backup_codes_new(user=request.user)
        return TemplateResponse(
            request,
            "accounts/second_factor_codes.html",
            {"codes": codes, "next": reverse("wagtailadmin_home"), "first_time": False},
        )


class ResetView(View):
    """An administrator removes someone's second factor (a lost phone), after confirming."""

    template_name = "accounts/second_factor_reset.html"

    def get_user(self, request, user_id):
        users = users_in_scope(request.user, get_user_model()._default_manager.all())
        user = get_object_or_404(users, pk=user_id)
        if not second_factor.user_can_reset(request.user, user):
            raise PermissionDenied
        return user

    def get(self, request, user_id):
        user = self.get_user(request, user_id)
        return TemplateResponse(
            request, self.template_name, {"person": user, "name": display_name(user)}
        )

    def post(self, request, user_id):
        user = self.get_user(request, user_id)
        second_factor.second_factor_reset(actor=request.user, user=user)
        messages.success(
            request,
            _("%(name)s will set up a new second factor at their next sign-in.")
            % {"name": display_name(user)},
        )
        return redirect("wagtailusers_users:index")
