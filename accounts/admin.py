from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AdminUserCreationForm,
    UserChangeForm,
)
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect

from accounts import services
from accounts.models import ApiToken
from plans import services as plan_services
from plans.admin import ServiceAdmin
from plans.forms import refusal_on_form


@admin.register(ApiToken)
class ApiTokenAdmin(ServiceAdmin):
    """Administrators see every user's API tokens and revoke (delete) them through
    `token_revoke`; tokens are made by their users, who alone see each one, once."""

    list_display = ("name", "user", "token_key", "created", "expiry")
    list_filter = ("expiry",)
    search_fields = ("name", "token_key", "user__username")
    fields = ("name", "user", "token_key", "created", "expiry")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_by_service(self, request, obj):
        services.token_revoke(user=obj.user, token_key=obj.token_key)


# Users and roles ----------------------------------------------------------------------------
# Django's own User and Group admins save with the model's generic save; these write through
# the services the area set-up pages use (plans.services: user_create, user_update,
# user_roles_set, user_password_set), so the same checks hold (password validators, roles
# from plans.permissions.ROLES only). Areas are given on each area's users page.


class _PasswordByService(AdminPasswordChangeForm):
    """The administration site's password page, setting the password through
    `user_password_set` (the project's password validators, one transaction)."""

    def save(self, commit=True):
        if not self.cleaned_data.get("password1"):
            raise ValidationError("Give the user a password: each user signs in with one.")
        plan_services.user_password_set(user=self.user, password=self.cleaned_data["password1"])
        return self.user


class _RefusalShown:
    """A user form that shows the service's refusal of the save (ServiceAdmin's
    `service_refusal`) with what was typed, as FrozenGuardForm does for plans' records."""

    service_refusal: ValidationError | None = None

    def _post_clean(self):
        super()._post_clean()  # type: ignore[misc]
        if self.service_refusal is not None:
            refusal_on_form(self, self.service_refusal, aliases={"roles": "groups"})  # type: ignore[arg-type]


class _UserChangeForm(_RefusalShown, UserChangeForm):
    pass


class _UserAddForm(_RefusalShown, AdminUserCreationForm):
    pass


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(ServiceAdmin, DjangoUserAdmin):
    """A user is added through `user_create` and changed through `user_update` (name,
    address, access and roles) and `user_password_set`; a user is never deleted (their name
    stays on the history of what they did): untick Active to stop them signing in."""

    form = _UserChangeForm  # Django's (ServiceAdmin's frozen guard concerns plans' records)
    add_form = _UserAddForm
    change_password_form = _PasswordByService
    list_filter = ("is_active", "is_staff", "is_superuser", "groups")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        (
            "Access and roles",
            {
                "fields": ("is_active", "is_staff", "is_superuser", "groups"),
                "description": "Roles are the groups; each area's users page gives the areas.",
            },
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("username", "last_login", "date_joined")

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_by_service(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            plan_services.user_update(
                user=obj,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                is_active=data["is_active"],
                is_staff=data["is_staff"],
                is_superuser=data["is_superuser"],
                roles=[group.name for group in data["groups"]],
            )
            return
        if not data.get("password1"):
            raise ValidationError({"password1": "Give the user a password to sign in with."})
        obj.pk = plan_services.user_create(
            username=data["username"],
            first_name="",
            last_name="",
            email="",
            password=data["password1"],
            roles=[],
            areas=[],
        ).pk

    def user_change_password(self, request, id, form_url=""):
        try:
            return super().user_change_password(request, id, form_url)
        except ValidationError as refusal:  # the service's, after the form's own checks
            self.message_user(request, " ".join(refusal.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(Group)
class RoleAdmin(ServiceAdmin):
    """The roles (plans.permissions.ROLES): what each may do is decided in code, so they are
    shown, never written here; a user's roles are set on the user or the area's users page."""

    list_display = ("name",)
    fields = ("name",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
