"""Two-step verification: required for every role that sees personal data or manages others,
set up with a QR code, asked after the password, backup codes, and an administrator's reset."""

import re

import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from django.conf import settings

from wagtail.models import ModelLogEntry

from tests.accounts.conftest import sign_in
from tests.accounts_helpers import app_device, current_code

pytestmark = pytest.mark.django_db

MUST = ["officer", "researcher", "committee", "coordinator", "secretary", "administrator"]
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.mark.parametrize("role", MUST)
def test_roles_that_see_personal_data_or_manage_others_must_set_it_up(client, roles, role):
    assert sign_in(client, role).status_code == 302
    response = client.get("/admin/inbox/help-requests/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/two-factor/setup/")
    # Nowhere else is the password alone enough: the API and documents see nobody.
    assert client.get("/api/v1/staff/help-requests/").status_code in (401, 403)
    assert client.get("/api/v1/staff/search/?q=x").status_code in (401, 403)


def test_a_superuser_must_too(client, superuser):
    sign_in(client, superuser.username)
    assert client.get("/admin/")["Location"].startswith("/admin/two-factor/setup/")


def test_communications_staff_sign_in_with_the_password(client, roles):
    sign_in(client, "communications")
    assert client.get("/admin/").status_code == 200


def test_setting_up_the_app_with_the_qr_code_then_signing_in(client, roles):
    sign_in(client, "officer")
    page = client.get("/admin/two-factor/setup/?next=/admin/inbox/help-requests/")
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html
    device = TOTPDevice.objects.get(user=roles["officer"], confirmed=False)
    # Reloading shows the same key: the phone scanned that one.
    client.get("/admin/two-factor/setup/")
    assert TOTPDevice.objects.filter(user=roles["officer"]).count() == 1
    done = client.post(
        "/admin/two-factor/setup/",
        {"code": current_code(device), "next": "/admin/inbox/help-requests/"},
    )
    assert done.status_code == 200
    codes = re.findall(r"<li>([a-z0-9]{8})</li>", done.content.decode())
    assert len(codes) == settings.SECOND_FACTOR_BACKUP_CODES
    assert client.get("/admin/inbox/help-requests/").status_code == 200
    assert ModelLogEntry.objects.for_instance(roles["officer"]).filter(
        action="sila.second_factor_enrol"
    )

    # Next time: password, then a code.
    client.logout()
    sign_in(client, "officer")
    assert client.get("/admin/")["Location"].startswith("/admin/two-factor/verify/")
    device.refresh_from_db()
    response = client.post(
        "/admin/two-factor/verify/", {"code": current_code(device, drift=1), "next": "/admin/"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_code_typed_in_arabic_indic_digits_with_spaces_is_accepted(client, roles):
    device = app_device(roles["researcher"])
    sign_in(client, "researcher")
    code = current_code(device)
    typed = f"{code[:3]} {code[3:]}".translate(ARABIC_DIGITS)
    assert client.post("/admin/two-factor/verify/", {"code": typed}).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_setting_up_with_a_wrong_code_confirms_nothing(client, roles):
    sign_in(client, "officer")
    client.get("/admin/two-factor/setup/")
    device = TOTPDevice.objects.get(user=roles["officer"])
    good = current_code(device)
    response = client.post("/admin/two-factor/setup/", {"code": f"{(int(good) + 1) % 10**6:06d}"})
    assert response.status_code == 400 and "<svg" in response.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/admin/")["Location"].startswith("/admin/two-factor/setup/")


def test_a_wrong_code_is_refused_with_a_translated_message(client, roles):
    device = app_device(roles["committee"])
    sign_in(client, "committee")
    good = current_code(device)
    bad = f"{(int(good) + 500000) % 1000000:06d}"
    response = client.post("/admin/two-factor/verify/", {"code": bad})
    assert response.status_code == 400
    assert "الرمز" in response.content.decode()
    assert client.get("/admin/")["Location"].startswith("/admin/two-factor/verify/")


def test_a_backup_code_signs_in_once(client, roles):
    from portal.accounts.second_factor import backup_codes_new

    user = roles["coordinator"]
    app_device(user)
    codes = backup_codes_new(user=user)
    sign_in(client, "coordinator")
    assert client.post("/admin/two-factor/verify/", {"code": codes[3].upper()}).status_code == 302
    assert StaticToken.objects.filter(device__user=user).count() == len(codes) - 1
    client.logout()
    sign_in(client, "coordinator")
    assert client.post("/admin/two-factor/verify/", {"code": codes[3]}).status_code == 400


def test_a_password_alone_cannot_set_up_a_new_phone(client, roles):
    app_device(roles["officer"])
    sign_in(client, "officer")
    response = client.get("/admin/two-factor/setup/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/two-factor/verify/")
    assert client.post("/admin/two-factor/setup/", {"code": "123456"}).status_code == 302
    assert TOTPDevice.objects.filter(user=roles["officer"]).count() == 1


def test_an_administrator_resets_a_lost_phone_and_it_is_audited(client, roles, superuser):
    officer, admin = roles["officer"], roles["administrator"]
    app_device(officer)
    client.force_login(admin)
    assert client.get(f"/admin/two-factor/reset/{officer.pk}/").status_code == 200
    assert client.post(f"/admin/two-factor/reset/{officer.pk}/").status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    entry = ModelLogEntry.objects.for_instance(officer).get(action="sila.second_factor_reset")
    assert entry.user == admin
    # Not their own, not a superuser's (who is no one of their association's: not found), and
    # not for someone who manages no one: the admin refuses (back to the dashboard with its
    # message) and nothing changes.
    for target in (admin, superuser):
        app_device(target)
        response = client.post(f"/admin/two-factor/reset/{target.pk}/")
        assert response.status_code in (302, 403, 404)
        assert "/reset/" not in response.get("Location", "")
    app_device(officer)
    client.force_login(roles["communications"])
    client.post(f"/admin/two-factor/reset/{officer.pk}/")
    for target in (admin, superuser, officer):
        assert TOTPDevice.objects.filter(user=target).exists()


@pytest.mark.password_only
def test_a_session_verified_before_stays_verified_only_for_its_own_user(client, roles):
    client.force_login(roles["officer"])
    assert client.get("/admin/")["Location"].startswith("/admin/two-factor/setup/")


def test_one_can_sign_out_from_the_code_screen(client, roles):
    app_device(roles["officer"])
    sign_in(client, "officer")
    page = client.get("/admin/two-factor/verify/").content.decode()
    assert 'action="/admin/logout/"' in page
    client.post("/admin/logout/")
    assert "_auth_user_id" not in client.session
