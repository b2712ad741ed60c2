"""Filing a submission of any kind: the one door for the public form, the API and staff recording
an off-line request. One transaction writes the submission, its case file, the consents, the
documents and the first step of its timeline; the receipts are sent after the commit, so a
failing mail or SMS service never loses a submission."""

import logging
import secrets
from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models.expressions import RawSQL
from django.db.models.sql import InsertQuery
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from forms.attachments import check_files, clean_file
from forms.casework.kinds import SubmissionKind
from forms.consents import VERSION
from forms.models import Attachment, CaseFile, Channel, Consent, ReferenceCounter, StatusEvent
from forms.notifications import notifications_send_after_commit
from portal.core.associations import current_or_default_site

logger = logging.getLogger(__name__)


def reference_next(*, prefix: str) -> str:
    """HR-2026-000123: numbered per prefix and year, rising by one with each filing, safe under
    concurrency. One statement (UPDATE … RETURNING) whose lock on the counter's row lasts until
    its transaction ends; the row is made on first use."""
    year = timezone.localdate().year
    table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
    sql = f"UPDATE {table} SET last = last + 1 WHERE prefix = %s AND year = %s RETURNING last"  # noqa: S608 - the table name is the model's
    for _attempt in range(2):
        with connection.cursor() as cursor:
            cursor.execute(sql, [prefix, year])
            row = cursor.fetchone()
        if row is not None:
            return f"{prefix}-{year}-{row[0]:06d}"
        ReferenceCounter.objects.get_or_create(prefix=prefix, year=year)
    raise RuntimeError(f"no reference counter for {prefix} {year}")


def consents_check(*, kind: SubmissionKind, answers: dict) -> None:
    missing = [
        purpose
        for purpose, (_text, required) in kind.consents.items()
        if required and not answers.get(purpose)
    ]
    if missing:
        raise ValidationError({"consents": ["required consent missing"]}, code="consent_required")


def consents_record(*, submission, kind: SubmissionKind, answers: dict, language: str) -> None:
    """The text the applicant agreed to, in their language, with its version and the time."""
    Consent.objects.bulk_create(
        consents_made(submission=submission, kind=kind, answers=answers, language=language)
    )


def consents_made(*, submission, kind: SubmissionKind, answers: dict, language: str) -> list:
    """The consent rows of `consents_record`, not yet saved."""
    with translation.override(language):
        return [
            Consent(
                owner=submission,
                purpose=purpose,
                text_version=VERSION,
                text=str(text),
                language=language,
                given=bool(answers.get(purpose)),
            )
            for purpose, (text, _required) in kind.consents.items()
        ]


def _insert_sql(objs: Sequence[models.Model], *, returning: bool = False) -> tuple[str, tuple]:
    """One INSERT of `objs` (all of one model, without primary keys) as Django writes it: the
    same columns, defaults and `pre_save` values (auto_now_add) as `bulk_create`."""
    meta = objs[0]._meta
    fields = [f for f in meta.concrete_fields if not f.generated and f is not meta.auto_field]
    query = InsertQuery(objs[0].__class__)
    query.insert_values(fields, objs)
    compiler = query.get_compiler(connection=connection)
    if returning:
        compiler.returning_fields = [meta.pk]
    [(sql, params)] = compiler.as_sql()
    return sql, tuple(params)


def case_file_create(*, case_file: CaseFile, rows: Sequence[models.Model]) -> CaseFile:
    """Insert a new case file and rows that belong to it (`case_file_id` is set here): on
    PostgreSQL one statement writes them all (each insert a data-modifying WITH part, the rows
    taking the case file's new key from the first), one round trip and one statement to parse
    instead of one per model; elsewhere an insert per model. The rows get no primary keys back:
    nothing a filing does reads them again."""
    if connection.vendor != "postgresql":
        case_file.save()
        for model in dict.fromkeys(type(row) for row in rows):
            mine = [row for row in rows if type(row) is model]
            for row in mine:
                row.case_file_id = case_file.pk
            model.objects.bulk_create(mine)
        return case_file
    qn = connection.ops.quote_name
    pk_column = qn(case_file._meta.pk.column)
    sql, case_file_params = _insert_sql([case_file], returning=True)
    parts = [f"{qn('case_file')} AS ({sql})"]
    params = list(case_file_params)
    new_key = RawSQL(f"SELECT {pk_column} FROM {qn('case_file')}", ())  # noqa: S608, S611
    for index, model in enumerate(dict.fromkeys(type(row) for row in rows)):
        mine = [row for row in rows if type(row) is model]
        for row in mine:
            row.case_file_id = new_key
        sql, row_params = _insert_sql(mine)
        parts.append(f"{qn(f'rows_{index}')} AS ({sql})")
        params.extend(row_params)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH {', '.join(parts)} SELECT {pk_column} FROM {qn('case_file')}",  # noqa: S608 - Django's own SQL
            params,
        )
        case_file.pk = cursor.fetchone()[0]
    for obj in (case_file, *rows):
        obj._state.adding = False
        obj._state.db = connection.alias
    for row in rows:
        row.case_file_id = case_file.pk
    return case_file


