"""JSON nested deeper than Python's parser recurses (a hundred thousand brackets) answers 400
saying the body is not JSON it can read, never a 500, on every API operation that reads a
body."""

import pytest

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    "path",
    ["/api/plans/{plan}/returns/", "/api/plans/{plan}/documents/"],
)
def test_deeply_nested_json_answers_400(client_for, officer, plan, path):
    response = client_for(officer).post(
        path.format(plan=plan.pk), DEEP, content_type="application/json"
    )
    assert response.status_code == 400, response.status_code
    assert "JSON" in response.json()["detail"]
