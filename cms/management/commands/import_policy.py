"""Import policy documents (plain text or Markdown-ish) as drafts, with their board approval."""

import json
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from cms.importer import PolicyImportError, parse_policy_bytes
from cms.models import PolicyCategory, PolicyIndexPage, PolicyPage
from cms.services import policy_import


class Command(BaseCommand):
    help = (
        "Import policy documents. Each becomes a policy draft with its sections recognised; "
        "a board approval found in the document is recorded, which publishes that version."
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

    def handle(self, *args, files, dry_run, format, into, category, title_en, **options):
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
                parsed = parse_policy_bytes(path.read_bytes())
            except FileNotFoundError:
                failures += 1
                self.stderr.write(self.style.ERROR(f"{path}: file not found"))
                continue
            except PolicyImportError as error:
                failures += 1
                self.stderr.write(self.style.ERROR(f"{path}: {error}"))
                continue
            result = {"file": str(path), **parsed.as_dict()}
            if not dry_run:
                try:
                    policy, approval = policy_import(
                        parsed=parsed,
                        parent=parent,
                        into=target,
                        category=category,
                        title_en=title_en,
                    )
                except (ValidationError, PermissionDenied) as error:
                    failures += 1
                    self.stderr.write(
                        self.style.ERROR(
                            f"{path}: {'; '.join(getattr(error, 'messages', [str(error)]))}"
                        )
                    )
                    continue
                result["policy"] = {"id": policy.pk, "slug": policy.slug, "live": policy.live}
                result["version"] = approval.version if approval else None
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
            state = (
                f"published as version {result['version']}"
                if result["version"]
                else "saved as a draft"
            )
            lines.append(f"  {state}: /{result['policy']['slug']}/")
        return "\n".join(lines)
