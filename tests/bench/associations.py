"""Associations for the many-associations benchmarks, made two ways.

`association_real` makes one the way an association is made in production: its home page, site
and role groups, its catalogue and FAQ page published, a board term, a secretary, and every
policy approved through the real approval service (about 2 s a policy).

`associations_copy` makes more of them from one made by `association_real`, fast enough for a
thousand: each gets its own home page, site and role groups through the same functions, then
the pages under its home, their revisions, its board term and members, its secretary, its
approvals and its questions are written in bulk as copies of the template's rows, with what
differs recomputed: the tree paths (under each new home, at the template's places), the
revisions' content (the template's, with the new page's identity), the approvals' places in the
association's register and their hashes (`cms.governance.hashing`, as `register_entry_create`
computes them). The signals' work is skipped and its result copied: the Wagtail search entries
and the site-index rows of the template's pages and questions, under the new association's
objects and keys (every statistic of the site index is one association's own).
tests/cms/test_bulk_associations.py proves a copy serves the same pages, keeps a valid tree and
an intact register, and holds the index rows the real indexing (`rebuild_site_index`, the
search backend) writes.
"""

import copy
import datetime as dt
import uuid

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from wagtail.models import Page, Revision, Site
from wagtail.search.models import IndexEntry

from cms.governance import hashing
from cms.models import (
    FAQ,
    BoardApproval,
    BoardApprovalMember,
    BoardMember,
    BoardTerm,
    FAQCategory,
    FAQPage,
    PolicyIndexPage,
)
from portal.accounts.associations import association_roles_create
from search.index import site_store
from search.models import SiteDocument, SiteIndexStats, SiteTerm, SiteWord
from tests.associations import member_of
from tests.cms.conftest import approve, make_policy
from tests.factories import HomePageFactory


def association_real(number: int, *, policies: int, faqs: int) -> Site:
    """One association made through the real services, its policies approved one by one."""
    host = f"a{number}.localhost"
    home = HomePageFactory(parent=Page.get_first_root_node(), slug=f"a{number}")
    site = Site.objects.create(hostname=host, port=80, root_page=home, site_name=host)
    association_roles_create(site)
    catalogue = PolicyIndexPage(slug="policies", title="السياسات", title_ar="السياسات")
    home.add_child(instance=catalogue)
    catalogue.save_revision().publish()
    faq_page = FAQPage(slug="faq", title="الأسئلة", title_ar="الأسئلة")
    home.add_child(instance=faq_page)
    faq_page.save_revision().publish()
    term = BoardTerm.all_sites.create(site=site, number=1, starts_on=dt.date(2020, 1, 1))
    BoardMember.objects.create(term=term, name="رئيس", name_ar="رئيس", role="chair")
    secretary = member_of(site, "secretary", username=f"secretary-{number}")
    for index in range(policies):
        approve(make_policy(catalogue, slug=f"policy-{index}"), secretary, term)
    category = FAQCategory.all_sites.create(site=site, slug="general", name="عام", name_ar="عام")
    # Saved one by one, as the editor saves them: each question reaches both indexes.
    for index in range(faqs):
        FAQ.all_sites.create(
            site=site,
            category=category,
            slug=f"q-{index}",
            sort_order=index,
            question=f"سؤال {index}",
            question_ar=f"سؤال {index}",
            question_en=f"Question {index}",
            answer="<p>جواب</p>",
            answer_ar="<p>جواب</p>",
            answer_en="<p>Answer</p>",
        )
    return site


def _fields(model, *, local: bool):
    fields = model._meta.local_concrete_fields if local else model._meta.concrete_fields
    return [field for field in fields if not (field.primary_key and field.model is model)]


class _Template:
    """The template association's rows, read once."""

    def __init__(self, site: Site):
        self.site = site
        self.home = site.root_page.specific
        descendants = self.home.get_descendants().specific().order_by("path")
        self.pages = list(descendants)  # parents before children
        self.revisions = {
            page.pk: Revision.objects.get(pk=page.live_revision_id) for page in self.pages
        }
        for page in self.pages:
            if page.latest_revision_id != page.live_revision_id:
                raise ValueError(f"{page} has changes after its live revision")
        self.term = BoardTerm.all_sites.get(site=site)
        self.members = list(self.term.members.order_by("pk"))
        self.approvals = list(
            BoardApproval.objects.filter(site=site).order_by("sequence").prefetch_related("members")
        )
        self.secretary = self.approvals[0].recorded_by if self.approvals else None
        self.categories = list(FAQCategory.all_sites.filter(site=site).order_by("pk"))
        self.faqs = list(FAQ.all_sites.filter(site=site).order_by("pk"))


