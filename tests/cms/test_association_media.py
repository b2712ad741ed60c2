"""Several associations on one install, their images and documents: each association's files
live in the collection bound to it, and a role of one association neither lists, counts, opens,
changes nor chooses the other's, in the admin or the API; renaming a collection keeps it its
association's, and a collection named after an association is not that association's."""

import contextlib
import importlib
import uuid
from pathlib import Path

import pytest

from django.apps import apps
from django.contrib.auth.models import AnonymousUser, Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from wagtail import hooks
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, CollectionViewRestriction, GroupCollectionPermission
from wagtail.users.models import UserProfile

from cms.forms import BoardApprovalForm
from cms.governance import MINUTES_COLLECTION, ensure_governance
from portal.accounts.associations import association_collection, collections_in_scope
from portal.core.associations import association, site_for_request
from tests.associations import member_of
from tests.cms.test_associations import HOST_A, HOST_B, login, people, two  # noqa: F401

pytestmark = pytest.mark.django_db

Document = get_document_model()
Image = get_image_model()
ROLES = ("editor", "secretary", "administrator", "officer")


def _files(site, side):
    """A document and an image in association `site`'s collection."""
    collection = association_collection(site)
    document = Document.objects.create(
        title=f"وثيقة-{side}",
        collection=collection,
        file=ContentFile(b"%PDF-1.4 minutes", name=f"minutes-{side}.pdf"),
    )
    image = Image.objects.create(
        title=f"صورة-{side}", collection=collection, file=get_test_image_file(f"logo-{side}.png")
    )
    return document, image


@pytest.fixture
def files(two):
    return {side: _files(two[side], side) for side in ("a", "b")}


def _refused(response) -> bool:
    # Wagtail sends a role without the permission back to the dashboard.
    return response.status_code in (403, 404) or (
        response.status_code == 302 and "/inspect/" not in response["Location"]
    )


def _listed(response) -> set[str]:
    if response.status_code != 200 or response.context is None:
        return set()
    items = response.context.get("results") or response.context.get("object_list") or []
    return {item.title for item in items}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("side", ["a", "b"])
def test_a_role_of_one_association_reaches_none_of_the_others_files(
    two, people, files, client, role, side
):
    other = "b" if side == "a" else "a"
    host = HOST_A if side == "a" else HOST_B
    user = people[f"admin_{side}"] if role == "administrator" else member_of(two[side], role)
    login(client, user, two[side])
    document, image = files[other]
    theirs = {document.title, image.title}
    # Lists, choosers and their results: none of the other association's files.
    for url in (
        reverse("wagtaildocs:index"),
        reverse("wagtaildocs:index_results"),
        reverse("wagtaildocs_chooser:choose"),
        reverse("wagtaildocs_chooser:choose_results"),
        reverse("wagtailimages:index"),
        reverse("wagtailimages:index_results"),
        reverse("wagtailimages_chooser:choose"),
        reverse("wagtailimages_chooser:choose_results"),
    ):
        response = client.get(url, HTTP_HOST=host)
        assert not (_listed(response) & theirs), (role, url)
        body = response.content.decode(errors="replace")
        assert not any(title in body for title in theirs), (role, url)
    # Their screens: refused, whatever the role.
    for url in (
        reverse("wagtaildocs:edit", args=[document.pk]),
        reverse("wagtaildocs:delete", args=[document.pk]),
        reverse("wagtaildocs:document_usage", args=[document.pk]),
        reverse("wagtaildocs_chooser:chosen", args=[document.pk]),
        reverse("wagtailimages:edit", args=[image.pk]),
        reverse("wagtailimages:delete", args=[image.pk]),
        reverse("wagtailimages:image_usage", args=[image.pk]),
        reverse("wagtailimages:url_generator", args=[image.pk]),
        reverse("wagtailimages_chooser:chosen", args=[image.pk]),
    ):
        assert _refused(client.get(url, HTTP_HOST=host)), (role, url)
    # The other association's collection takes no upload of theirs.
    upload = client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "دس",
            "collection": association_collection(two[other]).pk,
            "file": ContentFile(b"%PDF-1.4 x", name="x.pdf"),
        },
        HTTP_HOST=host,
    )
    # (a form offering one collection puts the upload in it: its own association's)
    placed = Document.objects.filter(title="دس").values_list("collection", flat=True)
    assert set(placed) <= {c.pk for c in _scope(two[side])}, upload.status_code


