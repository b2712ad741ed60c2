"""Filing a submission of any kind: the one door for the public form, the API and staff recording
an off-line request. After its number, one statement on PostgreSQL (one transaction elsewhere)
writes the submission, its case file, the consents, the documents, the first step of its
timeline, its receipts (the outbox) and its mark for the search index; the receipts are sent
after the commit, so a failing mail or SMS service never loses a submission."""

import contextlib
import dataclasses
import logging
import secrets
from collections.abc import Mapping, Sequence

import psycopg

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models.constants import OnConflict
from django.db.models.signals import post_save, pre_save
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from forms.attachments import check_files, clean_file
from forms.casework.kinds import SubmissionKind
from forms.consents import VERSION
from forms.models import (
    Attachment,
    CaseFile,
    Channel,
    Consent,
    Notification,
    ReferenceCounter,
    StatusEvent,
)
from forms.notifications import notifications_deliver_after_commit, notifications_queued
from portal.core.associations import current_or_default_site
from portal.core.commit import committed_statements
from search.index.pending import PENDING_UPSERT, pending_row
from search.index.registry import indexed_slug

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


@dataclasses.dataclass
class Insert:
    """One part of a filing's statement: new rows of one model (without primary keys). `links`
    names, by attribute, the columns that take the new key of an earlier part (by its `name`);
    `returning`: the part's one row gives its key to the parts after it; `upsert`: (unique
    fields, fields to update) should the row already be there."""

    name: str
    objs: Sequence[models.Model]
    links: Mapping[str, str] = dataclasses.field(default_factory=dict)
    returning: bool = False
    upsert: tuple[tuple[str, ...], tuple[str, ...]] | None = None


# The SQL of each shape of insert (model, rows, links, key returned, upsert), made once per
# process: Django's compiler builds the same text again for every filing otherwise, and only the
# values change.
_INSERT_SQL: dict[tuple, tuple[str, list]] = {}
KEY = '"key"'  # what a part that returns its new key calls it


def _insert_part_sql(part: Insert) -> tuple[str, list]:
    """(the INSERT's text, the fields whose values it takes, in order)."""
    model = type(part.objs[0])
    key = (model, len(part.objs), tuple(sorted(part.links.items())), part.returning, part.upsert)
    made = _INSERT_SQL.get(key)
    if made is not None:
        return made
    meta = model._meta
    qn = connection.ops.quote_name
    fields = [f for f in meta.concrete_fields if not f.generated and f is not meta.auto_field]
    placeholders = [
        f"(SELECT {KEY} FROM {qn(part.links[f.attname])})"  # noqa: S608 - the parts' own names
        if f.attname in part.links
        else "%s"
        for f in fields
    ]
    row = "(" + ", ".join(placeholders) + ")"
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "  # noqa: S608 - the model's own names
        f"VALUES {', '.join([row] * len(part.objs))}"
    )
    if part.upsert:
        unique, update = part.upsert
        sql += " " + connection.ops.on_conflict_suffix_sql(
            fields,
            OnConflict.UPDATE,
            [meta.get_field(name).column for name in update],
            [meta.get_field(name).column for name in unique],
        )
    if part.returning:
        sql += f" RETURNING {qn(meta.pk.column)} AS {KEY}"
    made = _INSERT_SQL[key] = (sql, [f for f in fields if f.attname not in part.links])
    return made


def _insert_part(part: Insert) -> tuple[str, list]:
    """The INSERT of `part` and its values, computed as Django computes them for an insert
    (`pre_save`: defaults such as auto_now_add, files stored; then the value prepared for the
    database)."""
    sql, fields = _insert_part_sql(part)
    params = [
        field.get_db_prep_save(field.pre_save(obj, True), connection=connection)
        for obj in part.objs
        for field in fields
    ]
    return sql, params


def rows_insert(parts: Sequence[Insert]) -> dict[str, int]:
    """Insert every part in one statement on PostgreSQL: each a data-modifying WITH part, those
    that take another's new key reading it from that part. One round trip, one statement to
    parse, and (outside a transaction) its own commit. Returns the new key of each part that
    returns one; the rows' `_state` says they are saved, and their links hold the keys."""
    sql, params = [], []
    for part in parts:
        part_sql, values = _insert_part(part)
        sql.append(part_sql)
        params.extend(values)
    statement = _statement(parts, sql)
    returned = [part for part in parts if part.returning]
    with _bound_cursor() as cursor:
        cursor.execute(statement, params)
        keys = dict(zip((part.name for part in returned), cursor.fetchone(), strict=True))
    for part in parts:
        for obj in part.objs:
            obj._state.adding = False
            obj._state.db = connection.alias
            for name, source in part.links.items():
                setattr(obj, name, keys[source])
        if part.returning:
            part.objs[0].pk = keys[part.name]
    return keys


# The filing's statement of each shape (its parts' SQL), with PostgreSQL's own numbered
# placeholders ($1, $2…), made once per process.
_STATEMENTS: dict[tuple, str] = {}


