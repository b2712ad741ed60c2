"""How alike two words are: trigram similarity as PostgreSQL's pg_trgm measures it, and an edit
distance that counts a swap of neighbours as one — to take a misspelt word for the indexed word
it looks like."""

# A word that matches nothing may be a misspelling of an indexed word at least this similar.
SIMILAR_WORD = 0.4


def looks_like(typed: str, word: str) -> bool:
    """Whether `typed` may be a misspelling of `word`: trigram similarity of at least
    SIMILAR_WORD, or (words of four letters or more) one letter left out, added, changed or
    swapped with its neighbour (الحري for الحربي, whose trigrams are too few to tell)."""
    if trigram_similarity(typed, word) >= SIMILAR_WORD:
        return True
    return len(word) >= 4 and len(typed) >= 3 and edit_distance(typed, word, limit=1) <= 1


def edit_distance(a: str, b: str, *, limit: int) -> int:
    """Letters to leave out, add, change or swap with a neighbour to turn `a` into `b`
    (optimal string alignment), or limit + 1 once it is known to be more than `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, letter in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, other in enumerate(b, 1):
            current[j] = min(
                previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (letter != other)
            )
            if i > 1 and j > 1 and letter == b[j - 2] and a[i - 2] == other:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def trigram_similarity(a: str, b: str) -> float:
    """Shared three-letter pieces over all pieces of two words, each padded as pg_trgm pads
    them (two spaces before, one after), so short words compare as PostgreSQL would."""

    def pieces(word: str) -> set[str]:
        padded = f"  {word} "
        return {padded[i : i + 3] for i in range(len(padded) - 2)}

    mine, theirs = pieces(a), pieces(b)
    return len(mine & theirs) / len(mine | theirs)
