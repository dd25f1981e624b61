import json
from django.urls import reverse
def test_peek(client_for, officer, plan):
    c = client_for(officer)
    print(json.dumps(c.get(reverse("api-plan-detail", args=[plan.pk])).json(), indent=1))
    print(json.dumps(c.get(reverse("api-plan-schemes", args=[plan.pk])).json()[:2], indent=1))
