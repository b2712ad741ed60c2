"""A link to a page among many associations: Wagtail finds the sites a page lies under by
comparing its path with every site's root path, for every link drawn. With a thousand
associations a catalogue or FAQ page compared about 100,000 paths a request. The project's pages
look the sites up by the prefixes of their own path, from a list kept under the public token."""

from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wagtail.models import Site
from wagtail.models.sites import SiteRootPath

from cms.public_reads import SiteRootPaths

SEGMENTS = st.sampled_from(["home", "h", "a1", "a10", "policies", "faq", "x", "حول"])
PATHS = st.lists(SEGMENTS, max_size=4).map(lambda parts: "/" + "".join(f"{p}/" for p in parts))


def wagtail_order(paths: list[SiteRootPath]) -> list[SiteRootPath]:
    """As `Site.get_site_root_paths` lists them: the longest (greatest) root path first."""
    return sorted(paths, key=lambda p: (p.root_path, -p.site_id), reverse=True)


@settings(max_examples=300, deadline=None)
@given(roots=st.lists(PATHS, max_size=30), url_path=PATHS)
def test_the_indexed_answer_is_wagtails_answer(roots, url_path):
    paths = wagtail_order(
        [
            SiteRootPath(number, root, f"https://s{number}.example", language)
            for number, root in enumerate(roots, start=1)
            for language in ("ar", "en")
        ]
    )
    expected = tuple(p for p in paths if url_path.startswith(p.root_path))
    assert SiteRootPaths(paths).relevant(url_path) == expected


class CountedPasses(list):
    """Wagtail's list of root paths, counting each pass over it."""

    passes = 0

    def __iter__(self):
        CountedPasses.passes += 1
        return super().__iter__()


@pytest.mark.parametrize("language", ["ar", "en"])
def test_a_page_of_links_does_not_pass_over_every_site_for_each_link(
    client, approved_policy, language
):
    original = Site.get_site_root_paths

    def counted():
        return CountedPasses(original())

    url = f"/{language}/policies/"
    client.get(url)  # the process learns the paths once
    with mock.patch.object(Site, "get_site_root_paths", staticmethod(counted)):
        CountedPasses.passes = 0
        response = client.get(url)
        assert response.status_code == 200
    assert approved_policy.url.split("/", 2)[2] in response.text
    # no pass over the sites' list at all once it is known, whatever the number of links
    assert CountedPasses.passes == 0
