"""Which definition an Elasticsearch index was built from: a fingerprint of its settings and
mappings, kept in the index's `_meta`, so that a release can tell the indexes behind an alias
were made by an older definition (a new field, analyser or similarity) and rebuild them; queries
of the new definition against an index of the old one would find too little."""

import hashlib
import json

from elasticsearch.dsl import Index


def fingerprint(definition: Index) -> str:
    """Of the settings and mappings (not the index's name, which carries the time)."""
    body = definition.to_dict()
    body.get("mappings", {}).pop("_meta", None)
    text = json.dumps(body, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def stamped(definition: Index) -> Index:
    """The definition with its fingerprint in the mapping's `_meta`."""
    definition.get_or_create_mapping().meta("_meta", {"definition": fingerprint(definition)})
    return definition


def outdated(client, alias: str, definition: Index) -> bool:
    """Whether an index behind `alias` was built from another definition than this one (an
    alias not made yet is not outdated: it is made with this definition when first written)."""
    if not client.indices.exists_alias(name=alias):
        return False
    wanted = fingerprint(definition)
    mappings = client.indices.get_mapping(index=alias)
    return any(
        (body.get("mappings", {}).get("_meta") or {}).get("definition") != wanted
        for body in mappings.values()
    )