def _statement(parts: Sequence[Insert], sql: Sequence[str]) -> str:
    key = tuple(sql) + tuple(part.name for part in parts)
    statement = _STATEMENTS.get(key)
    if statement is None:
        qn = connection.ops.quote_name
        returned = [part for part in parts if part.returning]
        selected = ", ".join(f"(SELECT {KEY} FROM {qn(part.name)})" for part in returned)  # noqa: S608
        text = (
            f"WITH {', '.join(f'{qn(part.name)} AS ({part_sql})' for part, part_sql in zip(parts, sql, strict=True))} "  # noqa: S608 - the models' own SQL
            f"SELECT {selected}"
        )
        # the parts' SQL holds no other %s than its placeholders (names and Django's
        # ON CONFLICT clause only)
        pieces = text.split("%s")
        statement = _STATEMENTS[key] = pieces[0] + "".join(
            f"${number}{piece}" for number, piece in enumerate(pieces[1:], 1)
        )
    return statement


def _bound_cursor():
    """A cursor of Django's (its error wrapping, its query log and capture in tests) over
    psycopg's cursor for PostgreSQL's own placeholders on the current connection: the values
    travel apart from the statement, so psycopg neither parses the statement for %s nor quotes
    every value into its text, as it does again for every statement longer than 4 kB or with
    more than 50 values (the filing's is both)."""
    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = psycopg.RawCursor(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)
    return connection.make_cursor(raw)


def attachments_store(*, submission, uploads: Sequence, document: str = "") -> None:
    """Store checked uploads as the submission's documents (`document`: which required
    document they are)."""
    for attachment in attachments_made(submission=submission, uploads=uploads, document=document):
        attachment.save()


def attachments_made(*, submission, uploads: Sequence, document: str = "") -> list[Attachment]:
    """The rows of `attachments_store`, not yet saved (their files are stored when they are)."""
    made = []
    for upload in uploads:
        file, content_type, original = clean_file(upload)
        made.append(
            Attachment(
                owner=submission,
                file=file,
                content_type=content_type,
                original_name=original,
                size=file.size,
                document=document[:200],
            )
        )
    return made


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
    case_file = submission.case_file = CaseFile(kind=kind.slug, site=site)
    rows = [
        *consents_made(submission=submission, kind=kind, answers=consents, language=language),
        StatusEvent(to_status=kind.initial, public=True, by=recorded_by),
        *attachments_made(submission=submission, uploads=attachments),
        *(
            attachment
            for name, files in documents.items()
            for attachment in attachments_made(submission=submission, uploads=files, document=name)
        ),
    ]
    if missing:
        rows.append(_waiting_step(kind, missing, language))
        submission.status = kind.waiting_status
    receipts = notifications_queued(kind.receipt(submission))
    try:
        # the index's run and the receipts' run are queued together once it is written
        with committed_statements():
            filing_write(submission=submission, case_file=case_file, rows=rows, receipts=receipts)
            if receipts:
                notifications_deliver_after_commit()
    except IntegrityError:
        # Two retries of one submission raced; the first one won (keys are per association).
        if existing := _filed(kind, idempotency_key, site):
            return existing, False
        raise
    logger.info("%s filed: %s via %s", kind.slug, submission.reference, channel)
    return submission, True


def _waiting_step(kind: SubmissionKind, missing: Sequence[str], language) -> StatusEvent:
    """A submission filed without some required documents waits for them, saying which."""
    with translation.override(language):
        message = documents_missing_message(missing)
    return StatusEvent(
        from_status=kind.initial, to_status=kind.waiting_status, public=True, message=message
    )


def filing_write(*, submission, case_file: CaseFile, rows: Sequence[models.Model], receipts):
    """Write a new submission with its case file, the rows of the case file (consents, steps,
    documents), its receipts (the outbox) and its mark for the search index. On PostgreSQL one
    statement writes them all (`rows_insert`): its own transaction, or a savepoint of the
    caller's, so a raced idempotency key leaves nothing behind either way. Elsewhere an insert
    per model in one transaction. The submission's pre_save and post_save signals are sent as
    `save()` sends them; the index's mark is written here, so its receiver only has the index
    follow the commit."""
    model = type(submission)
    if connection.vendor != "postgresql":
        with transaction.atomic():
            case_file.save()
            submission.case_file = case_file
            for row in (*rows, *receipts):
                row.case_file_id = case_file.pk
            for row_model in dict.fromkeys(type(row) for row in rows):
                row_model.objects.bulk_create([row for row in rows if type(row) is row_model])
            submission.save()
            Notification.objects.bulk_create(receipts)
        return
    using = connection.alias
    pre_save.send(sender=model, instance=submission, raw=False, using=using, update_fields=None)
    parts = [Insert("case_file", [case_file], returning=True)]
    for index, row_model in enumerate(dict.fromkeys(type(row) for row in rows)):
        mine = [row for row in rows if type(row) is row_model]
        parts.append(Insert(f"rows_{index}", mine, links={"case_file_id": "case_file"}))
    parts.append(
        Insert("submission", [submission], links={"case_file_id": "case_file"}, returning=True)
    )
    if receipts:
        parts.append(Insert("receipts", receipts, links={"case_file_id": "case_file"}))
    index_slug = indexed_slug(model)
    if index_slug:
        parts.append(
            Insert(
                "index_mark",
                [pending_row(index_slug)],
                links={"object_id": "submission"},
                upsert=PENDING_UPSERT,
            )
        )
    atomic = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    with atomic:
        rows_insert(parts)
    submission.case_file = case_file
    post_save.send(
        sender=model,
        instance=submission,
        created=True,
        update_fields=None,
        raw=False,
        using=using,
        search_pending_written=bool(index_slug),
    )
