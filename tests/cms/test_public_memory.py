"""What each process keeps of public reads is forgotten as soon as what it shows changes."""

import pytest

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import PageViewRestriction

from cms.models import AssociationProfile
from portal.core.public_memory import GENERATION_KEY, ProcessMemory, public_token, renew

pytestmark = pytest.mark.django_db


def queries_of(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


def test_memory_holds_for_one_token_only():
    memory = ProcessMemory(size=2)
    memory.set("a", "key", 1)
    assert memory.get("a", "key") == 1
    assert memory.get("b", "key") is None  # another token: nothing kept under the old one
    memory.set("b", "other", 2)
    assert memory.get("a", "key") is None
    memory.set("b", "third", 3)
    memory.set("b", "fourth", 4)
    assert memory.get("b", "other") is None  # bounded: the least recently used goes


def test_a_token_is_never_handed_out_twice():
    first = public_token()
    renew()
    second = public_token()
    cache.clear()  # an emptied cache (a restarted Redis) starts no older token again
    third = public_token()
    assert len({first, second, third}) == 3
    assert cache.get(GENERATION_KEY) == third


def test_a_published_page_is_read_afresh(client, about_page):
    url = about_page.url
    client.get(url)  # warm
    remembered = queries_of(client, url)
    about_page.title_ar = "عنوان جديد منشور"
    about_page.save_revision().publish()
    page = client.get(url).content.decode()
    assert "عنوان جديد منشور" in page
    assert queries_of(client, url) == remembered


def test_an_unpublished_page_is_gone_at_the_next_request(client, about_page):
    url = about_page.url
    client.get(url)
    assert client.get(url).status_code == 200
    about_page.unpublish()
    assert client.get(url).status_code == 404


def test_a_profile_edit_shows_on_every_page_at_once(client, about_page, profile):
    url = about_page.url
    client.get(url)
    client.get(url)
    edited = AssociationProfile.objects.get(pk=profile.pk)
    edited.name_ar = "جمعية باسم جديد"
    edited.save()
    assert "جمعية باسم جديد" in client.get(url).content.decode()


def test_a_new_view_restriction_applies_at_once(client, about_page):
    url = about_page.url
    client.get(url)
    assert client.get(url).status_code == 200
    PageViewRestriction.objects.create(page=about_page, restriction_type="login")
    assert client.get(url).status_code == 302  # to the sign-in page
