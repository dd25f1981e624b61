from django.contrib import admin

from accounts.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Administrators see every user's API tokens and revoke (delete) them; tokens are made
    by their users, who alone see each one, once."""

    list_display = ("name", "user", "token_key", "created", "expiry")
    list_filter = ("expiry",)
    search_fields = ("name", "token_key", "user__username")
    fields = ("name", "user", "token_key", "created", "expiry")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
