"""Adding a collection to Wagtail's tree of collections (treebeard's materialised paths) with
any model registry: the installed apps, or a migration's historical models, which have no
`add_child`. Written once so onboarding and the data migrations that complete older installs
make the same rows."""

from django.db.models import F

# treebeard's defaults, which Wagtail's Collection keeps
STEPLEN = 4
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _step(number: int) -> str:
    digits = ""
    while number:
        number, digit = divmod(number, len(ALPHABET))
        digits = ALPHABET[digit] + digits
    return digits.rjust(STEPLEN, ALPHABET[0])


def collection_child_add(Collection, parent, name: str):
    """A new last child of `parent` named `name` (treebeard's `parent.add_child(name=name)`)."""
    children = Collection.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
    last = children.order_by("-path").values_list("path", flat=True).first()
    number = int(last[-STEPLEN:], len(ALPHABET)) + 1 if last else 1
    child = Collection.objects.create(
        name=name, path=parent.path + _step(number), depth=parent.depth + 1, numchild=0
    )
    Collection.objects.filter(pk=parent.pk).update(numchild=F("numchild") + 1)
    parent.numchild += 1
    return child
