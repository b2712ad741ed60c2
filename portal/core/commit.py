"""Work gathered over one transaction and done once, after its commit."""

from django.db import transaction


def gather_after_commit(run, items: dict) -> None:
    """Call `run(gathered)` once the current transaction commits (at once outside one), with
    every item the transaction gathered for `run` (the first value of a key is kept). A
    rolled-back transaction runs nothing; nothing run after the commit turns the committed
    change into an error answer (robust)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        run(dict(items))
        return
    waiting = connection.__dict__.setdefault("sila_after_commit", {})
    pending, flush = waiting.get(run, (None, None))
    if flush is not None and any(
        func is flush for _sids, func, _robust in connection.run_on_commit
    ):
        for key, value in items.items():
            pending.setdefault(key, value)
        return
    pending = dict(items)

    def flush():
        waiting.pop(run, None)
        run(pending)

    waiting[run] = (pending, flush)
    transaction.on_commit(flush, robust=True)
