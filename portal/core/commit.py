"""Work gathered over one transaction and done once, after its commit."""

import contextlib
import logging
from contextvars import ContextVar

from django.db import transaction

logger = logging.getLogger(__name__)

# Work gathered by `committed_statements()` blocks: run → the items gathered for it.
_gathering: ContextVar[dict | None] = ContextVar("sila_gathering", default=None)


def gather_after_commit(run, items: dict) -> None:
    """Call `run(gathered)` once the current transaction commits (at once outside one), with
    every item the transaction gathered for `run` (the first value of a key is kept). A
    rolled-back transaction runs nothing; nothing run after the commit turns the committed
    change into an error answer (robust)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        gathering = _gathering.get()
        if gathering is None:
            run(dict(items))
        else:
            pending = gathering.setdefault(run, {})
            for key, value in items.items():
                pending.setdefault(key, value)
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


@contextlib.contextmanager
def committed_statements():
    """For work written by statements that commit themselves (autocommit): what the block
    gathers outside a transaction runs once, at its end, as it would once after one commit, and
    as robustly: a failure is logged, not raised. Work gathered inside a transaction still waits
    for that transaction's commit."""
    if _gathering.get() is not None:
        yield
        return
    gathering = {}
    token = _gathering.set(gathering)
    try:
        yield
    finally:
        _gathering.reset(token)
    for run, items in gathering.items():
        try:
            run(items)
        except Exception:  # noqa: BLE001 - as a robust on_commit callback
            # The statements are committed: nothing after them turns the change into an error
            # answer. What `run` would have started (an index run, the receipts' run) is
            # caught up by the periodic sweep and catch-up that read the same rows.
            logger.exception("work after committed statements failed: %s", _name(run))


def _name(run) -> str:
    return getattr(run, "__qualname__", type(run).__name__)
