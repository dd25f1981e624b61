"""What the API answers when `plans.permissions` refuses, written once for every schema.

Each operation that takes a record's id documents these, so that an API client (and the
schemathesis fuzz test, tests/test_fuzz_api.py) knows a 403 or 404 is a proper answer.
"""

from drf_spectacular.utils import OpenApiResponse

REFUSALS = {
    403: OpenApiResponse(description="You may not see this record, or not make this change."),
    404: OpenApiResponse(description="There is no such record."),
}
