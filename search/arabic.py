"""Moved to search.text.arabic; this path stays while code elsewhere still imports it here."""

from search.text.arabic import *  # noqa: F403
