"""Small builders for tests: users, pages, the association profile."""

import factory
import wagtail_factories

from django.contrib.auth import get_user_model

from wagtail.models import Page, Site

from cms.models import AssociationProfile, ContentPage, HomePage


class UserFactory(factory.django.DjangoModelFactory):
    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct horse battery staple")

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)


class HomePageFactory(wagtail_factories.PageFactory):
    title = "الرئيسية"
    title_ar = "الرئيسية"
    title_en = "Home"
    intro_ar = "مرحبًا بكم في موقع الجمعية"
    intro_en = "Welcome to the association's website"

    class Meta:
        model = HomePage


class ContentPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"صفحة {n}")
    title_ar = factory.SelfAttribute("title")
    title_en = factory.Sequence(lambda n: f"Page {n}")
    show_in_menus = True

    class Meta:
        model = ContentPage


def make_site(**home_kwargs) -> HomePage:
    """A HomePage as the default site's root, replacing Wagtail's welcome page."""
    root = Page.get_first_root_node()
    home = HomePageFactory(parent=root, slug="sila-home", **home_kwargs)
    site = Site.objects.get(is_default_site=True)
    old_root = site.root_page
    site.root_page = home
    site.save()
    if old_root.pk != home.pk and old_root.specific_class is Page:
        old_root.delete()
    return home


def make_profile(site=None, **fields) -> AssociationProfile:
    site = site or Site.objects.get(is_default_site=True)
    profile = AssociationProfile.for_site(site)
    values = {
        "name_ar": "جمعية الاختبار الخيرية",
        "name_en": "Test Charity Association",
        "licence_number": "722",
        "phone": "+966 12 000 0000",
        "email": "info@example.org",
        "address_ar": "جدة",
        "address_en": "Jeddah",
    }
    values.update(fields)
    for field, value in values.items():
        setattr(profile, field, value)
    profile.save()
    return profile