@pytest.mark.parametrize("side", ["a", "b"])
def test_the_api_lists_and_counts_only_the_hosts_files(files, client, side):
    other = "b" if side == "a" else "a"
    host = HOST_A if side == "a" else HOST_B
    for endpoint, index in (("documents", 0), ("images", 1)):
        mine, theirs = files[side][index], files[other][index]
        listing = client.get(f"/api/v2/{endpoint}/", HTTP_HOST=host).json()
        assert [row["id"] for row in listing["items"]] == [mine.pk]
        assert listing["meta"]["total_count"] == 1
        assert client.get(f"/api/v2/{endpoint}/{theirs.pk}/", HTTP_HOST=host).status_code == 404
        assert client.get(f"/api/v2/{endpoint}/{mine.pk}/", HTTP_HOST=host).status_code == 200


def test_collection_rights_of_one_association_do_not_count_on_the_others_host(two, files, client):
    """A person with a role in each: Deema's editor rights give nothing on the default host."""
    user = member_of(two["b"], "editor", username="both")
    member_of(two["a"], "officer", user=user)
    login(client, user, two["a"])
    assert _refused(client.get(reverse("wagtailimages:index"), HTTP_HOST=HOST_A))
    edit = reverse("wagtailimages:edit", args=[files["b"][1].pk])
    assert _refused(client.get(edit, HTTP_HOST=HOST_A))
    login(client, user, two["b"])
    assert client.get(edit, HTTP_HOST=HOST_B).status_code == 200


def test_superusers_still_reach_every_associations_files(two, people, files, client):
    client.force_login(people["root"])
    for host in (HOST_A, HOST_B):
        listed = _listed(client.get(reverse("wagtailimages:index"), HTTP_HOST=host))
        assert {files["a"][1].title, files["b"][1].title} <= listed


@pytest.mark.parametrize("side", ["a", "b"])
def test_the_approval_form_offers_and_takes_only_the_hosts_documents_as_minutes(two, files, side):
    other = "b" if side == "a" else "a"
    mine, theirs = files[side][0], files[other][0]
    with association(two[side]):
        form = BoardApprovalForm()
        offered = set(form.fields["minutes"].queryset)
        assert mine in offered and theirs not in offered
        bound = BoardApprovalForm(data={"minutes": theirs.pk})
        bound.is_valid()
        assert "minutes" in bound.errors


# --- the collection is bound, not named ---------------------------------------------------------


def _scope(site):
    with association(site):
        return set(collections_in_scope(None, Collection.objects.all(), site))


def test_a_renamed_collection_stays_its_associations(two, files):
    theirs = association_collection(two["b"])
    theirs.name = "صور الحملة"
    theirs.save()
    assert association_collection(two["b"]) == theirs
    assert theirs in _scope(two["b"])
    assert theirs not in _scope(two["a"])
    document = files["b"][0]
    assert (
        Document.objects.filter(
            pk=document.pk,
            collection__in=collections_in_scope(None, Collection.objects.all(), two["a"]),
        ).exists()
        is False
    )


def test_a_collection_named_after_an_association_is_not_that_associations(two):
    name = association_collection(two["b"]).name
    association_collection(two["b"]).delete()  # emptied and removed by a platform administrator
    impostor = Collection.get_first_root_node().add_child(name=name)
    assert impostor in _scope(two["a"])
    assert impostor not in _scope(two["b"])
    fresh = association_collection(two["b"])
    assert fresh != impostor and fresh in _scope(two["b"]) and fresh not in _scope(two["a"])


def test_existing_installs_bind_each_association_to_its_named_collection(two):
    migration = importlib.import_module("portal.migrations.0004_association_collections")
    AssociationCollection = apps.get_model("portal", "AssociationCollection")
    theirs = association_collection(two["b"])
    AssociationCollection.objects.all().delete()
    migration.bind_named_collections(apps, None)
    assert AssociationCollection.objects.get(site=two["b"]).collection == theirs
    assert not AssociationCollection.objects.filter(site=two["a"]).exists()


