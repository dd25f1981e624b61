from django.urls import reverse


def _edit(client, plan, key, body, version):
    url = reverse("plans:section_edit", kwargs={"pk": plan.pk, "key": key})
    return client.post(url, {"body": body, "lock_version": version})


def test_officer_edits_a_section_and_sees_it(client_for, officer, plan):
    client = client_for(officer)
    section = plan.sections.get(key="vision")
    response = _edit(
        client, plan, "vision", "Care closer to home.\n\n- Fewer admissions", section.lock_version
    )
    assert response.status_code == 302
    page = client.get(reverse("plans:section_list", kwargs={"pk": plan.pk})).content.decode()
    assert "<p>Care closer to home.</p>" in page
    assert "<li>Fewer admissions</li>" in page


def test_second_edit_from_an_old_copy_is_refused_and_keeps_the_text(
    client_for, officer, admin_user, plan
):
    section = plan.sections.get(key="risks")
    version = section.lock_version
    assert _edit(client_for(officer), plan, "risks", "First text", version).status_code == 302
    response = _edit(client_for(admin_user), plan, "risks", "Second text", version)
    assert response.status_code == 200
    assert "Someone else saved this record" in response.content.decode()
    assert "Second text" in response.content.decode()
    section.refresh_from_db()
    assert section.body == "First text"


def test_unknown_section_is_not_found(client_for, officer, plan):
    url = reverse("plans:section_edit", kwargs={"pk": plan.pk, "key": "nonsense"})
    assert client_for(officer).get(url).status_code == 404


def test_read_only_roles_see_no_edit_links(client_for, board, plan):
    page = (
        client_for(board)
        .get(reverse("plans:section_list", kwargs={"pk": plan.pk}))
        .content.decode()
    )
    assert "/edit/" not in page
