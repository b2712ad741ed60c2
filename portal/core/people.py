"""Staff as the project shows and makes them: a person's name, and the demo's users."""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from wagtail.users.models import UserProfile


def display_name(user) -> str:
    """The name staff know a colleague by: the full name, else the username."""
    return user.get_full_name() or user.get_username()


def person_language(user) -> str:
    """The language a member of staff reads the admin and its emails in."""
    profile = getattr(user, "wagtail_userprofile", None)
    return getattr(profile, "preferred_language", "") or settings.LANGUAGE_CODE


def staff_ensure(*, password: str, people: Iterable) -> dict:
    """Users (username, group, first name[, last name]) whose admin is in Arabic; made once,
    left as they are when they exist."""
    users = {}
    for username, group_name, first_name, *last_name in people:
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": "".join(last_name),
                "email": f"{username}@sila.example",
                "is_staff": True,
            },
        )
        if created:
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get(name=group_name))
            profile = UserProfile.get_for_user(user)
            profile.preferred_language = "ar"
            profile.save()
        users[username] = user
    return users
