"""Every input the pages of the sample data use, sent values nobody should send: never a 500.

Each role of the sample data walks its pages (tests/crawl.py, one page of each kind). Every
query parameter a link carries, and every field of every form (hidden ones included, GET
forms such as the tables' filters and POST forms alike) is then sent, one at a time, each
malformed value below while the others keep the values the page gave them. A refusal (400,
403, 404), a form error or the page with the value ignored are all fine; a 500 is not.

Each (page kind, method, input) is tried once, by the first role that reached it, in the
order the crawl found them, so that the run is the same every time. POST forms are tried
after every GET, as they may change the data; the sign-out, the administration site and
the forms that start a document's render (which would render it again for each value) are
left out.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.test import Client
from django.urls import Resolver404, resolve

from fixtures.loader import load_sample_data
from tests import crawl as crawling

ROLES = ("officer", "finance", "executive", "board", "director", "assurer", "admin", "rutland")
MALFORMED = (
    "x:y",
    "abc",
    "-1",
    "0",
    "99999999999999999999",
    "sNaN",
    "NaN",
    "Infinity",
    "1e999",
    "",
    "x" * 5000,
    "\x00",
    "Ω≈ç√∫ 🙂",
    "2016/17x",
    "Q5",
    "2014-02-30",
    "../../etc/passwd",
)
REPEATED = ("1", "2")  # one input given twice
# Not walked into by the fuzzing (the crawl leaves the same out).
LEFT_OUT = ("/accounts/logout/", "/admin/")
# The test client does not check CSRF tokens, so altering one shows nothing.
UNCHECKED = ("csrfmiddlewaretoken",)


@dataclass
class Target:
    """One request a page makes: its method, path and inputs with the page's values."""

    role: str
    method: str
    path: str
    inputs: list[tuple[str, str]] = field(default_factory=list)

    def view(self) -> str | None:
        try:
            return resolve(self.path).view_name
        except Resolver404:
            return None


def targets_of(role: str, page_path: str, html: bytes) -> list[Target]:
    """The links with a query string and the forms of one page."""
    found = []
    soup = BeautifulSoup(html, "html.parser")
    for anchor in soup.find_all("a", href=True):
        parts = urlsplit(urljoin(page_path, anchor["href"]))
        if parts.netloc not in ("", "testserver") or not parts.query:
            continue
        found.append(Target(role, "get", parts.path, parse_qsl(parts.query, True)))
    for form in soup.find_all("form"):
        action = urlsplit(urljoin(page_path, form.get("action") or page_path))
        if action.netloc not in ("", "testserver"):
            continue
        inputs = []
        for element in form.find_all(["input", "select", "textarea", "button"]):
            name = element.get("name")
            if not name or element.get("type") == "file":
                continue
            if element.name == "select":
                chosen = element.find("option", selected=True) or element.find("option")
                value = chosen.get("value", chosen.get_text()) if chosen else ""
            elif element.name == "textarea":
                value = element.get_text()
            elif element.get("type") in ("checkbox", "radio") and not element.has_attr("checked"):
                continue
            elif element.name == "button" or element.get("type") == "submit":
                value = element.get("value", "")
            else:
                value = element.get("value", "")
            inputs.append((name, value))
        method = (form.get("method") or "get").lower()
        if method == "get":
            inputs = parse_qsl(action.query, True) + inputs
        found.append(Target(role, method, action.path, inputs))
    return found


def send(client: Client, method: str, path: str, inputs: list[tuple[str, str]]):
    data: dict[str, list[str]] = {}
    for key, value in inputs:
        data.setdefault(key, []).append(value)
    if method == "get":
        return client.get(path, data)
    return client.post(path, data)


def key_of(target: Target, name: str) -> tuple[str, str, str] | None:
    """What makes one input different from another: its method, page kind and name, the
    numbers in a name (a form prefix such as `c78-status`) set aside."""
    view = target.view()
    if view is None or target.path.startswith(LEFT_OUT) or name in UNCHECKED:
        return None
    return target.method, view, re.sub(r"\d+", "#", name)