def _page_copy(template: Page, *, path: str, url_path: str, numchild: int) -> Page:
    page = copy.copy(template)
    page.__dict__ = {
        key: value for key, value in template.__dict__.items() if not key.startswith("_")
    } | {"_state": copy.copy(template._state)}
    page._state.adding = True
    page.pk = page.id = None
    page.page_ptr_id = None
    page.path = path
    page.url_path = url_path
    page.numchild = numchild
    page.translation_key = uuid.uuid4()
    page.live_revision_id = page.latest_revision_id = None
    return page


def _revision_content(template_content: dict, page: Page, template_page: Page) -> dict:
    content = copy.deepcopy(template_content)
    for key, value in (
        ("pk", page.pk),
        ("id", page.pk),
        ("page_ptr", page.pk),
        ("path", page.path),
        ("url_path", page.url_path),
        ("translation_key", str(page.translation_key)),
    ):
        if key in content:
            content[key] = value
    for key in ("latest_revision", "live_revision"):
        if content.get(key) is not None:
            raise ValueError(f"{template_page}: its revision names a revision ({key})")
    return content


def associations_copy(template_site: Site, numbers, *, batch: int = 50) -> list[Site]:
    """Associations a<number>.localhost for each number, copies of `template_site`'s."""
    template = _Template(template_site)
    sites = []
    numbers = list(numbers)
    for start in range(0, len(numbers), batch):
        with transaction.atomic():
            made, pages, faqs = _copy_batch(template, numbers[start : start + batch])
            _index_copy(template, made, pages, faqs)
        sites += made
    return sites