# --- files served, and the board's minutes ------------------------------------------------------


def _served(document, host, user) -> bool:
    """Whether Wagtail's document view would go on to serve `document` on `host` to `user`
    (what every `before_serve_document` hook says)."""
    request = RequestFactory().get(document.url, HTTP_HOST=host)
    request.user = user
    with association(site_for_request(request)):
        try:
            for hook in hooks.get_hooks("before_serve_document"):
                if isinstance(hook(document, request), HttpResponse):
                    return False
        except Http404:
            return False
    return True


def test_a_document_is_served_on_its_own_associations_host_only(two, people, files):
    mine, theirs = files["a"][0], files["b"][0]
    anyone = AnonymousUser()
    assert not _served(theirs, HOST_A, anyone) and not _served(mine, HOST_B, anyone)
    assert _served(theirs, HOST_B, anyone) and _served(mine, HOST_A, anyone)
    assert not _served(theirs, HOST_A, member_of(two["a"], "secretary"))
    assert _served(theirs, HOST_A, people["root"])  # superusers: from any host


def _minutes(site):
    return association_collection(site).get_children().get(name=MINUTES_COLLECTION)


def test_each_association_keeps_its_board_minutes_to_its_own_secretaries(two):
    ensure_governance()  # as after every migrate: the default association's is completed
    for side, other in (("a", "b"), ("b", "a")):
        minutes = _minutes(two[side])
        readers = set(CollectionViewRestriction.objects.get(collection=minutes).groups.all())
        secretaries = Group.objects.get(
            association_role__site=two[side], association_role__role="secretary"
        )
        theirs = Group.objects.get(
            association_role__site=two[other], association_role__role="secretary"
        )
        assert readers == {secretaries}
        holders = set(
            GroupCollectionPermission.objects.filter(collection=minutes).values_list(
                "group", flat=True
            )
        )
        assert theirs.pk not in holders and secretaries.pk in holders
    assert _minutes(two["b"]) in _scope(two["b"]) and _minutes(two["b"]) not in _scope(two["a"])


def _minutes_rights(site):
    """What an association's board minutes are: where, who reads them, who holds which right."""
    minutes = _minutes(site)
    restriction = CollectionViewRestriction.objects.get(collection=minutes)
    rights = GroupCollectionPermission.objects.filter(collection=minutes)
    return (
        minutes.get_parent() == association_collection(site),
        restriction.restriction_type,
        set(restriction.groups.all()),
        set(rights.values_list("group", "permission__codename")),
    )


