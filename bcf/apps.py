from django.contrib.admin.apps import AdminConfig


class OTPAdminConfig(AdminConfig):
    """The admin with two-factor sign-in (settings.ADMIN_OTP): a TOTP code as well as the
    password, and only for a session verified with one."""

    default_site = "django_otp.admin.OTPAdminSite"
