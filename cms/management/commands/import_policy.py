"""Import policy documents (text, Markdown, PDF, Word) as drafts; a board approval found in a
document waits for the board secretary unless the operator confirms it with --confirm-approval."""

import json
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from cms.importer import PolicyImportError, parse_document
from cms.importer.services import policy_document_import
from cms.models import PolicyCategory, PolicyIndexPage, PolicyPage


class Command(BaseCommand):
    help = (
        "Import policy documents (text, Markdown, PDF, Word). Each becomes a policy draft with "
        "its sections recognised; a board approval found in the document waits for the board "
        "secretary to confirm it, unless --confirm-approval records it (which publishes)."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what was understood; write nothing."
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument(
            "--into", metavar="SLUG", help="Add the document as a new revision of this policy."
        )
        parser.add_argument(
            "--category", choices=PolicyCategory.values, help="Override the guessed category."
        )
        parser.add_argument("--title-en", default="", help="English title of the new policy.")
        parser.add_argument(
            "--confirm-approval",
            action="store_true",
            help=(
                "You confirm, for the board, the approval the document states: it is recorded "
                "and the imported version published. Without it the approval waits for a board "
                "secretary in the admin."
            ),
        )

    def handle(
        self, *args, files, dry_run, format, into, category, title_en, confirm_approval, **options
    ):
        translation.activate("ar")
        parent = target = None
        if not dry_run:
            parent = PolicyIndexPage.objects.first()
            if parent is None:
                raise CommandError(
                    "There is no policy catalogue page to import into; create one first."
                )
            if into:
                target = PolicyPage.objects.filter(slug=into).first()
                if target is None:
                    raise CommandError(f"No policy with the slug {into!r}.")
        results, failures = [], 0
        for index, path in enumerate(files, start=1):
            if len(files) > 1:
                self.stderr.write(f"[{index}/{len(files)}] {path.name}")
            try:
                data = path.read_bytes()
                parsed = parse_document(data, path.name)
            except (FileNotFoundError, IsADirectoryError):
                failures += 1
                self.stderr.write(self.style.ERROR(f"{path}: file not found"))
                continue
            except PolicyImportError as error:
                failures += 1
                self.stderr.write(self.style.ERROR(f"{path}: {error}"))
                continue
            result = {"file": str(path), **parsed.as_dict()}
            result.pop("lines"), result.pop("outline")
            if not dry_run:
                try:
                    imported = policy_document_import(
                        data=data,
                        file_name=path.name,
                        parent=parent,
                        into=target,
                        category=category,
                        title_en=title_en,
                        confirm_approval=confirm_approval,
                    )
                except (ValidationError, PermissionDenied) as error:
                    failures += 1
                    self.stderr.write(
                        self.style.ERROR(
                            f"{path}: {'; '.join(getattr(error, 'messages', [str(error)]))}"
                        )
                    )
                    continue
                policy = PolicyPage.objects.get(pk=imported.policy_id)
                result["policy"] = {"id": policy.pk, "slug": policy.slug, "live": policy.live}
                record = imported.approval_record
                result["version"] = record.version if record else None
                result["approval_status"] = imported.approval_status
            results.append(result)
        if format == "json":
            payload = results[0] if len(results) == 1 and len(files) == 1 else results
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            for result in results:
                self.stdout.write(self._summary(result, dry_run))
        if failures:
            raise CommandError(f"{failures} of {len(files)} file(s) could not be imported.")

    def _summary(self, result: dict, dry_run: bool) -> str:
        report = result["report"]
        lines = [
            f"{result['file']}: {result['title']} — {result['association']}",
            f"  sections: {', '.join(s['kind'] for s in result['sections'])}",
        ]
        approval = result["approval"]
        if approval:
            lines.append(
                f"  approval: meeting {approval['meeting_number']}, term {approval['term_number'] or '—'}, "
                f"{approval['meeting_date']} ({approval['hijri_date']} AH)"
            )
        else:
            lines.append("  approval: none in the document")
        lines.append(
            f"  lines: {report['lines_total']} read, {report['lines_accounted']} accounted for, "
            f"{len(report['boilerplate'])} boilerplate, {len(report['unclassified'])} unclassified"
        )
        lines += [f"  warning: {warning}" for warning in report["warnings"]]
        if not dry_run:
            if result["version"]:
                state = f"approval recorded, published as version {result['version']}"
            elif result["approval_status"] == "pending":
                state = "saved as a draft; the approval waits for the board secretary"
            else:
                state = "saved as a draft"
            lines.append(f"  {state}: /{result['policy']['slug']}/")
        return "\n".join(lines)
