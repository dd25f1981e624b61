from django.contrib import admin

from accounts import services
from accounts.models import ApiToken
from plans.admin import ServiceAdmin


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
