"""The plan as a PDF (Part 1 template), read back from the file: headings, every scheme's
name and amount, every metric's baseline and target, the page-numbered footer; rendered
by a job and stored with its checksum and version. Leicestershire's sample plan."""

import hashlib
import io
import re

import pytest
from django.db import transaction
from pypdf import PdfReader

from fixtures.loader import load_sample_data
from metrics.selectors import metrics_overview
from metrics.templatetags.metric_format import figure
from plans.models import Plan
from plans.templatetags.bcf_format import pounds
from schemes.selectors import budget_column, scheme_list
from submissions.documents.part1 import part1_html, part1_pdf
from submissions.jobs import job_run
from submissions.models import Document, Job
from tests.pdf import pdf_pages, pdf_text, weasyprint_warnings

HEADINGS = (
    "1) Plan details",
    "a) Summary of plan",
    "b) Authorisation and sign-off",
    "c) Service provider engagement",
    "d) Patient, service user and public engagement",
    "e) Related documentation",
    "2) Vision and schemes",
    "a) Vision for health and care services",
    "b) Aims and objectives",
    "c) Description of planned changes",
    # The template letters the acute sector "c)" a second time (001 line 787), and
    # governance "d)" (line 805): printed as it letters them, with a note on the second c).
    "c) Implications for the acute sector",
    "Lettered c) as the template letters it, a second time after c) Description of planned",
    "d) Governance",
    "3) National conditions",
    "4) Risks",
)


@pytest.fixture(scope="module")
def _rendered(django_db_setup, django_db_blocker, tmp_path_factory):
    """Load the sample data and render Leicestershire's 2014 plan once for the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_sample_data(with_users=False)
        plan = Plan.objects.get(area__code="E10000018", first_year=2014, version_kind="final")
        with weasyprint_warnings() as warnings:
            content = part1_pdf(plan)
        text = pdf_text(content)
        schemes = [
            (s.name, [getattr(s, budget_column(y.start_year)) for y in plan.years])
            for s in scheme_list(plan=plan)
        ]
        metrics = [
            (s.metric, s.baseline, list(s.targets))
            for s in metrics_overview(plan=plan, with_matrix=False).summaries
            if s.baseline or s.targets
        ]
        yield {
            "content": content,
            "html": part1_html(plan),
            "html_again": part1_html(plan),
            "warnings": warnings,
            "text": text,
            "flat": text,
            "plan": str(plan),
            "title": plan.title,
            "version_label": plan.version_label,
            "schemes": schemes,
            "metrics": metrics,
        }
        transaction.set_rollback(True)


@pytest.fixture
def rendered(_rendered):
    return _rendered


def test_the_pdf_has_every_section_heading_of_the_part1_template(rendered):
    for heading in HEADINGS:
        assert heading in rendered["flat"], heading


def test_every_scheme_appears_with_its_amount_for_each_year(rendered):
    assert len(rendered["schemes"]) > 10
    flat = rendered["flat"]
    for name, amounts in rendered["schemes"]:
        assert " ".join(name.split()) in flat or name.split()[0] in flat, name
        for amount in amounts:
            if amount is not None:
                assert pounds(amount) in flat, (name, amount)


def test_every_scheme_name_is_printed_whole(rendered):
    """Names may wrap inside their cell: every word of each name is on the page."""
    words = set(re.findall(r"\S+", rendered["flat"]))
    for name, _ in rendered["schemes"]:
        missing = [w for w in name.split() if w not in words]
        assert missing == [], name


def test_every_metric_baseline_and_target_is_in_the_pdf(rendered):
    assert len(rendered["metrics"]) >= 4
    flat = rendered["flat"]
    for metric, baseline, targets in rendered["metrics"]:
        assert metric.name.split()[0] in flat
        if baseline is not None:
            assert figure(baseline.value, metric) in flat, (metric.code, baseline.value)
        for target in targets:
            assert figure(target.value, metric) in flat, (metric.code, target.value)


def test_every_page_has_the_numbered_footer_with_the_plan_and_version(rendered):
    reader = PdfReader(io.BytesIO(rendered["content"]))
    pages = len(reader.pages)
    assert pages > 5
    for number, text in enumerate(pdf_pages(rendered["content"]), start=1):
        assert f"page {number} of {pages}" in text
        assert rendered["version_label"] in text
        assert rendered["title"] in text


def test_the_cover_says_which_version_and_state_it_shows(rendered):
    # The second version: the draft of 14 February 2014 is the first.
    assert rendered["version_label"].startswith("Final 2, agreed by the HWB Board on ")
    assert rendered["version_label"] in rendered["flat"]


def test_the_pdf_has_a_title_language_bookmarks_and_tags(rendered):
    reader = PdfReader(io.BytesIO(rendered["content"]))
    assert rendered["title"] in reader.metadata.title
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in catalog  # tagged text for screen readers
    assert catalog["/MarkInfo"]["/Marked"]
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "1) Plan details" in outline and "4) Risks" in outline


def test_metric_charts_are_vector_graphics_not_images(rendered):
    reader = PdfReader(io.BytesIO(rendered["content"]))
    images = sum(len(page.images) for page in reader.pages)
    assert images == 0
    assert "targets and actuals" in rendered["flat"]  # the charts' titles, as text


def test_each_chart_says_what_spc_makes_of_it(rendered):
    # The sample plan's actuals are too few for limits: the document says so, not nothing.
    flat = rendered["flat"]
    charts = flat.count("targets and actuals")
    assert charts and flat.count("shifts and trends of 7 points): Too few points for SPC") == charts


@pytest.mark.django_db
def test_the_render_job_stores_the_pdf_with_checksum_and_version(
    plan, officer, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    from submissions.documents.requests import document_request

    with django_capture_on_commit_callbacks(execute=True):
        job = document_request(kind=Document.Kind.PART1_PDF, obj=plan, user=officer)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCESS, job.error
    document = Document.objects.get(pk=job.result["document"])
    content = document.file.read()
    assert content.startswith(b"%PDF")
    assert document.checksum == hashlib.sha256(content).hexdigest()
    assert document.size == len(content)
    assert document.source_version == "final, 4 April 2014"
    assert document.created_by == officer
    # Run again (a task delivered twice): the job is claimed once, one document.
    job_run(job.pk)
    assert Document.objects.filter(job=job).count() == 1


def test_the_charts_of_the_pdf_lay_out_without_a_warning(rendered):
    """Each metric's chart names its ids after itself: WeasyPrint finds no anchor defined
    twice (pygal's `activate-serie-0` was in every chart), nor any other fault."""
    html = rendered["html"]
    assert html.count('class="pygal-chart"') >= 2
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert rendered["warnings"] == []


def test_the_same_plan_lays_out_the_same_html_so_its_document_is_reused(rendered):
    """The charts' ids come from what they draw, not from a random number."""
    assert rendered["html_again"] == rendered["html"]