def test_existing_associations_get_their_board_minutes_as_onboarding_makes_them(two):
    """An association added before onboarding made board minutes (Deema), and one without a
    collection of its own either (Mouj): the data migration, on the historical models, gives
    each what onboarding gives a new association, once."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from portal.onboarding import association_add

    made = _minutes_rights(two["b"])  # as onboarding made them
    mouj = association_add(
        name_ar="جمعية موج", name_en="", hostname="mouj.localhost", admin_username="mouj"
    ).site
    _minutes(two["b"]).delete()
    mouj_collection = association_collection(mouj)
    mouj_collection.get_descendants(inclusive=True).delete()
    assert not Collection.objects.filter(name=MINUTES_COLLECTION, depth=3).exists()
    assert not apps.get_model("portal", "AssociationCollection").objects.filter(site=mouj).exists()
    migration = importlib.import_module("portal.migrations.0005_association_minutes")
    state = MigrationExecutor(connection).loader.project_state(
        ("portal", "0005_association_minutes")
    )
    migration.minutes_for_every_association(state.apps, None)
    secretaries = {
        site: Group.objects.get(association_role__site=site, association_role__role="secretary")
        for site in (two["a"], two["b"], mouj)
    }
    assert _minutes_rights(two["b"]) == made
    for site in (two["b"], mouj):
        in_place, kind, readers, rights = _minutes_rights(site)
        assert in_place and kind == CollectionViewRestriction.GROUPS
        assert readers == {secretaries[site]}
        assert rights == {
            (secretaries[site].pk, codename)
            for codename in ("add_document", "change_document", "choose_document")
        }
    assert association_collection(mouj) != mouj_collection
    assert association_collection(mouj).name == "جمعية موج"
    # The minutes of one association are no other's, on either host.
    assert _minutes(mouj) in _scope(mouj) and _minutes(mouj) not in _scope(two["b"])
    assert _minutes(two["b"]) not in _scope(two["a"])
    # The tree stays sound (treebeard's own check), and running it again changes nothing.
    assert Collection.find_problems() == ([], [], [], [], [])
    counts = (
        Collection.objects.count(),
        CollectionViewRestriction.objects.count(),
        GroupCollectionPermission.objects.count(),
    )
    migration.minutes_for_every_association(state.apps, None)
    assert counts == (
        Collection.objects.count(),
        CollectionViewRestriction.objects.count(),
        GroupCollectionPermission.objects.count(),
    )


# --- files under MEDIA_URL ---------------------------------------------------------------------


@pytest.fixture
def media_files(settings):
    """Files written under the public media root as Wagtail stores them (a document, a
    rendition), removed afterwards."""
    root = Path(settings.MEDIA_ROOT)
    name = f"sealed-{uuid.uuid4().hex}"
    made = {
        "documents": root / "documents" / f"{name}.pdf",
        "images": root / "images" / f"{name}.png",
    }
    created_dirs = [path.parent for path in made.values() if not path.parent.exists()]
    for path in made.values():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.4 board minutes")
    yield {kind: path.relative_to(root).as_posix() for kind, path in made.items()}
    for path in made.values():
        path.unlink(missing_ok=True)
    for directory in created_dirs:
        with contextlib.suppress(OSError):
            directory.rmdir()


def test_a_document_is_never_served_as_a_file_under_media(two, files, media_files, client):
    # Only through Wagtail's view, which holds its collection's restriction and its host.
    document = files["a"][0]
    assert document.url == reverse("wagtaildocs_serve", args=[document.pk, document.filename])
    for path in (media_files["documents"], f"images/../{media_files['documents']}"):
        assert client.get(f"/media/{path}", HTTP_HOST=HOST_A).status_code == 404, path
    # (an image's file still is: it is on the association's public pages)
    assert client.get(f"/media/{media_files['images']}", HTTP_HOST=HOST_A).status_code == 200


def _png(name):
    return SimpleUploadedFile(name, get_test_image_file().file.getvalue(), "image/png")


@pytest.mark.parametrize("role", ["administrator", "editor"])
def test_an_image_is_refused_in_a_private_collection_and_nothing_is_stored(
    two, people, client, role
):
    """Images are public files (served without asking the collection's restriction): the board
    minutes' collection takes documents only. The error is translated; nothing is stored."""
    ensure_governance()
    site = two["b"]
    user = people["admin_b"] if role == "administrator" else member_of(site, role)
    # The association's collection and everything under it: the minutes are offered too.
    GroupCollectionPermission.objects.get_or_create(
        group=Group.objects.get(association_role__site=site, association_role__role=role),
        collection=association_collection(site),
        permission=apps.get_model("auth", "Permission").objects.get(codename="add_image"),
    )
    login(client, user, site)
    profile = UserProfile.get_for_user(user)
    for language, words in (("ar", "ملفات عامة"), ("en", "Images are public files")):
        profile.preferred_language = language
        profile.save()
        response = client.post(
            reverse("wagtailimages:add"),
            {
                "title": "محضر",
                "collection": _minutes(site).pk,
                "file": _png("minutes.png"),
            },
            HTTP_HOST=HOST_B,
        )
        assert response.status_code == 200, response.status_code  # the form again, with its error
        assert set(response.context["form"].errors) == {"collection"}, language
        assert words in response.content.decode(), language
    assert not Image.objects.filter(title="محضر").exists()
    # The association's own (public) collection still takes it.
    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": "شعار",
            "collection": association_collection(site).pk,
            "file": _png("logo.png"),
        },
        HTTP_HOST=HOST_B,
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Image.objects.get(title="شعار").collection == association_collection(site)
