"""Writes of the content app. Every door (admin task, importer, commands, API) comes through here.

The only way a policy version goes live is `policy_approval_record`: it records the board's
approval of one exact revision and publishes that revision, in one transaction.
"""

import datetime as dt
import logging
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail.log_actions import log
from wagtail.models import Revision, TaskState

from cms.governance.register import register_entry_create, revision_content_hash
from cms.governance.terms import board_term_continue
from cms.models.board import (
    ApprovalChannel,
    BoardApproval,
    BoardApprovalTask,
    BoardMember,
    BoardTerm,
    PolicyWithdrawal,
)
from cms.models.policies import PolicyPage
from portal.accounts.associations import roles_in
from portal.core.associations import current_or_default_site
from portal.dates import to_ascii_digits

logger = logging.getLogger(__name__)


def user_can_record_approvals(user, site=None) -> bool:
    """A board secretary of the association `site` (by default the request's host's, else the
    default association's) or an operator (superuser)."""
    if not (user and user.is_active):
        return False
    if user.is_superuser:
        return True
    site = site or current_or_default_site()
    return site is not None and "secretary" in roles_in(user, site)


def _check_recorder(user, via: str, site=None) -> None:
    if user is None and via == ApprovalChannel.IMPORT:
        return  # the importer records what the signed document says, as the system
    if not user_can_record_approvals(user, site):
        raise PermissionDenied(_("Only board secretaries can record the board's approval."))


def _validate_meeting(
    *,
    term: BoardTerm | None,
    meeting_date: dt.date,
    members: Sequence[BoardMember],
    via: str,
    site=None,
):
    if term is not None and site is not None and term.site_id != site.pk:
        raise ValidationError({"term": _("Choose a board term of this association.")})
    if meeting_date > timezone.localdate():
        raise ValidationError({"meeting_date": _("The meeting date cannot be in the future.")})
    if term is not None and not term.covers(meeting_date):
        raise ValidationError({"meeting_date": _("This date is outside the chosen board term.")})
    if term is not None and any(member.term_id != term.pk for member in members):
        raise ValidationError({"members": _("Choose only members of the chosen board term.")})
    if via != ApprovalChannel.IMPORT and not members:
        raise ValidationError({"members": _("Record the members present at the meeting.")})


def _minutes_record(
    *,
    meeting_number,
    term,
    meeting_date,
    decision_text_ar,
    decision_text_en,
    change_note_ar,
    change_note_en,
    minutes,
    minutes_public,
) -> dict:
    """What an approval record copies from the minutes, the same for an approval and a correction."""
    return {
        "meeting_number": to_ascii_digits(meeting_number).strip(),
        "term": term,
        "meeting_date": meeting_date,
        "decision_text": decision_text_ar,
        "decision_text_ar": decision_text_ar,
        "decision_text_en": decision_text_en,
        "change_note": change_note_ar,
        "change_note_ar": change_note_ar,
        "change_note_en": change_note_en,
        "minutes": minutes,
        "minutes_public": minutes_public,
    }


@transaction.atomic
def policy_approval_record(
    *,
    revision: Revision,
    user,
    meeting_number: str,
    term: BoardTerm | None,
    meeting_date: dt.date,
    members: Sequence[BoardMember],
    decision_text_ar: str = "",
    decision_text_en: str = "",
    change_note_ar: str = "",
    change_note_en: str = "",
    minutes=None,
    minutes_public: bool = False,
    supersedes_previous: bool = True,
    via: str = ApprovalChannel.WORKFLOW,
    reviewed_content_hash: str = "",
    continue_term: BoardTerm | None = None,
) -> BoardApproval:
    """Record the board's approval of `revision` and publish exactly that revision.

    `reviewed_content_hash` is the hash of the content the secretary was shown; when given, the
    approval is refused unless the revision still holds exactly that content.
    """
    policy = revision.content_object
    if not isinstance(policy, PolicyPage):
        raise ValidationError(_("Only policy revisions are approved by the board."))
    _check_recorder(user, via, policy.get_site())
    # Serialise version numbering per policy.
    policy = PolicyPage.objects.select_for_update().get(pk=policy.pk)
    if BoardApproval.objects.filter(revision=revision, corrects__isnull=True).exists():
        raise ValidationError(_("This revision has already been approved."))
    if continue_term is not None:
        term, members = board_term_continue(
            previous=continue_term, meeting_date=meeting_date, members=members, user=user
        )
    _validate_meeting(
        term=term, meeting_date=meeting_date, members=members, via=via, site=policy.get_site()
    )
    if reviewed_content_hash and reviewed_content_hash != revision_content_hash(revision):
        raise ValidationError(
            _("The revision changed after it was shown to you. Review it again before approving.")
        )

    latest = BoardApproval.objects.filter(policy=policy).aggregate(n=Max("version"))["n"] or 0
    approval = register_entry_create(
        members=members,
        policy=policy,
        revision=revision,
        version=latest + 1,
        **_minutes_record(
            meeting_number=meeting_number,
            term=term,
            meeting_date=meeting_date,
            decision_text_ar=decision_text_ar,
            decision_text_en=decision_text_en,
            change_note_ar=change_note_ar,
            change_note_en=change_note_en,
            minutes=minutes,
            minutes_public=minutes_public,
        ),
        supersedes_previous=supersedes_previous,
        recorded_by=user,
        recorded_via=via,
    )

    task_state = _board_task_waiting_on(policy, revision)
    if task_state is not None:
        # Finishing the workflow publishes the task's revision (cms.workflows.finish_workflow).
        task_state.approve(user=user, comment=change_note_ar)
    else:
        revision.publish(user=user, skip_permission_checks=True)
    _archive_after_commit(approval)
    log(
        instance=policy,
        action="cms.board_approval",
        user=user,
        data={
            "version": approval.version,
            "revision": revision.pk,
            "meeting": approval.meeting_number,
        },
    )
    return approval