def _copy_batch(template: _Template, numbers) -> list[Site]:
    root = Page.get_first_root_node()
    now = timezone.now()
    User = get_user_model()
    sites, homes = [], []
    for number in numbers:
        host = f"a{number}.localhost"
        home = HomePageFactory(parent=root, slug=f"a{number}")
        root = Page.objects.get(pk=root.pk)  # its numchild moved on
        site = Site.objects.create(hostname=host, port=80, root_page=home, site_name=host)
        association_roles_create(site)
        sites.append(site)
        homes.append(home)

    # The pages under each home, parents before children, at the template's places.
    by_template = {}  # (site index, template page pk) -> new page
    new_pages = []
    for index, home in enumerate(homes):
        new_path = {template.home.path: home.path}
        new_url = {template.home.url_path: home.url_path}
        for page in template.pages:
            parent_path = page.path[: -Page.steplen]
            new = _page_copy(
                page,
                path=new_path[parent_path] + page.path[-Page.steplen :],
                url_path=new_url[page.url_path[: page.url_path.rstrip("/").rfind("/") + 1]]
                + page.slug
                + "/",
                numchild=page.numchild,
            )
            new_path[page.path] = new.path
            new_url[page.url_path] = new.url_path
            by_template[index, page.pk] = new
            new_pages.append((page, new))
    base_fields = _fields(Page, local=False)
    created = Page.objects.bulk_create(
        [Page(**{f.attname: getattr(new, f.attname) for f in base_fields}) for _t, new in new_pages]
    )
    for (_template_page, new), row in zip(new_pages, created, strict=True):
        new.pk = new.id = new.page_ptr_id = row.pk
    for model in {type(new) for _t, new in new_pages}:
        rows = [new for _t, new in new_pages if type(new) is model]
        model._base_manager._insert(rows, fields=model._meta.local_concrete_fields, using="default")
    Page.objects.filter(pk__in=[home.pk for home in homes]).update(numchild=template.home.numchild)

    # Each page's live revision: the template's content with the new page's identity.
    revisions = []
    for template_page, new in new_pages:
        old = template.revisions[template_page.pk]
        revisions.append(
            Revision(
                content_type_id=old.content_type_id,
                base_content_type_id=old.base_content_type_id,
                object_id=str(new.pk),
                created_at=now,
                user_id=old.user_id,
                approved_go_live_at=None,
                content=_revision_content(old.content, new, template_page),
                object_str=old.object_str,
            )
        )
    Revision.objects.bulk_create(revisions)
    live_revision = {}
    for (_template_page, new), revision in zip(new_pages, revisions, strict=True):
        new.live_revision_id = new.latest_revision_id = revision.pk
        live_revision[new.pk] = revision
    Page.objects.bulk_update(
        [
            Page(
                pk=new.pk,
                live_revision_id=new.live_revision_id,
                latest_revision_id=new.live_revision_id,
            )
            for _t, new in new_pages
        ],
        ["live_revision_id", "latest_revision_id"],
        batch_size=1000,
    )

    # The board: a term with its members, a secretary in the association's secretaries.
    terms = BoardTerm.all_sites.bulk_create(
        [
            BoardTerm(
                site=site,
                number=template.term.number,
                starts_on=template.term.starts_on,
                ends_on=template.term.ends_on,
            )
            for site in sites
        ]
    )
    members = BoardMember.objects.bulk_create(
        [
            BoardMember(
                **{f.attname: getattr(member, f.attname) for f in _fields(BoardMember, local=False)}
                | {"term_id": term.pk}
            )
            for term in terms
            for member in template.members
        ]
    )
    member_of_term = {
        (term.pk, template.members[i].pk): members[t * len(template.members) + i]
        for t, term in enumerate(terms)
        for i in range(len(template.members))
    }
    secretaries = User.objects.bulk_create(
        [
            User(
                username=template.secretary.username.rsplit("-", 1)[0] + f"-{number}",
                email=f"secretary-{number}@example.org",
                password=template.secretary.password,
            )
            for number in numbers
        ]
    )
    groups = dict(
        Group.objects.filter(
            association_role__site__in=sites, association_role__role="secretary"
        ).values_list("association_role__site_id", "pk")
    )
    User.groups.through.objects.bulk_create(
        [
            User.groups.through(user_id=user.pk, group_id=groups[site.pk])
            for user, site in zip(secretaries, sites, strict=True)
        ]
    )

    # The register: the template's approvals, each bound to the new live revision, chained.
    approvals, approval_members = [], []
    for index, (site, term, secretary) in enumerate(zip(sites, terms, secretaries, strict=True)):
        previous = ""
        for old in template.approvals:
            policy = by_template[index, old.policy_id]
            revision = live_revision[policy.pk]
            approval = BoardApproval(
                **{f.attname: getattr(old, f.attname) for f in _fields(BoardApproval, local=False)}
            )
            approval.policy_id = policy.pk
            approval.revision = revision
            approval.site_id = site.pk
            approval.term = term
            approval.recorded_by_id = secretary.pk
            approval.recorded_at = now
            approval.previous_hash = previous
            approval.content_hash = hashing.content_hash(revision.content)
            rows = [
                BoardApprovalMember(
                    **{
                        f.attname: getattr(row, f.attname)
                        for f in _fields(BoardApprovalMember, local=False)
                    }
                    | {"member_id": member_of_term[term.pk, row.member_id].pk}
                )
                for row in old.members.all()
            ]
            approval.record_hash = hashing.record_hash(
                hashing.record_fields(
                    approval,
                    rows,
                    term_number=term.number,
                    policy_slug=(revision.content or {}).get("slug", ""),
                )
            )
            previous = approval.record_hash
            approvals.append(approval)
            approval_members.append(rows)
    BoardApproval.objects.bulk_create(approvals, batch_size=1000)
    for approval, rows in zip(approvals, approval_members, strict=True):
        for row in rows:
            row.approval_id = approval.pk
    BoardApprovalMember.objects.bulk_create(
        [row for rows in approval_members for row in rows], batch_size=1000
    )

    # The questions and their categories.
    categories = FAQCategory.all_sites.bulk_create(
        [
            FAQCategory(
                **{f.attname: getattr(old, f.attname) for f in _fields(FAQCategory, local=False)}
                | {"site_id": site.pk}
            )
            for site in sites
            for old in template.categories
        ]
    )
    category_of = {
        (site.pk, old.pk): categories[s * len(template.categories) + c]
        for s, site in enumerate(sites)
        for c, old in enumerate(template.categories)
    }
    faqs = FAQ.all_sites.bulk_create(
        [
            FAQ(
                **{f.attname: getattr(old, f.attname) for f in _fields(FAQ, local=False)}
                | {"site_id": site.pk, "category_id": category_of[site.pk, old.category_id].pk}
            )
            for site in sites
            for old in template.faqs
        ],
        batch_size=1000,
    )
    return sites, [new for _t, new in new_pages], faqs


