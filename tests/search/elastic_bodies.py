"""Reading Elasticsearch requests as data: which clauses of a query would read statistics of the
whole shard (every association's documents) to match or to score."""

# Queries that expand to terms of the shard's dictionary, up to a budget every association
# shares, or that score from statistics of the shard whatever the field's similarity.
EXPANDING = {
    "fuzzy",
    "prefix",
    "wildcard",
    "regexp",
    "match_phrase_prefix",
    "match_bool_prefix",
    "more_like_this",
    "query_string",
    "simple_query_string",
    "rank_feature",
    "distance_feature",
}
SCORING_LEAVES = {"term", "terms", "match", "match_phrase", "multi_match", "combined_fields"}
# Where a clause's score is not read (filters) or replaced by a constant.
UNSCORED_KEYS = {"filter", "must_not", "constant_score"}


def _similarities(definition: dict) -> tuple[dict[str, str], dict[str, dict]]:
    """Each field's similarity name (dotted for sub-fields) and the similarities declared."""
    settings = definition.get("settings", {})
    declared = settings.get("similarity") or settings.get("index", {}).get("similarity") or {}
    default = "default" if "default" in declared else "BM25"
    of_field: dict[str, str] = {}

    def walk(properties: dict, prefix: str) -> None:
        for name, spec in properties.items():
            path = f"{prefix}{name}"
            of_field[path] = spec.get("similarity", default)
            walk(spec.get("fields", {}), f"{path}.")
            walk(spec.get("properties", {}), f"{path}.")

    walk(definition.get("mappings", {}).get("properties", {}), "")
    return of_field, declared


def _statistics_free(similarity: str, declared: dict) -> bool:
    spec = declared.get(similarity)
    if spec is None:  # BM25, DFR, … : the shard's document frequencies and average lengths
        return False
    if spec.get("type") == "boolean":
        return True
    if spec.get("type") == "scripted":
        sources = spec["script"]["source"] + spec.get("weight_script", {}).get("source", "")
        return "field." not in sources and "term." not in sources
    return False


def _fields(leaf: dict) -> list[str]:
    if "fields" in leaf:
        return [field.split("^")[0] for field in leaf["fields"]]
    return [key for key in leaf if key not in ("boost", "_name")]


def shard_statistics_read(definition: dict, query: dict) -> list[dict]:
    """The clauses of `query` (a request's query as a dict) that would read statistics of the
    shard under the index `definition` (settings and mappings as a dict): expansions over the
    shard's terms, fuzziness, and clauses scored by a field whose similarity reads them."""
    of_field, declared = _similarities(definition)
    found: list[dict] = []

    def walk(node, scored: bool) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item, scored)
            return
        if not isinstance(node, dict):
            return
        for key, value in node.items():
            if key in EXPANDING or key == "fuzziness":
                found.append({key: value})
            elif key in SCORING_LEAVES and isinstance(value, dict):
                if scored and not all(
                    _statistics_free(of_field.get(field, "BM25"), declared)
                    for field in _fields(value)
                ):
                    found.append({key: value})
                if isinstance(value.get("query"), dict):
                    walk(value["query"], scored)
            else:
                walk(value, scored and key not in UNSCORED_KEYS)

    walk(query, True)
    return found
