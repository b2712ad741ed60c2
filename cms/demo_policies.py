"""Demo governance content: a board register and a policy with history, built by the importer.

The beneficiary-relations policy gets the three sample documents in turn: version 1 from the
first (its approval is in the document), version 2 from the second with an English translation
and the members present, and a third text waiting in the board-approval workflow.
"""

import datetime as dt
from pathlib import Path

from cms.governance import BOARD_SECRETARIES, COMMUNICATIONS_STAFF, board_approval_workflow
from cms.importer import parse_policy_bytes, sections_to_stream
from cms.importer.services import policy_document_import
from cms.models import BoardMember, BoardTerm, PolicyIndexPage, PolicyPage
from cms.services import policy_approval_record
from portal.core.people import staff_ensure

SAMPLES = Path(__file__).resolve().parent / "demo_data" / "policies"
POLICY_SLUG = "beneficiary-relations"
DEMO_STAFF = [
    # username, group, first name (their admin interface is in Arabic)
    ("editor", COMMUNICATIONS_STAFF, "محررة المحتوى"),
    ("secretary", BOARD_SECRETARIES, "أمين سر المجلس"),
]
MEMBERS = [
    ("عبدالله بن سعد القحطاني", "Abdullah bin Saad Al-Qahtani", "chair"),
    ("نورة بنت محمد العتيبي", "Noura bint Mohammed Al-Otaibi", "vice_chair"),
    ("خالد بن علي الزهراني", "Khalid bin Ali Al-Zahrani", "financial_supervisor"),
    ("سارة بنت أحمد الغامدي", "Sarah bint Ahmed Al-Ghamdi", "secretary"),
    ("فهد بن عبدالرحمن الشهري", "Fahd bin Abdulrahman Al-Shehri", "member"),
]

ENGLISH_BODY = [
    {
        "type": "preamble",
        "value": {
            "heading": "Preamble",
            "paragraphs": [
                "The association sets the policies and procedures that govern its relationship with all "
                "parties — beneficiaries, supporters, volunteers and others — so as to protect the rights of "
                "the association and of each of these parties. Employment regulations and contracts are the "
                "main source for the rights and duties of the contracting parties, how they are performed, "
                "the consequences of failing to perform them, the limits of liability and how disputes that "
                "may arise from these contracts and services are settled, in a way that protects everyone "
                "concerned.",
                "The association gives priority to its relationship with beneficiaries by setting up a "
                "mechanism to organise it, reviewing it continuously, amending it and publishing it so that "
                "the beneficiary's rights are protected.",
            ],
        },
    },
    {
        "type": "general_goal",
        "value": {
            "heading": "General goal",
            "paragraphs": [
                "To give beneficiaries of every background an excellent service, skilfully, quickly and to a "
                "high standard; to complete their requests and follow up their needs and suggestions; to keep "
                "developing and improving in cooperation with all parties so the goals are reached; and to "
                "reach beneficiaries in the easiest ways without their having to ask."
            ],
        },
    },
    {
        "type": "detailed_goals",
        "value": {
            "heading": "Detailed goals",
            "items": [
                {
                    "text": "Meet the needs of the beneficiary and of every group the association serves by making procedures simple, so they receive every service they need without hardship.",
                    "subitems": [],
                },
                {
                    "text": "Provide integrated services using the latest electronic means.",
                    "subitems": [],
                },
                {
                    "text": "Provide information and answers suited to beneficiaries' questions and enquiries through several channels.",
                    "subitems": [],
                },
                {
                    "text": "Serve beneficiaries where they are, to save their time, respect their circumstances and finish their service quickly.",
                    "subitems": [],
                },
                {
                    "text": "Focus on measuring beneficiary satisfaction as a way to raise the quality of the service and to keep improving how it is delivered and who delivers it.",
                    "subitems": [],
                },
                {
                    "text": "Increase beneficiaries' trust in and attachment to the association by adopting the best standards and practices of service, through the following:",
                    "subitems": [
                        "Correcting common misconceptions about the association's services.",
                        "Building new, positive impressions of the association and its services.",
                        "Spreading a culture of rating the service and encouraging it, stressing that rating the quality of a service is the beneficiary's right: a tool for evaluation and improvement, not for punishment or blame.",
                        "Spreading a culture of service quality among all departments that serve internal or external beneficiaries.",
                        "Devising management ideas and techniques that raise the level and kind of services and remove obstacles to high-quality service, by continuously developing services in the light of beneficiaries' views.",
                    ],
                },
            ],
        },
    },
    {
        "type": "channels",
        "value": {
            "heading": "Channels used to communicate with beneficiaries",
            "items": [
                "Interviews.",
                "Phone calls.",
                "Social media.",
                "Letters.",
                "Help-request services.",
                "The volunteering service.",
                "The association's website.",
            ],
        },
    },
    {
        "type": "tools",
        "value": {
            "heading": "Tools available to the beneficiary-relations officer",
            "items": [
                "The association's articles of association.",
                "The social-research services guide.",
                "The beneficiary support policy guide.",
                "The beneficiary support request form.",
            ],
        },
    },
    {
        "type": "procedure",
        "value": {
            "heading": "How a beneficiary's request is handled, at every level, until it is completed",
            "steps": [
                "Receive the beneficiary with courtesy and respect, answer all their questions and give them enough time.",
                "Make sure the applicant has provided all the required information; the officer checks that the data match and are valid at the time of applying.",
                "If the procedure is not clear to the beneficiary, the officer refers them to the social-research officer, who answers their questions and explains how things work.",
                "Confirm with the applicant that the data they provided are correct and have them sign it, as directly responsible for the accuracy of the information.",
                "Explain to the beneficiary that the request will go to the research committee, which will study it and answer — accept or reject — within no less than two weeks.",
                "Complete the registration once the request is complete.",
                "Deliver the service.",
            ],
        },
    },
]


