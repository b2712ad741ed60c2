"""Repeated wrong passwords pause signing in: per account and address, and per address over
any accounts; the page says so in the reader's language and the account's history records it."""

import random
import string

import pytest

from django.conf import settings

from wagtail.models import ModelLogEntry

from tests.accounts.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def wrong_password(rng) -> str:
    return "".join(rng.choices(string.ascii_letters + string.digits, k=rng.randint(6, 20)))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_an_account_is_paused_after_five_wrong_passwords_from_one_address(client, seed):
    rng = random.Random(seed)
    user = UserFactory(username=f"staff{seed}")
    address = f"198.51.100.{rng.randint(1, 250)}"
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, user.username, wrong_password(rng), address)
        assert response.status_code == 200, attempt  # the form again, with its error
    response = sign_in(client, user.username, wrong_password(rng), address)
    assert response.status_code == 429
    # The right password changes nothing while the pause lasts.
    response = sign_in(client, user.username, address=address)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert "محاولات" in page and 'lang="ar"' in page
    assert ModelLogEntry.objects.for_instance(user).filter(action="sila.account_locked").exists()


def test_the_lockout_page_speaks_english_to_an_english_reader(client):
    user = UserFactory(username="reader")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, user.username, "nope", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert "too many wrong sign-in attempts" in response.content.decode()


def test_another_address_still_signs_in_and_a_success_clears_the_count(client):
    user = UserFactory(username="traveller")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, user.username, "nope", "198.51.100.1")
    assert sign_in(client, user.username, address="198.51.100.2").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, user.username, "nope", "198.51.100.3")
    assert sign_in(client, user.username, address="198.51.100.3").status_code == 302
    client.logout()
    # The success started the count again: four more failures do not pause it.
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, user.username, "nope", "198.51.100.3")
    assert sign_in(client, user.username, address="198.51.100.3").status_code == 302


def test_one_address_trying_many_accounts_is_paused_at_its_own_limit(client):
    rng = random.Random(7)
    victim = UserFactory(username="victim")
    address = "192.0.2.44"
    names = [f"guess{rng.randint(0, 10**6)}" for _ in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT)]
    for name in names[:-1]:
        assert sign_in(client, name, "nope", address).status_code == 200
    assert sign_in(client, names[-1], "nope", address).status_code == 429
    assert sign_in(client, victim.username, address=address).status_code == 429
    # Elsewhere the victim signs in.
    assert sign_in(client, victim.username, address="192.0.2.45").status_code == 302


def test_behind_the_proxy_each_client_counts_apart_and_forged_entries_change_nothing(
    client, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    user = UserFactory(username="proxied")
    for n in range(settings.AXES_FAILURE_LIMIT):
        # The attacker puts a new address in front each time; nginx appends the real one.
        forwarded = f"10.9.8.{n}, 203.0.113.50"
        response = sign_in(
            client, user.username, "nope", "127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded
        )
    assert response.status_code == 429
    other = sign_in(client, user.username, address="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.51")
    assert other.status_code == 302
