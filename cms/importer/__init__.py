"""Reading policy documents into typed sections and a board approval (see parser)."""

from cms.importer.parser import *  # noqa: F403
from cms.importer.parser import fold, parse_policy_bytes, parse_policy_text, sections_to_stream

__all__ = ["fold", "parse_policy_bytes", "parse_policy_text", "sections_to_stream"]