def _index_copy(template: _Template, sites, pages, faqs) -> None:
    """The index rows of the template's pages and questions, copied for each new association:
    what indexing the same text gives (tests/cms/test_bulk_associations.py checks it against
    the real indexing). Every statistic of the site index is one association's own, so an
    association holding the same documents holds the same rows under its own keys."""
    faq_type = ContentType.objects.get_for_model(FAQ).pk
    old_pages = [str(page.pk) for page in template.pages] * len(sites)
    old_faqs = [str(faq.pk) for faq in template.faqs] * len(sites)
    if len(old_pages) != len(pages) or len(old_faqs) != len(faqs):
        raise ValueError("the copies do not match the template")
    entry = IndexEntry._meta.db_table
    with connection.cursor() as cursor:
        columns = [
            column.name
            for column in connection.introspection.get_table_description(cursor, entry)
            if column.name not in ("id", "object_id")
        ]
        cursor.execute(
            f"""
            INSERT INTO {entry} (object_id, {", ".join(columns)})
            SELECT m.new, {", ".join(f"e.{column}" for column in columns)}
            FROM unnest(%s::text[], %s::text[], %s::bool[]) AS m(old, new, faq)
            JOIN {entry} e ON e.object_id = m.old
                AND (e.content_type_id = %s) = m.faq
            """,
            [
                old_pages + old_faqs,
                [str(page.pk) for page in pages] + [str(faq.pk) for faq in faqs],
                [False] * len(old_pages) + [True] * len(old_faqs),
                faq_type,
            ],
        )
        site_ids = [site.pk for site in sites]
        source = template.site.pk
        keys = list(SiteDocument.objects.filter(site_id=source).values_list("key", flat=True))
        if any(not key.startswith(("policy:", "faq:", "service:")) for key in keys):
            raise ValueError("the template holds documents keyed without their association")
        # What the new sites' own creation indexed (their service pages) is copied too.
        SiteDocument.objects.filter(site_id__in=site_ids).delete()
        for model in (SiteTerm, SiteIndexStats, SiteWord):
            model.objects.filter(site_id__in=site_ids).delete()
        new_key = "regexp_replace(d.key, '^([^:]+):[0-9]+:', '\\1:' || c.site_id || ':')"
        cursor.execute(
            f"""
            INSERT INTO search_sitedocument (key, kind, site_id, title_length, heading_length,
                body_length, roots_length, phrases, elastic_stale, indexed_at)
            SELECT {new_key}, d.kind, c.site_id, d.title_length, d.heading_length,
                d.body_length, d.roots_length, d.phrases, d.elastic_stale, now()
            FROM search_sitedocument d CROSS JOIN unnest(%s::int[]) AS c(site_id)
            WHERE d.site_id = %s
            """,
            [site_ids, source],
        )
        cursor.execute(
            f"""
            INSERT INTO search_siteposting (document_id, term, title, heading, body, roots,
                impact, site_id)
            SELECT n.id, p.term, p.title, p.heading, p.body, p.roots, p.impact, c.site_id
            FROM search_siteposting p
            JOIN search_sitedocument d ON d.id = p.document_id
            CROSS JOIN unnest(%s::int[]) AS c(site_id)
            JOIN search_sitedocument n ON n.key = {new_key}
            WHERE d.site_id = %s
            """,
            [site_ids, source],
        )
        for table, columns in (
            ("search_siteterm", "term, documents"),
            ("search_siteindexstats", "title_length, heading_length, body_length, roots_length"),
            ("search_siteword", "word, written, length"),
        ):
            cursor.execute(
                f"""
                INSERT INTO {table} (site_id, {columns})
                SELECT c.site_id, {columns}
                FROM {table} t CROSS JOIN unnest(%s::int[]) AS c(site_id)
                WHERE t.site_id = %s
                """,
                [site_ids, source],
            )
    site_store.forget_results()
