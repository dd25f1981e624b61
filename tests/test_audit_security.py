"""The audit cannot be edited through the app: history is read, never written, in the admin.

No history model has an admin of its own, and simple_history's "revert" (a POST to a past
version's page) is refused for everyone, superusers included: SIMPLE_HISTORY_REVERT_DISABLED
hides the button and frameworks.admin.PastVersionsReadOnlyAdmin (every history admin's base,
plans.admin.HistoryAdmin's included) refuses the POST that the button would send.
"""

from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from frameworks.admin import PastVersionsReadOnlyAdmin
from plans.admin import HistoryAdmin


def _past_version_url(scheme):
    first = scheme.history.order_by("history_date", "history_id").first()
    return reverse("admin:schemes_scheme_simple_history", args=[scheme.pk, first.history_id])


def test_no_history_model_is_registered_in_the_admin():
    registered = [model._meta.label for model in admin.site._registry]
    assert [label for label in registered if ".Historical" in label] == []


def test_every_history_admin_refuses_reverts():
    history_admins = [
        type(model_admin).__name__
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, SimpleHistoryAdmin)
    ]
    assert history_admins
    assert issubclass(HistoryAdmin, PastVersionsReadOnlyAdmin)
    assert all(
        isinstance(model_admin, PastVersionsReadOnlyAdmin)
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, SimpleHistoryAdmin)
    )
    assert settings.SIMPLE_HISTORY_REVERT_DISABLED is True


def test_a_superuser_may_read_a_past_version_but_not_revert_to_it(client_for, admin_user, plan):
    scheme = plan.schemes.get(name="Integrated care teams")
    scheme.name = "Integrated care teams (renamed)"
    scheme.save()
    rows = scheme.history.count()
    client = client_for(admin_user)

    page = client.get(_past_version_url(scheme))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # no Revert button

    response = client.post(
        _past_version_url(scheme),
        {
            "plan": plan.pk,
            "theme": scheme.theme_id,
            "name": "Integrated care teams",
            "status": scheme.status,
            "protection": scheme.protection,
            "order": scheme.order,
        },
    )
    assert response.status_code == 403
    scheme.refresh_from_db()
    assert scheme.name == "Integrated care teams (renamed)"
    assert scheme.history.count() == rows


def test_an_officer_cannot_reach_the_admin_history(client_for, officer, plan):
    scheme = plan.schemes.first()
    response = client_for(officer).get(_past_version_url(scheme))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
