"""Rebuild the submission index from the database, with a progress bar; `--resume` continues
an interrupted rebuild where it stopped; `--if-outdated` rebuilds only when the backend's
indexes were built from an older definition (Elasticsearch: a new mapping, analyser or
similarity; the release step runs it). Elasticsearch builds new indexes and switches the aliases
at the end, so searching never stops."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from search.index.base import get_backend
from search.index.registry import indexed, indexed_kinds
from search.models import IndexRebuild, SearchPending


class Command(BaseCommand):
    help = "Rebuild the submission search index (every kind of submission registered)."

    def add_arguments(self, parser):
        parser.add_argument("--resume", action="store_true", help="Continue the last rebuild")
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument("--no-progress", action="store_true", help="Print no progress bar")
        parser.add_argument(
            "--if-outdated",
            action="store_true",
            help="Rebuild only when the indexes were built from an older definition",
        )

    def handle(
        self,
        *args,
        resume=False,
        batch_size=1000,
        no_progress=False,
        if_outdated=False,
        **options,
    ):
        backend = get_backend()
        if if_outdated and not backend.outdated():
            self.stdout.write(self.style.SUCCESS("the submission index is up to date"))
            return
        kinds = indexed_kinds()
        started = timezone.now()
        runs = self._unfinished(backend) if resume else {}
        if runs:
            first = next(iter(runs.values()))
            self.stdout.write(f"resuming the rebuild started {first.started_at:%Y-%m-%d %H:%M}")
            target, started = first.target, first.started_at
        else:
            target = backend.rebuild_start()
        for kind in kinds:
            if kind not in runs:  # a kind registered since the rebuild started begins now
                runs[kind] = IndexRebuild.objects.create(
                    backend=backend.name,
                    target=target,
                    kind=kind,
                    total=indexed(kind).model.objects.count(),
                    started_at=started,
                )
        seen: dict[str, set[int]] = {}
        for kind in kinds:
            run = runs[kind]
            spec = indexed(kind)
            model = spec.model
            seen[kind] = set(
                model.objects.filter(pk__lte=run.last_object_id).values_list("pk", flat=True)
            )
            queryset = model.objects.filter(pk__gt=run.last_object_id).order_by("pk")
            while True:
                batch = spec.rows(queryset.filter(pk__gt=run.last_object_id)[:batch_size])
                if not batch:
                    break
                backend.rebuild_index(run.target, [spec.document(obj) for obj in batch])
                seen[kind].update(obj.pk for obj in batch)
                run.last_object_id = batch[-1].pk
                run.done += len(batch)
                run.save(update_fields=["last_object_id", "done"])
                if not no_progress:
                    self._progress(kind, run.done, run.total)
            if not no_progress:
                self.stdout.write("")
        backend.rebuild_finish(target, seen)
        finished = timezone.now()
        for run in runs.values():
            run.finished_at = finished
            run.save(update_fields=["finished_at"])
        # What changed before this rebuild started is now in the index.
        SearchPending.objects.filter(since__lt=started).delete()
        self.stdout.write(
            self.style.SUCCESS(
                "rebuilt: " + ", ".join(f"{kind} {runs[kind].done}" for kind in kinds)
            )
        )

    @staticmethod
    def _unfinished(backend) -> dict:
        """The runs of the last rebuild by kind, if it did not finish."""
        last = IndexRebuild.objects.filter(backend=backend.name).first()
        if last is None or last.finished_at is not None:
            return {}
        return {
            run.kind: run
            for run in IndexRebuild.objects.filter(
                backend=backend.name, target=last.target, started_at=last.started_at
            )
        }

    def _progress(self, kind: str, done: int, total: int) -> None:
        width = 30
        share = done / total if total else 1
        bar = "#" * int(share * width)
        self.stdout.write(f"\r{kind:<10} [{bar:<{width}}] {share:6.1%} {done}/{total}", ending="")
        self.stdout.flush()