def typed(value: str) -> tuple[str, ...]:
    """The malformed values that attack how a value of the kind the page gave is read."""
    if re.fullmatch(r"-?\d+", value):
        return ("99999999999999999999", "-1", "abc", "0")
    if re.fullmatch(r"-?[\d,]*\.\d+", value):
        return ("sNaN", "1e999", "Infinity", "NaN")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return ("2014-02-30", "99999-01-01")
    if re.fullmatch(r"\d{4}/\d{2}", value):
        return ("2016/17x", "9999/00")
    if re.fullmatch(r"Q\d", value):
        return ("Q5", "Q0")
    return ("x:y", "\x00", "x" * 5000)


def inputs_to_try(targets: dict[tuple, Target], every_value: bool):
    """(target, name, its inputs with that one malformed) for every input, GET first.

    Each input is sent one value of its kind and one of the whole list, in turn (the n-th
    input the n-th of each), so that each value is sent to many inputs and the run stays
    short; FUZZ_EVERY_VALUE=1 sends every value to every input (about 8,000 requests)."""
    general: list[tuple[str, ...]] = [(value,) for value in MALFORMED] + [REPEATED]
    for method in ("get", "post"):
        for index, ((kind, _, name), target) in enumerate(targets.items()):
            if kind != method:
                continue
            named = [key for key, _ in target.inputs if re.sub(r"\d+", "#", key) == name][0]
            value = dict(target.inputs).get(named, "")
            others = [(key, given) for key, given in target.inputs if key != named]
            if every_value:
                cases = general
            else:
                kind_of = typed(value)
                cases = [(kind_of[index % len(kind_of)],), general[index % len(general)]]
            for values in cases:
                yield target, named, others + [(named, bad) for bad in values]


def table_inputs(target: Target) -> list[tuple[str, str]]:
    """A table's page and page size beside its sort (django-tables2 reads `page` and
    `per_page`, with the table's prefix), though the sample data has too few rows to link
    to a second page."""
    added = []
    for key, _ in target.inputs:
        if key.endswith("sort"):
            prefix = key[: -len("sort")]
            added += [(f"{prefix}page", "1"), (f"{prefix}per_page", "50")]
    return target.inputs + added


def collect(roles=ROLES) -> tuple[dict[str, Client], dict[tuple, Target], int]:
    """Each role's client, and every input each role's pages use, with the first target
    (link or form) that used it."""
    clients = {}
    targets: dict[tuple, Target] = {}
    pages = 0
    for role in roles:
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(username=role))
        clients[role] = client
        for page in crawling.crawl(client.get, per_kind=1):
            pages += 1
            if not page.is_html:
                continue
            for target in targets_of(role, page.path, page.body):
                if target.method == "get":
                    target.inputs = table_inputs(target)
                for name, _ in target.inputs:
                    if (key := key_of(target, name)) is not None:
                        targets.setdefault(key, target)
    return clients, targets, pages


@pytest.mark.django_db
def test_no_malformed_input_of_any_page_answers_500():
    started = time.monotonic()
    load_sample_data(with_users=True)
    loaded = time.monotonic()
    clients, targets, pages = collect()
    crawled = time.monotonic()
    failures = []
    sent = 0
    every_value = os.environ.get("FUZZ_EVERY_VALUE", "") == "1"
    for target, name, inputs in inputs_to_try(targets, every_value):
        response = send(clients[target.role], target.method, target.path, inputs)
        sent += 1
        if response.status_code >= 500:
            value = [given for key, given in inputs if key == name]
            failures.append(f"{target.role} {target.method} {target.path} {name}={value!r:.60}")
    print(
        f"\n{pages} pages, {len(targets)} inputs, {sent} requests; load {loaded - started:.1f}s, "
        f"crawl {crawled - loaded:.1f}s, fuzz {time.monotonic() - crawled:.1f}s"
    )
    print("\n".join(failures))
    assert failures == []
    # The walk reached the inputs of every part, the tables' filters among them.
    views = {view for _, view, _ in targets}
    for view in ("schemes:scheme_list", "risks:register", "submissions:national", "home"):
        assert view in views, view
