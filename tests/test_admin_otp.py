"""Two-factor sign-in for administrators (issue 8, point 2): with ADMIN_OTP=true the admin
is django-otp's OTPAdminSite, which wants a TOTP code from the administrator's device as
well as the password. The rest of the app signs in as before."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import path
from django_otp.admin import OTPAdminSite
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from bcf.urls import urlpatterns as project_urlpatterns

otp_site = OTPAdminSite(name="otpadmin")
urlpatterns = [path("otpadmin/", otp_site.urls), *project_urlpatterns]


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@pytest.mark.urls(__name__)
def test_the_otp_admin_wants_a_code_from_the_administrators_device(client, admin_user):
    admin_user.set_password("a long pass phrase for tests")
    admin_user.save()
    device = TOTPDevice.objects.create(user=admin_user, name="Phone", confirmed=True)
    # Signed in with the password alone (as the rest of the app is): not let in.
    client.force_login(admin_user)
    assert client.get("/otpadmin/").status_code == 302
    client.logout()
    login = {"username": "admin", "password": "a long pass phrase for tests"}
    refused = client.post("/otpadmin/login/", login)
    assert refused.status_code == 200  # the form again, asking for the code
    assert client.get("/otpadmin/").status_code == 302
    wrong_code = "000000" if _code(device) != "000000" else "111111"
    wrong = client.post(
        "/otpadmin/login/", {**login, "otp_device": device.persistent_id, "otp_token": wrong_code}
    )
    assert wrong.status_code == 200
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code makes the next attempt wait (brute force)
    signed_in = client.post(
        "/otpadmin/login/",
        {**login, "otp_device": device.persistent_id, "otp_token": _code(device)},
    )
    assert signed_in.status_code == 302, signed_in.content.decode()[-2000:]
    assert client.get("/otpadmin/").status_code == 200


def test_admin_otp_setting_makes_the_admin_site_two_factor():
    """The switch itself, in a fresh process (the admin site is chosen at start-up)."""
    script = "from django.contrib import admin; print(type(admin.site._wrapped).__name__)"
    setup = "import django; django.setup(); from django.contrib import admin; admin.site._setup(); "
    for value, expected in (("true", "OTPAdminSite"), ("false", "AdminSite")):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bcf.settings_test", "ADMIN_OTP": value}
        out = subprocess.run(  # noqa: S603  a fixed command line, no shell
            [sys.executable, "-c", setup + script],
            env=env,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        assert out.stdout.strip() == expected, out.stderr
