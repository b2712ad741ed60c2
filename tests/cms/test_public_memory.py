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


def test_a_request_reads_the_token_once_and_a_change_it_makes_is_read_afresh(
    client, home, monkeypatch
):
    from django.core.signals import request_finished, request_started

    from tests.forms.helpers import help_form_data, saudi_id

    reads = []
    get = cache.get

    def counting_get(key, *args, **kwargs):
        if key == GENERATION_KEY:
            reads.append(key)
        return get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", counting_get)
    data = help_form_data(national_id=saudi_id(body="00000077"))
    for key in ("started", "submission_token", "website"):
        data.pop(key)
    # a filing reads the receipt's texts, the promised period and the host's site: one read
    assert client.post("/api/v1/help-requests/", data).status_code == 201
    assert len(reads) == 1

    # within one request, a change that draws a new token is seen by the reads after it
    request_started.send(sender=None)
    try:
        first = public_token()
        assert public_token() == first
        renew()
        assert public_token() != first
        assert public_token() == cache.get(GENERATION_KEY)
    finally:
        request_finished.send(sender=None)
    # outside a request (a task), every read asks the cache
    reads.clear()
    public_token()
    public_token()
    assert len(reads) == 2