def ensure_board(site) -> BoardTerm:
    term, created = BoardTerm.all_sites.get_or_create(
        site=site,
        number=2,
        defaults={"starts_on": dt.date(2021, 7, 1), "ends_on": dt.date(2025, 6, 30)},
    )
    if created or not term.members.exists():
        for order, (name_ar, name_en, role) in enumerate(MEMBERS):
            BoardMember.objects.create(
                term=term,
                sort_order=order,
                name=name_ar,
                name_ar=name_ar,
                name_en=name_en,
                role=role,
            )
    return term


def ensure_staff(password: str, people=DEMO_STAFF) -> dict:
    """Demo users (username, group, first name[, last name]) whose admin is in Arabic."""
    return staff_ensure(password=password, people=people)


def ensure_policy_catalogue(home) -> PolicyIndexPage:
    catalogue = PolicyIndexPage.objects.child_of(home).first()
    if catalogue is None:
        catalogue = PolicyIndexPage(
            slug="policies",
            title="السياسات واللوائح",
            title_ar="السياسات واللوائح",
            title_en="Governance policies",
            intro_ar="السياسات التي اعتمدها مجلس إدارة الجمعية، مع تاريخ كل اعتماد وسجل الإصدارات.",
            intro_en="The policies approved by the association's board of directors, with the date of each approval and the history of versions.",
            show_in_menus=True,
        )
        home.add_child(instance=catalogue)
        catalogue.save_revision().publish()
    return catalogue


def ensure_policies(catalogue: PolicyIndexPage, admin, users: dict) -> list[str]:
    if PolicyPage.objects.child_of(catalogue).filter(slug=POLICY_SLUG).exists():
        return []
    term = ensure_board(catalogue.get_site())
    # Version 1 as its signed document states it; the demo confirms its approval as an operator
    # would with `import_policy --confirm-approval`.
    first = policy_document_import(
        data=(SAMPLES / "bina-housing-jazan.txt").read_bytes(),
        file_name="bina-housing-jazan.txt",
        parent=catalogue,
        title_en="Beneficiary Relationship Policy",
        confirm_approval=True,
    )
    policy = PolicyPage.objects.get(pk=first.policy_id)
    policy.slug = POLICY_SLUG
    policy.summary_ar = "كيف تستقبل الجمعية المستفيدين وتتعامل مع طلباتهم ومتى تردّ عليها."
    policy.summary_en = "How the association receives beneficiaries, handles their requests and when it answers them."
    policy.save()  # slug and summary of the live page

    # Version 2: the revised text, now in both languages, approved with the members present.
    second = parse_policy_bytes((SAMPLES / "deema-education-makkah.txt").read_bytes())
    draft = policy.get_latest_revision_as_object()
    draft.title_ar = "سياسة تنظيم العلاقة مع المستفيدين"
    draft.body_ar = sections_to_stream(second.sections)
    draft.body_en = ENGLISH_BODY
    draft.summary_ar, draft.summary_en = policy.summary_ar, policy.summary_en
    revision = draft.save_revision(user=users["editor"])
    policy_approval_record(
        revision=revision,
        user=users["secretary"],
        meeting_number="1/9",
        term=term,
        meeting_date=dt.date(2024, 5, 21),
        members=list(term.members.all()),
        decision_text_ar=second.approval.decision_text,
        decision_text_en="The board approved the Beneficiary Relationship Policy in meeting 1/9.",
        change_note_ar="إضافة الأهداف التفصيلية وترجمة السياسة إلى الإنجليزية.",
        change_note_en="Detailed goals added; the policy is now also published in English.",
    )

    # A third text, submitted by the editor, waits for the board secretary.
    third = parse_policy_bytes((SAMPLES / "mouj-community-development.txt").read_bytes())
    draft = PolicyPage.objects.get(pk=policy.pk).get_latest_revision_as_object()
    draft.body_ar = sections_to_stream([s for s in third.sections if s.kind != "section"])
    draft.response_period_days = third.response_period_days
    draft.save_revision(user=users["editor"])
    board_approval_workflow().start(PolicyPage.objects.get(pk=policy.pk), users["editor"])
    return ["policies"]


def load_governance_demo(home, admin, password: str) -> list[str]:
    catalogue = ensure_policy_catalogue(home)
    users = ensure_staff(password)
    return ensure_policies(catalogue, admin, users)
