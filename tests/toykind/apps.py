from django.apps import AppConfig


class ToyKindConfig(AppConfig):
    """A kind of submission declared outside the intake app, for the tests only: its model
    (with its own migration), its tables and one class — nothing in the engine names it."""

    name = "tests.toykind"
    label = "toykind"

    def ready(self):
        from tests.toykind import kind  # noqa: F401 - registers the kind
