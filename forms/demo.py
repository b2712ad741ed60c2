"""Demo inbox: one user per role and requests at every step of the procedure, filed and moved
through the services (dates are then spread over the past months so the figures mean
something)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from forms import groups
from forms.associations import association_defaults_create
from forms.casework.escalation import submission_escalate
from forms.casework.filing import submission_file
from forms.casework.kinds import Step
from forms.casework.transitions import submission_assign, submission_transition
from forms.kinds.complaint import COMPLAINTS
from forms.kinds.help import help_request_submit, help_request_transition
from forms.kinds.volunteer import volunteer_application_submit, volunteer_application_transition
from forms.models import (
    Complaint,
    ComplaintTheme,
    HelpRequest,
    SatisfactionRating,
    SupportType,
    VolunteerApplication,
)
from forms.validators import normalise_national_id
from portal.core.associations import current_or_default_site, default_site
from portal.core.people import staff_ensure

DEMO_INBOX_STAFF = [
    # username, group, first name, last name
    ("officer", groups.OFFICERS, "منى", "الدوسري"),
    ("researcher", groups.RESEARCHERS, "خالد", "الزهراني"),
    ("committee", groups.COMMITTEE, "عبدالرحمن", "الشمري"),
    ("coordinator", groups.VOLUNTEER_COORDINATORS, "ريم", "العنزي"),
    ("complaints", groups.COMPLAINTS_OFFICERS, "نورة", "السبيعي"),
]

APPLICANTS = [
    # name, city, district, type, mobile, steps, days ago
    ("فاطمة بنت علي الحربي", "جدة", "الروضة", "financial", "0551234567", [], 1),
    ("نوال سعيد الغامدي", "جدة", "الصفا", "housing", "0502223344", ["under_review"], 3),
    (
        "عبدالله محمد القرني",
        "مكة المكرمة",
        "العزيزية",
        "health",
        "0533334455",
        ["under_review", "information_needed"],
        6,
    ),
    (
        "هند عبدالعزيز المطيري",
        "جدة",
        "النسيم",
        "financial",
        "0544445566",
        ["under_review", "referred"],
        10,
    ),
    (
        "سلمان فهد العتيبي",
        "الطائف",
        "الشفا",
        "food",
        "0565556677",
        ["under_review", "referred"],
        20,
    ),
    (
        "مريم خالد الشهري",
        "جدة",
        "البوادي",
        "education",
        "0576667788",
        ["under_review", "referred", "accepted"],
        35,
    ),
    (
        "أحمد ناصر السبيعي",
        "جدة",
        "المروة",
        "financial",
        "0587778899",
        ["under_review", "referred", "rejected", "closed"],
        60,
    ),
    (
        "عائشة يوسف الزهراني",
        "مكة المكرمة",
        "الشوقية",
        "housing",
        "0598889900",
        ["under_review", "referred", "accepted", "delivered", "closed"],
        90,
    ),
    (
        "إبراهيم سالم الحربي",
        "جدة",
        "الفيصلية",
        "food",
        "0550001122",
        ["under_review", "referred", "accepted", "delivered", "closed"],
        120,
    ),
    (
        "لطيفة عمر القحطاني",
        "جدة",
        "الربوة",
        "health",
        "0551112233",
        ["under_review", "referred", "accepted", "delivered", "closed"],
        150,
    ),
    ("ماجد حسن الأحمدي", "جدة", "الروضة", "financial", "0552223344", ["spam"], 40),
]


def ensure_support_types(site=None) -> int:
    """Create the default types that are missing; staff edits are left alone. Returns the count."""
    return len(association_defaults_create(site or default_site()))


def _staff(password: str) -> dict:
    groups.ensure_inbox_groups()
    return staff_ensure(password=password, people=DEMO_INBOX_STAFF)


def _national_id(seed: int) -> str:
    """A valid national ID: the first one, from `1{seed}0`, whose check digit passes."""
    for check in range(10):
        try:
            return normalise_national_id(f"1{seed:08d}{check}")
        except ValidationError:
            continue
    raise ValueError(seed)


COMPLAINT_TEXTS = {
    "complaint": "انتظرت طويلًا دون أن أتلقى ردًا، وأرجو معالجة ذلك.",
    "suggestion": "أقترح إتاحة مواعيد مسائية وإرسال تذكير قبل الموعد.",
}


def load_complaints_demo(users: dict, now) -> list[str]:
    """Complaints and suggestions over the past months: most answered (some late, escalated to
    the board first), a few still open, a quarter anonymous; enough for the annual report."""
    if Complaint.objects.filter(site=current_or_default_site()).exists():
        return []
    officer = users["complaints"]
    themes = ComplaintTheme.values
    for index in range(36):
        nature = "suggestion" if index % 3 == 2 else "complaint"
        anonymous = index % 4 == 0
        named = {
            "full_name": f"مراجع تجريبي {index + 1}",
            "mobile": f"+96655300{index:04d}",
            "preferred_contact": "sms",
        }
        complaint, _ = submission_file(
            kind=COMPLAINTS,
            data={
                "nature": nature,
                "theme": themes[index % 4 if index % 5 else 4 + index % 2],
                "description": COMPLAINT_TEXTS[nature],
                "anonymous": anonymous,
                **({} if anonymous else named),
            },
            consents={}
            if anonymous
            else {"declaration": True, "processing": True, "contact": True},
            channel="website",
        )
        submitted = now - dt.timedelta(days=320 - index * 8, hours=index)
        Complaint.objects.filter(pk=complaint.pk).update(
            submitted_at=submitted, response_due=(submitted + dt.timedelta(days=14)).date()
        )
        if index >= 32:
            continue  # still open
        submission_transition(submission=complaint, user=officer, step=Step(to="under_review"))
        late = index % 9 == 4  # unanswered past the promised date: escalated to the board
        if late:
            submission_escalate(kind=COMPLAINTS, pk=complaint.pk, now=now)
        elif index % 2:
            submission_transition(submission=complaint, user=officer, step=Step(to="referred"))
        answer = "شكرًا لك، راجعنا الأمر وعالجناه." if nature == "complaint" else "شكرًا لاقتراحك."
        submission_transition(
            submission=complaint, user=officer, step=Step(to="answered", message=answer)
        )
        submission_transition(submission=complaint, user=officer, step=Step(to="closed"))
        decided = submitted + dt.timedelta(days=20 if late else 3 + (index * 5) % 13)
        Complaint.objects.filter(pk=complaint.pk).update(
            decided_at=decided,
            escalated_at=submitted + dt.timedelta(days=15) if late else None,
        )
        complaint.events.update(at=decided)
    return [
        f"{Complaint.objects.filter(site=current_or_default_site()).count()} complaints and suggestions"
    ]


def load_inbox_demo(password: str, users: dict | None = None) -> list[str]:
    """The demo's requests at every step, in the current association (wrap in
    `portal.core.associations.association(site)` for another), worked by `users` ({"officer",
    "researcher", "committee", "coordinator", "complaints": user}), else the demo staff."""
    users = users or _staff(password)
    complaints = load_complaints_demo(users, timezone.now())
    if HelpRequest.objects.filter(site=current_or_default_site()).exists():
        return complaints
    officer, committee = users["officer"], users["committee"]
    consents = {"declaration": True, "processing": True, "contact": True}
    now = timezone.now()
    for index, (name, city, district, type_slug, mobile, steps, days_ago) in enumerate(APPLICANTS):
        request, _ = help_request_submit(
            data={
                "support_type": SupportType.objects.get(
                    site=current_or_default_site(), slug=type_slug
                ),
                "full_name": name,
                "national_id": _national_id(20000000 + index * 7919),
                "date_of_birth": dt.date(1970 + index * 2, 1 + index % 12, 10),
                "gender": "female" if index % 2 == 0 else "male",
                "nationality": "سعودي",
                "marital_status": ["widowed", "married", "divorced", "single"][index % 4],
                "family_size": 3 + index % 5,
                "dependants": 2 + index % 4,
                "monthly_income": 1500 + 250 * index,
                "income_sources": "الضمان الاجتماعي",
                "city": city,
                "district": district,
                "mobile": "+966" + mobile[1:],
                "email": "",
                "preferred_contact": "sms",
                "description": "تمر الأسرة بظروف صعبة وتحتاج إلى مساعدة عاجلة في تغطية الاحتياجات الأساسية.",
            },
            consents=consents,
            channel=["website", "phone", "website", "branch_delegate"][index % 4],
            recorded_by=None if index % 4 in (0, 2) else officer,
        )
        for step in steps:
            extra = {}
            if step == "information_needed":
                extra["message"] = "نرجو إرسال صورة عقد الإيجار وتعريف بالدخل."
            if step in ("accepted", "rejected"):
                extra["meeting"] = "الاجتماع ٣ لعام ١٤٤٨"
            if step == "rejected":
                extra["reason"] = "الدخل الشهري يتجاوز حد الاستحقاق المعتمد."
            help_request_transition(
                help_request=request,
                user=committee if step in ("accepted", "rejected") else officer,
                to_status=step,
                **extra,
            )
        if index in (3, 4):
            submission_assign(submission=request, user=officer, assignee=users["researcher"])
        submitted = now - dt.timedelta(days=days_ago)
        HelpRequest.objects.filter(pk=request.pk).update(
            submitted_at=submitted,
            response_due=(submitted + dt.timedelta(days=14)).date(),
        )
        request.events.update(at=submitted)
        if request.decided_at:
            HelpRequest.objects.filter(pk=request.pk).update(
                decided_at=submitted + dt.timedelta(days=6 + index)
            )
        if request.status == "closed":
            SatisfactionRating.objects.create(
                owner=request,
                score=[4, 5, 3, 5][index % 4],
                courteous="yes",
                on_time="yes" if index % 3 else "no",
                clear="yes",
                language="ar",
                created_at=submitted + dt.timedelta(days=20 + index),
            )
    for index, (name, city, steps) in enumerate(
        [
            ("سارة محمد القحطاني", "الرياض", []),
            ("يوسف علي الغامدي", "جدة", ["screening"]),
            ("جود فيصل العمري", "جدة", ["screening", "interview", "accepted"]),
            ("تركي سعد المالكي", "جدة", ["screening", "accepted", "active"]),
        ]
    ):
        application, _ = volunteer_application_submit(
            data={
                "full_name": name,
                "national_id": _national_id(30000000 + index * 7919),
                "date_of_birth": dt.date(1995 + index, 5, 1),
                "gender": "female" if index % 2 == 0 else "male",
                "city": city,
                "mobile": f"+96650111{index:04d}",
                "email": f"volunteer{index}@sila.example",
                "education": "بكالوريوس",
                "skills": "organising,design",
                "interests": "food,other",
                "interests_other": "برامج الأسر المنتجة",
                "languages": "العربية، الإنجليزية",
                "availability": "weekday_evenings,weekends",
                "hours_per_week": 4 + index,
                "experience": "",
                "platform_account": "",
            },
            consents={"declaration": True, "processing": True, "charter": True},
        )
        for step in steps:
            volunteer_application_transition(
                application=application, user=users["coordinator"], to_status=step
            )
    return [
        f"{HelpRequest.objects.filter(site=current_or_default_site()).count()} help requests",
        f"{VolunteerApplication.objects.filter(site=current_or_default_site()).count()} volunteer applications",
        *complaints,
    ]
