"""The project's URLs plus a bare page: the baseline the benchmarks compare pages with."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from bcf.urls import urlpatterns as project_urlpatterns


@login_required
def bare(request):
    """A trivial view behind the same middleware and login as every page."""
    return HttpResponse("<!doctype html><title>bare</title><p>ok</p>")


urlpatterns = [path("__bench__/bare/", bare, name="bench_bare"), *project_urlpatterns]
