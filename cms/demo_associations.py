"""Demo content of the three sample associations (portal.demo makes the associations through
onboarding, then calls this inside each one): a board register, its sample policy imported
into the starter policy and approved, and the FAQs. Idempotent."""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from wagtail.models import Site

from cms.demo_faqs import load_faq_demo
from cms.demo_policies import SAMPLES, ensure_board
from cms.importer.services import policy_document_import
from cms.models import BoardApproval, PolicyIndexPage, PolicyPage
from cms.services import policy_approval_record


@dataclass(frozen=True)
class SampleAssociation:
    slug: str  # its host is <slug>.localhost
    document: str
    name_ar: str
    name_en: str
    licence_number: str

    @property
    def path(self) -> Path:
        return SAMPLES / self.document


SAMPLE_ASSOCIATIONS = [
    SampleAssociation(
        "deema",
        "deema-education-makkah.txt",
        "جمعية ديمة التعليمية بمكة",
        "Deema Education Association, Makkah",
        "1451",
    ),
    SampleAssociation(
        "bina",
        "bina-housing-jazan.txt",
        "جمعية بناء وتنمية مساكن بمنطقة جازان",
        "Bina Housing Development Association, Jazan",
        "1204",
    ),
    SampleAssociation(
        "mouj",
        "mouj-community-development.txt",
        "جمعية موج للتنمية المجتمعية",
        "Mouj Community Development Association",
        "2210",
    ),
]


def load_sample_association_content(site: Site, sample: SampleAssociation, users: dict) -> list:
    """The association's board, its sample policy as version 1 of its starter policy (the
    approval the document states, or, when it states none, one its secretary records), and the
    demo FAQs."""
    home = site.root_page.specific
    catalogue = PolicyIndexPage.objects.child_of(home).get()
    policy = PolicyPage.objects.child_of(catalogue).first()
    created = []
    if policy is not None and not BoardApproval.objects.filter(policy=policy).exists():
        term = ensure_board(site)
        policy_document_import(
            data=sample.path.read_bytes(),
            file_name=sample.document,
            parent=catalogue,
            into=policy,
            confirm_approval=True,
        )
        if not BoardApproval.objects.filter(policy=policy).exists():
            policy_approval_record(
                revision=PolicyPage.objects.get(pk=policy.pk).get_latest_revision(),
                user=users["secretary"],
                meeting_number="3",
                term=term,
                meeting_date=dt.date(2024, 9, 15),
                members=list(term.members.all()),
                decision_text_ar="اعتمد مجلس الإدارة سياسة تنظيم العلاقة مع المستفيدين.",
                change_note_ar="الإصدار الأول.",
            )
        created.append("policy")
    created += load_faq_demo(home)
    return created