def attachments_store(*, submission, uploads: Sequence, document: str = "") -> None:
    """Store checked uploads as the submission's documents (`document`: which required
    document they are)."""
    for upload in uploads:
        file, content_type, original = clean_file(upload)
        Attachment.objects.create(
            owner=submission,
            file=file,
            content_type=content_type,
            original_name=original,
            size=file.size,
            document=document[:200],
        )


def documents_missing_message(missing: Sequence[str]) -> str:
    """The public step that asks for the documents the applicant will send later."""
    return str(_("Send these documents to complete your request: %(documents)s.")) % {
        "documents": "، ".join(missing)
        if translation.get_language() == "ar"
        else ", ".join(missing)
    }


def _filed(kind: SubmissionKind, idempotency_key: str | None, site):
    if not idempotency_key:
        return None
    return kind.model.objects.filter(site=site, idempotency_key=idempotency_key).first()


def _checked_relations(data: dict) -> list[str]:
    """Fields given as model instances: the form that cleaned them read them from the database,
    so checking that they exist would cost a query per relation for nothing."""
    return [name for name, value in data.items() if isinstance(value, models.Model)]


def submission_file(
    *,
    kind: SubmissionKind,
    data: dict,
    consents: dict,
    attachments: Sequence = (),
    documents: Mapping[str, Sequence] | None = None,
    documents_later: bool = False,
    language: str = "ar",
    channel: str = Channel.WEBSITE,
    recorded_by=None,
    idempotency_key: str | None = None,
    site=None,
    replay_checked: bool = False,
):
    """File a submission of `kind`. Returns (submission, created); the same idempotency key
    returns the submission it already filed instead of filing another one (`replay_checked`:
    the door has just looked it up; a replay racing this filing is still caught at the insert).

    `documents` holds the files of each required document by name. A required document with no
    file is refused unless `documents_later` says the applicant will send it: the submission then
    waits for it (the kind's waiting status) with the list of what is missing.

    The submission belongs to `site`, else the current association (the request's host)."""
    site = site or current_or_default_site()
    if not replay_checked and (existing := _filed(kind, idempotency_key, site)):
        return existing, False
    consents_check(kind=kind, answers=consents)
    if attachments and not kind.accepts_attachments:
        raise ValidationError({"attachments": _("This kind of submission takes no documents.")})
    # Doors that ask for the required documents by name pass `documents`; the others (staff
    # recording a paper request, the API) file as before.
    checked = documents is not None
    documents = {name: list(files) for name, files in (documents or {}).items() if files}
    check_files([*attachments, *(file for files in documents.values() for file in files)])
    required = kind.documents_for(data) if checked else []
    missing = [name for name in required if name not in documents]
    if missing and not (documents_later and kind.waiting_status):
        raise ValidationError(
            {"documents": _("Attach the required documents: %(documents)s.")
             % {"documents": ", ".join(missing)}},
            code="documents_missing",
        )  # fmt: skip
    submission = kind.model(
        **data,
        **kind.prepare(data=data, consents=consents),
        status=kind.initial,
        channel=channel,
        language=language,
        recorded_by=recorded_by,
        site=site,
        idempotency_key=idempotency_key or None,
        tracking_salt=secrets.token_hex(16),
    )
    # Checked before the transaction, and the number taken before it too.
    submission.full_clean(
        # the site and the relations given as rows were read from the database: no query
        # to check they exist
        exclude=["reference", "tracking_salt", "case_file", "site", *_checked_relations(data)],
        # the database's unique constraints hold (a raced idempotency key lands below)
        validate_unique=False,
        validate_constraints=False,
    )
    # The number is taken in a statement of its own, so the counter's row is locked only while
    # the database runs that statement, not until the filing commits: concurrent filings never
    # queue on it. A filing that fails after this (a raced retry, a lost database) leaves its
    # number unused; references stay unique and rising. (Inside a caller's transaction the lock
    # lasts until that transaction ends, as any row lock does.)
    submission.reference = reference_next(prefix=kind.prefix)
    try:
        with transaction.atomic():
            # The case file, the consents and the first step of the timeline: one statement.
            submission.case_file = case_file_create(
                case_file=CaseFile(kind=kind.slug, site=site),
                rows=[
                    *consents_made(
                        submission=submission, kind=kind, answers=consents, language=language
                    ),
                    StatusEvent(to_status=kind.initial, public=True, by=recorded_by),
                ],
            )
            attachments_store(submission=submission, uploads=attachments)
            for name, files in documents.items():
                attachments_store(submission=submission, uploads=files, document=name)
            submission.save()
            if missing:
                _wait_for_documents(kind, submission, missing, language)
            notifications_send_after_commit(kind.receipt(submission))
    except IntegrityError:
        # Two retries of one submission raced; the first one won (keys are per association).
        if existing := _filed(kind, idempotency_key, site):
            return existing, False
        raise
    logger.info("%s filed: %s via %s", kind.slug, submission.reference, channel)
    return submission, True


def _wait_for_documents(kind: SubmissionKind, submission, missing: Sequence[str], language) -> None:
    """A submission filed without some required documents waits for them, saying which."""
    with translation.override(language):
        message = documents_missing_message(missing)
    StatusEvent.objects.create(
        owner=submission,
        from_status=kind.initial,
        to_status=kind.waiting_status,
        public=True,
        message=message,
    )
    submission.status = kind.waiting_status
    submission.save(update_fields=["status"])
