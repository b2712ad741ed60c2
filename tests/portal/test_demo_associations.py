"""`make run`'s demo serves the model association and the three sample associations, each on
its own host with its imported and approved policy, FAQs and staff."""

import pytest

from django.core.management import call_command

from wagtail.models import Site

from cms.models import FAQ, BoardApproval
from forms.models import HelpRequest
from portal.accounts.associations import roles_in
from portal.demo import SAMPLE_ROLES, sample_hosts

pytestmark = pytest.mark.django_db


def test_the_demo_serves_each_sample_association_on_its_host(
    client, capsys, django_user_model, settings
):
    settings.DEMO_SAMPLE_ASSOCIATIONS = True
    settings.SITE_BASE_URL = "http://127.0.0.1:8000"
    call_command("load_demo")
    output = capsys.readouterr().out
    hosts = sample_hosts()
    assert [host for host, _port in hosts] == [
        "deema.localhost",
        "bina.localhost",
        "mouj.localhost",
    ]
    for host, port in hosts:
        assert f"http://{host}:{port}/" in output
        site = Site.objects.get(hostname=host)
        slug = host.split(".")[0]
        served = {"HTTP_HOST": f"{host}:{port}"}
        policies = client.get("/api/v1/policies/?locale=en", **served).json()
        assert len(policies) == 1 and policies[0]["current_version"]["number"] == 1
        assert BoardApproval.objects.filter(site=site).count() == 1
        faqs = client.get("/api/v1/faqs/", **served).json()
        assert faqs and len(faqs) == FAQ.all_sites.filter(site=site).count()
        assert client.get("/ar/", **served).status_code == 200
        # Every association's policy is `beneficiary-relations`: its site search finds its own.
        found = client.get("/api/v1/search/", {"q": "المستفيدين"}, **served).json()["results"]
        assert [r["key"] for r in found if r["kind"] == "policy"] == [
            "policy:beneficiary-relations"
        ]
        assert all(r["url"].startswith(("/", f"http://{host}:{port}/")) for r in found)
        # Its own requests, worked by its own staff.
        requests = HelpRequest.objects.filter(site=site)
        assert requests.exists()
        assert not HelpRequest.objects.filter(site=site, assignee__username="officer").exists()
        for role in SAMPLE_ROLES:
            user = django_user_model.objects.get(username=f"{slug}-{role}")
            assert roles_in(user, site) == {role}
            assert roles_in(user, Site.objects.get(is_default_site=True)) == set()
    registry = client.get("/api/v1/registry/").json()
    assert registry["count"] == 4
    # Run again, served on another port (`make run PORT=8010`): nothing is duplicated, the
    # demo's sites move to the port served, and the API's absolute links name it.
    sites, approvals = Site.objects.count(), BoardApproval.objects.count()
    settings.SITE_BASE_URL = "http://127.0.0.1:8010"
    call_command("load_demo")
    assert (Site.objects.count(), BoardApproval.objects.count()) == (sites, approvals)
    default = Site.objects.get(is_default_site=True)
    assert (default.hostname, default.port) == ("127.0.0.1", 8010)
    for host, port in sample_hosts():
        assert port == 8010
        assert Site.objects.get(hostname=host).port == 8010
    found = client.get(
        "/api/v1/search/", {"q": "المستفيدين"}, HTTP_HOST="deema.localhost:8010"
    ).json()["results"]
    assert found
    assert all(r["url"].startswith(("/", "http://deema.localhost:8010/")) for r in found), [
        r["url"] for r in found
    ]
