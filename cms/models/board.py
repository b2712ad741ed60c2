"""The board: its terms and members, its approvals of policy versions, and withdrawals.

An approval is a record, never an edit: once saved it cannot be changed or deleted through
the ORM (model and queryset guards) nor by SQL (database triggers, see migration 0003).
A correction is a new approval that points at the one it corrects.
"""

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import AbstractGroupApprovalTask, Orderable, Page, TaskState

from cms.models.scoping import SiteScopedAdminForm, SiteScopedManager, site_field
from portal.core.associations import current_or_default_site, current_site
from portal.dates import HijriDate

ORDINALS_AR = {
    1: "الأولى",
    2: "الثانية",
    3: "الثالثة",
    4: "الرابعة",
    5: "الخامسة",
    6: "السادسة",
    7: "السابعة",
    8: "الثامنة",
    9: "التاسعة",
    10: "العاشرة",
}


class BoardRole(models.TextChoices):
    CHAIR = "chair", _("Chair of the board")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    FINANCIAL_SUPERVISOR = "financial_supervisor", _("Financial supervisor")
    SECRETARY = "secretary", _("Secretary")
    MEMBER = "member", _("Member")


class BoardTerm(ClusterableModel):
    """One term of office of the board (الدورة), with its members."""

    site = site_field()
    number = models.PositiveSmallIntegerField(_("term number"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    all_sites = models.Manager()  # every association's rows (services given a site)
    objects = SiteScopedManager()  # the default: the request's host's rows
    base_form_class = SiteScopedAdminForm

    panels = [
        FieldPanel("number"),
        FieldPanel("starts_on"),
        FieldPanel("ends_on"),
        InlinePanel("members", label=_("members"), min_num=1),
    ]

    class Meta:
        ordering = ["-number"]
        verbose_name = _("board term")
        verbose_name_plural = _("board terms")
        default_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["site", "number"], name="one_board_term_number_per_site"
            )
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        if (get_language() or "ar").startswith("ar"):
            return f"الدورة {ORDINALS_AR.get(self.number, self.number)}"
        return str(_("Term %(number)s") % {"number": self.number})

    def covers(self, day) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class BoardMember(Orderable):
    """A member of the board during one term, with the role held in that term."""

    term = ParentalKey(BoardTerm, on_delete=models.PROTECT, related_name="members")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=30, choices=BoardRole.choices)

    panels = [FieldPanel("name"), FieldPanel("role")]

    class Meta(Orderable.Meta):
        verbose_name = _("board member")
        verbose_name_plural = _("board members")

    def __str__(self):
        return f"{self.name} — {self.get_role_display()}"


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("Board approvals are records: they cannot be changed.")

    def delete(self):
        raise PermissionDenied("Board approvals are records: they cannot be deleted.")

    # bulk_update goes through update(); bulk_create stays allowed (it only adds).


class ImmutableRecord(models.Model):
    """A row that can be created once and never changed or deleted."""

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied(f"{self._meta.verbose_name} cannot be changed once recorded.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied(f"{self._meta.verbose_name} cannot be deleted.")


class ApprovalChannel(models.TextChoices):
    WORKFLOW = "workflow", _("Board approval task in the admin")
    CORRECTION = "correction", _("Correction in the admin")
    IMPORT = "import", _("Imported from the approved document")


class BoardApproval(ImmutableRecord):
    """The board's approval of one exact revision of a policy: a version goes public only this way.

    Each record is a link of its association's register: it stores the SHA-256 of the approved
    revision's canonical content, the previous record's hash and its own hash over both and
    every fact it states (cms.governance.hashing), so a changed row breaks the chain.
    """

    policy = models.ForeignKey(
        "cms.PolicyPage",
        on_delete=models.PROTECT,
        related_name="approvals",
        verbose_name=_("policy"),
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("revision"),
    )
    version = models.PositiveIntegerField(_("version"))
    meeting_number = models.CharField(_("meeting number"), max_length=20)
    term = models.ForeignKey(
        BoardTerm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approvals",
        verbose_name=_("board term"),
    )
    meeting_date = models.DateField(_("meeting date"))
    decision_text = models.TextField(_("decision"), blank=True)
    change_note = models.CharField(_("change note"), max_length=500, blank=True)
    supersedes_previous = models.BooleanField(_("supersedes all earlier versions"), default=True)
    minutes = models.ForeignKey(
        "wagtaildocs.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed minutes"),
    )
    minutes_public = models.BooleanField(_("minutes are public"), default=False)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_via = models.CharField(
        _("recorded via"), max_length=20, choices=ApprovalChannel.choices
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    site = models.ForeignKey(
        "wagtailcore.Site",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("association"),
    )
    sequence = models.PositiveIntegerField(_("register number"), null=True)
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64, blank=True)
    previous_hash = models.CharField(_("previous record's hash"), max_length=64, blank=True)
    record_hash = models.CharField(_("record hash (SHA-256)"), max_length=64, blank=True)

    class Meta:
        ordering = ["policy", "version", "recorded_at"]
        verbose_name = _("board approval")
        verbose_name_plural = _("board approvals")
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "version"],
                condition=models.Q(corrects__isnull=True),
                name="one_original_approval_per_policy_version",
            ),
            models.UniqueConstraint(
                fields=["revision"],
                condition=models.Q(corrects__isnull=True),
                name="one_original_approval_per_revision",
            ),
            # One link per place in each association's register: the chain never forks.
            models.UniqueConstraint(fields=["site", "sequence"], name="one_register_entry"),
        ]

    def __str__(self):
        return str(
            _("Version %(version)s of %(policy)s")
            % {"version": self.version, "policy": self.policy.title}
        )

    @property
    def hijri_date(self) -> HijriDate:
        return HijriDate.from_gregorian(self.meeting_date)

    @property
    def is_correction(self) -> bool:
        return self.corrects_id is not None


