"""Demo content for `make run`: the association, its home page, a few pages, the governance
demo and the FAQs (portal.demo adds the other apps' parts). Idempotent."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from wagtail.models import Locale, Page, Site
from wagtail.users.models import UserProfile

from cms.demo_faqs import load_faq_demo
from cms.demo_policies import load_governance_demo
from cms.models import AssociationProfile, ContentPage, HomePage, VolunteerCharterPage

DEMO_ADMIN_USERNAME = "admin"

PROFILE = {
    "name_ar": "جمعية صلة النموذجية للتنمية الأهلية",
    "name_en": "Sila Model Association for Community Development",
    "tagline_ar": "نخدم المستفيدين بإتقان وسرعة وشفافية",
    "tagline_en": "Serving beneficiaries with care, speed and transparency",
    "address_ar": "حي الروضة، شارع الأمير سلطان، جدة، المملكة العربية السعودية",
    "address_en": "Al Rawdah district, Prince Sultan Street, Jeddah, Saudi Arabia",
    "licence_number": "722",
    "phone": "+966 12 000 0722",
    "email": "info@sila.example",
    "website": "https://sila.example",
    "x_url": "https://x.com/sila_example",
    "instagram_url": "https://www.instagram.com/sila_example",
}

HOME = {
    "title_ar": "الرئيسية",
    "title_en": "Home",
    "intro_ar": (
        "جمعية أهلية تخدم المستفيدين والمتطوعين والداعمين، وتنشر سياساتها المعتمدة من مجلس "
        "الإدارة ليطّلع عليها الجميع."
    ),
    "intro_en": (
        "A non-profit association serving beneficiaries, volunteers and supporters, publishing "
        "the policies its board of directors has approved for everyone to read."
    ),
    "body_ar": (
        "<p>نؤمن بأن تقييم جودة الخدمة حق من حقوق المستفيد، وبأن الشفافية في السياسات والإجراءات "
        "أساس الثقة بين الجمعية ومن تخدمهم.</p>"
    ),
    "body_en": (
        "<p>We believe that rating the quality of a service is a beneficiary's right, and that "
        "transparent policies and procedures are the basis of trust between the association and "
        "the people it serves.</p>"
    ),
}

PAGES = [
    {
        "slug": "about",
        "title_ar": "عن الجمعية",
        "title_en": "About the association",
        "intro_ar": "جمعية أهلية مرخّصة تعمل على تنمية المجتمع وخدمة المستفيدين في منطقتها.",
        "intro_en": (
            "A licensed non-profit association working for community development and serving "
            "beneficiaries in its region."
        ),
        "body_ar": (
            "<h2>رسالتنا</h2><p>تقديم خدمة متميزة للمستفيدين من كافة الشرائح بإتقان وسرعة وجودة "
            "عالية، والوصول إليهم بأسهل الطرق.</p><h2>قنوات التواصل</h2><ul><li>المقابلة</li>"
            "<li>الاتصالات الهاتفية</li><li>وسائل التواصل الاجتماعي</li><li>الخطابات</li>"
            "<li>الموقع الإلكتروني للجمعية</li></ul>"
        ),
        "body_en": (
            "<h2>Our mission</h2><p>To serve beneficiaries of every background with skill, speed "
            "and high quality, and to reach them in the easiest ways.</p><h2>How to reach us</h2>"
            "<ul><li>In person</li><li>By phone</li><li>Social media</li><li>Letters</li>"
            "<li>The association's website</li></ul>"
        ),
    },
    {
        "slug": "privacy",
        "title_ar": "الخصوصية وحماية البيانات الشخصية",
        "title_en": "Privacy and personal data",
        "intro_ar": "كيف نجمع بياناتك الشخصية ونستخدمها ونحميها.",
        "intro_en": "How we collect, use and protect your personal data.",
        "body_ar": (
            "<p>لا نجمع من البيانات الشخصية إلا ما يلزم لغرض معلن وبموافقتك، ولا يطّلع عليها إلا "
            "الموظفون الذين يعملون على طلبك، ونحتفظ بها مدة محددة ثم نحذفها أو نجعلها مجهولة "
            "الهوية.</p>"
        ),
        "body_en": (
            "<p>We collect only the personal data a stated purpose needs, with your consent. Only "
            "the staff working on your request can see it, and we keep it for a set period before "
            "deleting or anonymising it.</p>"
        ),
    },
]


CHARTER = {
    "slug": "volunteer-charter",
    "title_ar": "ميثاق التطوع",
    "title_en": "Volunteer charter",
    "intro_ar": "ما نلتزم به تجاه متطوعينا، وما يلتزم به المتطوع تجاه الجمعية والمستفيدين.",
    "intro_en": "What we promise our volunteers, and what a volunteer promises the association "
    "and the people it serves.",
    "body_ar": (
        "<h2>التزامات المتطوع</h2><ul>"
        "<li>احترام كرامة المستفيدين وخصوصيتهم، وعدم إفشاء أي معلومة عنهم.</li>"
        "<li>الالتزام بالمواعيد المتفق عليها، والاعتذار مسبقًا عند التعذر.</li>"
        "<li>العمل بتوجيه منسق التطوع ووفق سياسات الجمعية.</li>"
        "<li>عدم قبول أي مقابل أو هدية من المستفيدين.</li></ul>"
        "<h2>التزامات الجمعية</h2><ul>"
        "<li>تعريف المتطوع بمهمته وتدريبه عليها.</li>"
        "<li>توفير بيئة آمنة، وتوثيق ساعات التطوع في المنصة الوطنية للعمل التطوعي.</li>"
        "<li>شكر المتطوع وتقدير جهده، ومنحه شهادة عند طلبها.</li></ul>"
    ),
    "body_en": (
        "<h2>The volunteer's commitments</h2><ul>"
        "<li>Respect the dignity and privacy of the people we serve; disclose nothing about them.</li>"
        "<li>Keep to the agreed times, and say so in advance when you cannot.</li>"
        "<li>Work under the volunteer coordinator's guidance and the association's policies.</li>"
        "<li>Accept no payment or gift from beneficiaries.</li></ul>"
        "<h2>The association's commitments</h2><ul>"
        "<li>Explain the task to the volunteer and train them for it.</li>"
        "<li>Provide a safe place, and record volunteer hours on the national volunteering "
        "platform.</li>"
        "<li>Thank volunteers, recognise their effort and give a certificate on request.</li></ul>"
    ),
}


def ensure_volunteer_charter(home: HomePage) -> list[str]:
    if home.get_descendants().type(VolunteerCharterPage).exists():
        return []
    page = VolunteerCharterPage(show_in_menus=False, **CHARTER)
    home.add_child(instance=page)
    page.save_revision().publish()
    return ["volunteer charter"]


@dataclass
class DemoReport:
    created: list[str]
    admin_created: bool


def _set_fields(obj, values: dict) -> None:
    for field, value in values.items():
        setattr(obj, field, value)


def ensure_home_page() -> tuple[HomePage, bool]:
    """The site's root is a HomePage; Wagtail's default welcome page is replaced."""
    default = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    home = (
        default.root_page.specific
        if default and isinstance(default.root_page.specific, HomePage)
        else None
    )
    created = home is None
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    if created:
        taken = root.get_children().filter(slug="home").exists()
        home = HomePage(slug="home-new" if taken else "home", show_in_menus=False, **HOME)
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(is_default_site=True)
    if site.root_page_id != home.pk or not site.site_name:
        # The demo is served at SITE_BASE_URL, so links in the API and emails point there.
        base_url = urlsplit(settings.SITE_BASE_URL)
        site.hostname = base_url.hostname or "localhost"
        site.port = base_url.port or (443 if base_url.scheme == "https" else 80)
        site.site_name = "Sila"
        site.root_page = home
        site.save()
    # Wagtail's "Welcome to your new Wagtail site!" page: a plain Page no site points at.
    for leftover in root.get_children().exact_type(Page).filter(sites_rooted_here__isnull=True):
        leftover.delete()
    if home.slug != "home":
        home.slug = "home"
        home.save()  # updates url_path, which child pages are built from
        home.save_revision().publish()
        home.refresh_from_db()
    return home, created


def ensure_content_pages(home: HomePage) -> list[str]:
    created = []
    for spec in PAGES:
        if home.get_children().filter(slug=spec["slug"]).exists():
            continue
        page = ContentPage(show_in_menus=True, **spec)
        home.add_child(instance=page)
        page.save_revision().publish()
        created.append(spec["slug"])
    return created


def ensure_association_profile(site: Site) -> bool:
    profile = AssociationProfile.for_site(site)
    if profile.name_ar:
        return False
    _set_fields(profile, PROFILE)
    profile.save()
    return True


def ensure_demo_admin(*, password: str) -> bool:
    """A superuser `admin` whose admin interface is in Arabic. Returns True if it was created."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=DEMO_ADMIN_USERNAME,
        defaults={
            "email": "admin@sila.example",
            "first_name": "مدير",
            "last_name": "الموقع",
            "is_staff": True,
            "is_superuser": True,
        },
    )
    if created:
        user.set_password(password)
        user.save()
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = "ar"
        profile.save()
    return created


@transaction.atomic
def load_demo(*, admin_password: str) -> DemoReport:
    created = []
    home, home_created = ensure_home_page()
    if home_created:
        created.append("home")
    created += ensure_content_pages(home)
    created += ensure_volunteer_charter(home)
    site = Site.objects.get(is_default_site=True)
    if ensure_association_profile(site):
        created.append("association profile")
    admin_created = ensure_demo_admin(password=admin_password)
    admin = get_user_model().objects.get(username=DEMO_ADMIN_USERNAME)
    created += load_governance_demo(home, admin, admin_password)
    created += load_faq_demo(home)
    return DemoReport(created=created, admin_created=admin_created)