def _archive_after_commit(approval: BoardApproval) -> None:
    """Queue the archival PDF once the approval is committed; if the queue is down, the
    approval stands and `manage.py make_approval_archives` makes it later."""

    def enqueue():
        from cms.tasks import make_approval_archive

        try:
            make_approval_archive.enqueue(approval.pk)
        except Exception:
            logger.exception("Could not queue the archive of approval %s", approval.pk)

    transaction.on_commit(enqueue)


def _board_task_waiting_on(policy: PolicyPage, revision: Revision) -> TaskState | None:
    workflow_state = policy.current_workflow_state
    if workflow_state is None:
        return None
    task_state = workflow_state.current_task_state
    if (
        task_state is not None
        and task_state.status == TaskState.STATUS_IN_PROGRESS
        and isinstance(task_state.task.specific, BoardApprovalTask)
        and task_state.revision_id == revision.pk
    ):
        return task_state
    return None


@transaction.atomic
def policy_approval_correct(
    *,
    approval: BoardApproval,
    user,
    meeting_number: str,
    term: BoardTerm | None,
    meeting_date: dt.date,
    members: Sequence[BoardMember],
    decision_text_ar: str = "",
    decision_text_en: str = "",
    change_note_ar: str = "",
    change_note_en: str = "",
    minutes=None,
    minutes_public: bool = False,
) -> BoardApproval:
    """Correct a recorded approval: a new record pointing at the original; both stay visible."""
    original = approval if approval.corrects_id is None else approval.corrects
    _check_recorder(user, ApprovalChannel.CORRECTION, original.site)
    _validate_meeting(
        term=term,
        meeting_date=meeting_date,
        members=members,
        via=ApprovalChannel.CORRECTION,
        site=original.site,
    )
    correction = register_entry_create(
        members=members,
        policy=original.policy,
        revision=original.revision,
        version=original.version,
        **_minutes_record(
            meeting_number=meeting_number,
            term=term,
            meeting_date=meeting_date,
            decision_text_ar=decision_text_ar,
            decision_text_en=decision_text_en,
            change_note_ar=change_note_ar,
            change_note_en=change_note_en,
            minutes=minutes,
            minutes_public=minutes_public,
        ),
        supersedes_previous=original.supersedes_previous,
        corrects=original,
        recorded_by=user,
        recorded_via=ApprovalChannel.CORRECTION,
    )
    _archive_after_commit(correction)
    log(
        instance=original.policy,
        action="cms.board_approval_correction",
        user=user,
        data={"version": original.version, "corrects": original.pk},
    )
    return correction


@transaction.atomic
def policy_withdraw(
    *,
    policy: PolicyPage,
    user,
    reason_ar: str,
    reason_en: str = "",
    withdrawn_on: dt.date | None = None,
) -> PolicyWithdrawal:
    """Take a policy out of force with a public reason; its page stays up, marked withdrawn."""
    _check_recorder(user, ApprovalChannel.WORKFLOW, policy.get_site())
    if not reason_ar.strip():
        raise ValidationError({"reason_ar": _("Give the reason for withdrawing the policy.")})
    if PolicyWithdrawal.objects.filter(policy=policy).exists():
        raise ValidationError(_("This policy has already been withdrawn."))
    withdrawal = PolicyWithdrawal.objects.create(
        policy=policy,
        reason=reason_ar,
        reason_ar=reason_ar,
        reason_en=reason_en,
        withdrawn_on=withdrawn_on or timezone.localdate(),
        withdrawn_by=user,
    )
    log(instance=policy, action="cms.policy_withdraw", user=user, data={"reason": reason_ar})
    return withdrawal


def faq_feedback_record(*, faq, language: str, helpful: bool) -> None:
    """Count one yes/no for an answer in a language. Only totals are stored, never who voted."""
    from django.db.models import F

    from cms.models import FAQFeedback

    row, _created = FAQFeedback.objects.get_or_create(faq=faq, language=language[:5])
    field = "helpful" if helpful else "not_helpful"
    FAQFeedback.objects.filter(pk=row.pk).update(**{field: F(field) + 1})