class BoardApprovalMember(ImmutableRecord):
    """A member present at the approving meeting, copied from the register at that moment."""

    approval = models.ForeignKey(BoardApproval, on_delete=models.PROTECT, related_name="members")
    member = models.ForeignKey(
        BoardMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=30, choices=BoardRole.choices)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["approval", "sort_order"]
        verbose_name = _("member present")
        verbose_name_plural = _("members present")

    def __str__(self):
        return f"{self.name} — {self.get_role_display()}"


class PolicyWithdrawal(ImmutableRecord):
    """A policy taken out of force, with a public reason. The page stays readable, marked withdrawn."""

    policy = models.ForeignKey(
        "cms.PolicyPage", on_delete=models.PROTECT, related_name="withdrawals"
    )
    reason = models.TextField(_("reason"))
    withdrawn_on = models.DateField(_("withdrawn on"))
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("policy withdrawal")
        verbose_name_plural = _("policy withdrawals")

    def __str__(self):
        return str(_("Withdrawal of %(policy)s") % {"policy": self.policy.title})


def _archive_path(instance, filename):
    return f"approvals/{instance.approval.record_hash[:2]}/{filename}"


class ApprovalArchive(models.Model):
    """The archival PDF of an approved version, made once after the approval is recorded.

    Kept apart from the immutable record: the file is derived from it and can be made again.
    """

    approval = models.OneToOneField(BoardApproval, on_delete=models.PROTECT, related_name="archive")
    file = models.FileField(_("file"), upload_to=_archive_path)
    sha256 = models.CharField(_("file hash (SHA-256)"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("approval archive")
        verbose_name_plural = _("approval archives")

    def __str__(self):
        return str(self.approval)


class BoardApprovalTask(AbstractGroupApprovalTask):
    """Workflow step: a board secretary records the board's approval, which publishes the revision.

    While a revision waits here nobody edits it, so the board approves exactly what was submitted.
    """

    admin_form_fields = AbstractGroupApprovalTask.admin_form_fields

    class Meta:
        verbose_name = _("board approval task")
        verbose_name_plural = _("board approval tasks")

    def locked_for_user(self, obj, user):
        return True

    # One task serves every association: a secretary acts only on their own association's
    # policies (their role there), never on another's though their group is in `groups` too;
    # and, in a request, only on the host of that association (a secretary of two associations
    # approves each one's policies on its own host).
    @staticmethod
    def _secretary_of(obj, user) -> bool:
        from cms.services import user_can_record_approvals  # the services import the models

        site, host = obj.get_site(), current_site()
        if host is not None and (site is None or site.pk != host.pk):
            return False
        return user_can_record_approvals(user, site=site)

    def user_can_access_editor(self, obj, user):
        return self._secretary_of(obj, user)

    def user_can_lock(self, obj, user):
        return self._secretary_of(obj, user)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        """The dashboard's "awaiting your review": the host's association's policies only."""
        from cms.services import user_can_record_approvals  # the services import the models

        states = super().get_task_states_user_can_moderate(user, **kwargs)
        site = current_or_default_site()
        if site is None or not user_can_record_approvals(user, site=site):
            return states.none()
        pages = (
            Page.objects.descendant_of(site.root_page, inclusive=True)
            .annotate(key=Cast("pk", models.CharField()))
            .values("key")
        )
        return states.filter(revision__object_id__in=pages)

    def get_actions(self, obj, user):
        if self._secretary_of(obj, user):
            return [
                ("approve", _("Record the board's approval"), True),
                ("reject", _("Request changes"), True),
            ]
        return []

    def get_template_for_action(self, action):
        if action == "approve":
            # The full difference the board approves, above the form that records it.
            return "cms/admin/board_approval_modal.html"
        return super().get_template_for_action(action)

    def get_form_for_action(self, action):
        if action == "approve":
            from cms.forms import BoardApprovalForm

            return BoardApprovalForm
        return super().get_form_for_action(action)

    def on_action(self, task_state: TaskState, user, action_name, **kwargs):
        # Whatever door asked (Wagtail's views find a task state by its id alone): only a
        # secretary of the policy's association, on its host, approves or requests changes.
        if user is not None and not self._secretary_of(task_state.revision.as_object(), user):
            raise PermissionDenied
        if action_name == "approve":
            from cms.forms import BoardApprovalForm
            from cms.services import policy_approval_record

            policy_approval_record(
                revision=task_state.revision,
                user=user,
                via=ApprovalChannel.WORKFLOW,
                **BoardApprovalForm.service_kwargs(kwargs),
            )
            return None
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return _(
            "A board secretary records the board's approval; the approved revision is published."
        )
