from submissions.models import Job
from tests.grid import (
    API_VIEW,
    EDIT_PLAN,
    EDIT_SCHEMES,
    FORBIDDEN,
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    UNAUTHORISED,
    VIEW,
    Rule,
    grid,
    no_arguments,
)


def _job(plan) -> dict:
    job = Job.objects.create(kind="test-echo", area=plan.area, plan=plan)
    return {"pk": job.pk}


def _other_version(plan) -> dict:
    import datetime

    from plans.services import plan_create

    draft = plan_create(
        area=plan.area,
        title=plan.title,
        first_year=plan.first_year,
        last_year=plan.last_year,
        version_kind="draft",
        version_date=datetime.date(2014, 2, 14),
    )
    return {"pk": plan.pk, "other": draft.pk}


def _document(plan) -> dict:
    from submissions.documents.services import document_store

    document = document_store(
        plan=plan, kind="part1-pdf", content=b"%PDF-1.7", source_version="final, 4 April 2014"
    )
    return {"pk": document.pk}


def _return_document(plan) -> dict:
    from submissions.documents.services import document_store
    from submissions.services import return_get_or_create_draft

    ret = return_get_or_create_draft(plan=plan, year=plan.first_year, quarter=1)
    document = document_store(
        plan=plan,
        quarterly_return=ret,
        kind="return-pdf",
        content=b"%PDF-1.7",
        source_version=f"{ret.pk} v1",
    )
    return {"pk": document.pk}


RULES = {
    "submissions:job_detail": Rule(VIEW, _job),
    # POST only: a GET is refused as such before anything else is looked at.
    "submissions:job_retry": Rule(grid(default=NOT_ALLOWED), _job),
    "api-job-detail": Rule(API_VIEW, _job),
    # Submission documents, template checks, versions (submissions/documents/).
    "submissions:document_list": Rule(VIEW),
    "submissions:document_render": Rule(grid(default=NOT_ALLOWED)),  # POST only
    "submissions:workbook_import": Rule(EDIT_SCHEMES),
    "submissions:checklist": Rule(VIEW),
    "submissions:version_list": Rule(VIEW),
    "submissions:version_diff": Rule(VIEW, _other_version),
    "submissions:document_download": Rule(VIEW, _document),
    "api-plan-documents": Rule(API_VIEW),
    # A return's document (the API lists them with each return): plans' go by the page.
    "api-document-file": Rule(API_VIEW, _return_document),
    "api-plan-checklist": Rule(API_VIEW),
}


# Quarterly returns and the dashboard (submissions/views/returns.py, issue 6).
def _return(plan) -> dict:
    from submissions.services import return_get_or_create_draft

    ret = return_get_or_create_draft(plan=plan, year=plan.first_year, quarter=1)
    return {"pk": ret.pk}


RULES.update(
    {
        "submissions:dashboard": Rule(VIEW),
        "submissions:return_list": Rule(VIEW),
        "submissions:return_detail": Rule(VIEW, _return),
        "submissions:return_narrative": Rule(EDIT_PLAN, _return),
        "submissions:return_diff": Rule(VIEW, _return),
        # POST only.
        "submissions:return_prepare": Rule(grid(default=NOT_ALLOWED), _return),
        "submissions:return_ready": Rule(grid(default=NOT_ALLOWED), _return),
        "submissions:return_submit": Rule(grid(default=NOT_ALLOWED), _return),
        "submissions:return_new_version": Rule(grid(default=NOT_ALLOWED), _return),
        "api-plan-returns": Rule(API_VIEW),
        "api-return-detail": Rule(API_VIEW, _return),
    }
)
RULES["submissions:return_document_render"] = Rule(grid(default=NOT_ALLOWED), _return)  # POST
RULES["submissions:dashboard_board_pack"] = Rule(grid(default=NOT_ALLOWED))  # POST
RULES["submissions:return_approve"] = Rule(EDIT_PLAN, _return)  # RECORD_DECISIONS: same roles

# The national view (submissions/views/national.py): for those who read every area.
RULES["submissions:national"] = Rule(
    grid(anonymous=LOGIN, assurer=OK, admin_user=OK, default=FORBIDDEN), no_arguments
)

# National publications (submissions/views/publications.py): read by those who read every
# area; uploaded (POST) by administrators of the installation.
READS_EVERY_AREA = grid(anonymous=LOGIN, assurer=OK, admin_user=OK, default=FORBIDDEN)
RULES["submissions:publication_list"] = Rule(READS_EVERY_AREA, no_arguments)


def _publication(plan) -> dict:
    """A publication imported through the service: a Fingertips file of one England row,
    which matches no area, so that it writes nothing but the publication itself."""
    import datetime

    from metrics import publications, services
    from metrics.models import Layout
    from tests.factories import UserFactory

    header = (
        "Indicator ID,Indicator Name,Parent Code,Parent Name,Area Code,Area Name,Area Type,"
        "Sex,Age,Category Type,Category,Time period,Value\n"
    )
    data = (header + "1,An indicator,,,E92000001,England,England,Persons,,,,2014/15,1\n").encode()
    publication = services.publication_import(
        content=data,
        layout=Layout.FINGERTIPS,
        name="A publication",
        published_on=datetime.date(2015, 11, 3),
        file_name="indicator.csv",
        fingerprint=publications.preview(data, Layout.FINGERTIPS).fingerprint(),
        user=UserFactory(superuser=True),
    )
    return {"pk": publication.pk}


RULES["submissions:publication_detail"] = Rule(READS_EVERY_AREA, _publication)

# Preparing a plan version and putting it forward (submissions/views/cycle.py): POST only.
RULES["submissions:plan_prepare"] = Rule(grid(default=NOT_ALLOWED))
RULES["submissions:plan_put_forward"] = Rule(grid(default=NOT_ALLOWED))


# The assurance of a plan version (submissions/views/assurance.py): everyone who sees the
# plan reads it; the outcome and the closing of a condition are POSTs, refused as such first.
RULES["submissions:assurance"] = Rule(VIEW)
RULES["submissions:assurance_outcome"] = Rule(grid(default=NOT_ALLOWED))
RULES["submissions:assurance_condition_close"] = Rule(
    grid(default=NOT_ALLOWED), lambda p: {"pk": 1}
)


def _meeting(plan) -> dict:
    import datetime

    from governance import services as governance_services

    board = governance_services.board_create(area=plan.area, name="Health and Wellbeing Board")
    meeting = governance_services.meeting_schedule(board=board, date=datetime.date(2014, 4, 1))
    return {"pk": meeting.pk}


# A meeting's minutes as PDF: everyone who sees the meeting reads the stored ones (making
# one is a POST, for the roles that prepare the papers).
RULES["submissions:meeting_minutes"] = Rule(VIEW, _meeting)

# National publications through the API (metrics/api.py): the list answers every signed-in
# caller (with only the publications that gave a figure to a plan they see, all of them for
# those who read every area); one publication that gave no figure to a plan of theirs is
# not found for the others.
PUBLICATION_API = grid(anonymous=UNAUTHORISED, assurer=OK, admin_user=OK, default=NOT_FOUND)
RULES["api-publications"] = Rule(grid(anonymous=UNAUTHORISED, default=OK), no_arguments)
RULES["api-publication-detail"] = Rule(PUBLICATION_API, _publication)
RULES["api-publication-figures"] = Rule(PUBLICATION_API, _publication)
