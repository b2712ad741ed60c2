"""Fixtures of the staff accounts' tests: the inbox's roles, and a real sign-in."""

import pytest

from tests.inbox.conftest import roles  # noqa: F401

PASSWORD = "correct horse battery staple"  # noqa: S105 (tests.factories.UserFactory's)


def sign_in(client, username, password=PASSWORD, address="203.0.113.7", **extra):
    """The admin's sign-in form, as a browser posts it."""
    return client.post(
        "/admin/login/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        **extra,
    )


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD)
