"""Moved to portal.core.dates; this path stays while code elsewhere still imports it here."""

from portal.core.dates import *  # noqa: F403
