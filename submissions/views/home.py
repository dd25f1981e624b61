"""The home page after sign-in: what each role has to do (submissions/home.py)."""

from __future__ import annotations

import contextlib

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from plans import permissions
from plans.periods import FinancialYear
from submissions import home as home_selectors

WRITERS = {permissions.OFFICER, permissions.FINANCE, permissions.ADMINISTRATOR}
DECIDERS = {permissions.EXECUTIVE, permissions.BOARD}


@login_required
def home(request):
    user = request.user
    today = timezone.localdate()
    roles = permissions.roles_of(user)
    context = {"today": today, "roles": sorted(roles)}
    if roles & WRITERS and permissions.area_ids_of(user):
        context["officer"] = home_selectors.officer_home(user=user, today=today)
    if roles & DECIDERS or permissions.board_ids_of(user):
        context["boards"] = home_selectors.board_home(user=user, today=today)
        context["show_boards"] = True
    if permissions.can_assure(user):
        year = None
        with contextlib.suppress(ValueError):
            year = FinancialYear.parse(request.GET.get("year", "")).start_year
        context["assurer"] = home_selectors.assurer_home(today=today, year=year)
    return render(request, "submissions/home.html", context)
