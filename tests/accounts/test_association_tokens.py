"""Several associations on one install, API tokens: a token carries its owner's roles on the
host it is used on only, so a token of one association's staff opens nothing of another's, on
either host; a platform administrator's token opens no submission; in the admin an
association's administrator lists and revokes the tokens of its own people only, and not those of
a person with roles elsewhere too (a token acts for the whole account)."""

import pytest

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied

from wagtail.models import APIToken

from forms.models import InternalNote
from portal.accounts.tokens import api_token_create, api_token_revoke
from portal.core.associations import association
from portal.onboarding import platform_administrators_ensure
from tests.associations import OTHER_HOST, member_of
from tests.factories import UserFactory
from tests.inbox.test_associations import HOME, two  # noqa: F401

pytestmark = pytest.mark.django_db

HELP = "/api/v1/staff/help-requests/"


def auth(secret):
    return {"HTTP_AUTHORIZATION": f"Token {secret}"}


def _references(response) -> set[str]:
    assert response.status_code == 200, response.status_code
    return {row["reference"] for row in response.json()["results"]}


def test_a_token_of_one_associations_staff_opens_nothing_of_the_other(client, two, roles):
    mine, theirs = two["mine"]["help"], two["theirs"]["help"]
    _token, secret = api_token_create(actor=roles["officer"], name="reports")
    notes = InternalNote.objects.count()
    # On its own host: its own association's requests only; the other's by reference, not found.
    assert _references(client.get(HELP, **auth(secret))) == {mine.reference}
    assert client.get(f"{HELP}{theirs.reference}/", **auth(secret)).status_code == 404
    note = client.post(
        f"{HELP}{theirs.reference}/notes/",
        {"text": "ملاحظة"},
        content_type="application/json",
        **auth(secret),
    )
    assert note.status_code in (403, 404)
    # On the other association's host the role counts for nothing, whichever object is named.
    for url in (HELP, f"{HELP}{theirs.reference}/", f"{HELP}{mine.reference}/"):
        response = client.get(url, HTTP_HOST=OTHER_HOST, **auth(secret))
        assert response.status_code in (403, 404), url
        assert theirs.reference not in response.content.decode()
    assert InternalNote.objects.count() == notes


def test_a_token_of_a_person_in_both_associations_opens_each_on_its_own_host(client, two):
    person = member_of(two["home"], "officer", username="officer-of-both")
    member_of(two["other"], "officer", user=person)
    _token, secret = api_token_create(actor=person, name="both")
    home = _references(client.get(HELP, **auth(secret)))
    other = _references(client.get(HELP, HTTP_HOST=OTHER_HOST, **auth(secret)))
    assert home == {two["mine"]["help"].reference}
    assert other == {two["theirs"]["help"].reference}
    detail = f"{HELP}{two['theirs']['help'].reference}/"
    assert client.get(detail, **auth(secret)).status_code == 404


def test_a_platform_administrators_token_opens_no_submission(client, two):
    operator = UserFactory(username="operator", is_staff=True)
    operator.groups.add(platform_administrators_ensure())
    _token, secret = api_token_create(actor=operator, name="platform")
    for host in (HOME, OTHER_HOST):
        for url in (
            HELP,
            "/api/v1/staff/volunteer-applications/",
            "/api/v1/staff/complaints/",
            f"{HELP}{two['mine']['help'].reference}/",
            f"{HELP}{two['theirs']['help'].reference}/",
        ):
            assert client.get(url, HTTP_HOST=host, **auth(secret)).status_code in (403, 404)


def _group(site, role):
    return Group.objects.get(association_role__site=site, association_role__role=role)


def test_an_administrator_manages_the_tokens_of_their_own_people_only(client, two, roles):
    home, other = two["home"], two["other"]
    admin = roles["administrator"]
    only_theirs = member_of(other, "officer", username="only-theirs")
    shared = member_of(home, "officer", username="shared-officer")
    member_of(other, "officer", user=shared)
    theirs, _ = api_token_create(actor=only_theirs, name="theirs-token")
    both, _ = api_token_create(actor=shared, name="shared-token")
    own, _ = api_token_create(actor=roles["officer"], name="own-token")
    client.force_login(admin)
    listing = client.get("/admin/api-tokens/").content.decode()
    assert "own-token" in listing and "theirs-token" not in listing
    # Another association's person's token: not found, and not revoked.
    for url in (f"/admin/api-tokens/delete/{theirs.pk}/", f"/admin/api-tokens/edit/{theirs.pk}/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/admin/api-tokens/delete/{theirs.pk}/").status_code == 404
    # A person with roles in the other association too: their token acts there as well, so it is
    # the platform's to revoke, not one association's.
    refused = client.post(f"/admin/api-tokens/delete/{both.pk}/")
    # (Wagtail answers a refusal by sending the user back to the dashboard)
    assert refused.status_code == 403 or refused["Location"] == "/admin/"
    assert not APIToken.objects.filter(
        pk__in=[theirs.pk, both.pk], revoked_at__isnull=False
    ).exists()
    with association(home), pytest.raises(PermissionDenied):
        api_token_revoke(actor=admin, token=theirs)
    with association(home), pytest.raises(PermissionDenied):
        api_token_revoke(actor=admin, token=both)
    # Their own association's only member: theirs to revoke.
    assert client.post(f"/admin/api-tokens/delete/{own.pk}/").status_code == 302
    assert APIToken.objects.get(pk=own.pk).revoked_at is not None
    # The other association's administrator, on its host: its own member's token.
    other_admin = member_of(other, "administrator", username="other-admin")
    client.force_login(other_admin)
    response = client.post(f"/admin/api-tokens/delete/{theirs.pk}/", HTTP_HOST=OTHER_HOST)
    assert response.status_code == 302
    assert APIToken.objects.get(pk=theirs.pk).revoked_at is not None


def test_a_token_is_made_for_its_maker_on_any_host(client, two, roles):
    """Making a token names no association: it is the maker's, whoever they name."""
    client.force_login(roles["administrator"])
    other_only = member_of(two["other"], "officer", username="target")
    response = client.post(
        "/admin/api-tokens/new/", {"name": "made", "user": other_only.pk}, HTTP_HOST=HOME
    )
    assert response.status_code == 200
    assert not APIToken.objects.filter(user=other_only).exists()
    assert APIToken.objects.get(name="made").user == roles["administrator"]
