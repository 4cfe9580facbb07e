"""The modern client, `ftrack_api` 3.1.0, running the review-session flows the ftrack
documentation teaches, in order, as one studio script would: one `Session()` for the script,
configured by the environment (FTRACK_SERVER, FTRACK_API_KEY, FTRACK_API_USER).

Each step is checked twice: through a second, fresh `Session()` (so what it reads comes from
the server, not the script's cache) and through the REST API (one catalog, two faces). The
steps build on each other; a step whose earlier step failed fails saying so.
"""

from __future__ import annotations

import re

import pytest

from conftest import ADMIN_USERNAME, Flow, Rest, Seed, Server, lid, plain_http

SESSION_NAME = "Concept Art Review"
SESSION_DESCRIPTION = "A review of concept art"
# Invitees and collaborators of this flow: emails no other test uses.
JOHN = ("John Doe", "john.doe@example.com")
JANE = ("Jane Roe", "jane.roe@example.com")
CASEY = ("Casey Client", "casey@flow.example")

INVITE_LINK = re.compile(r"/review/invite/([A-Za-z0-9_-]+)")

# What the steps made, by name, for the steps after them.
FLOW = Flow()


need = FLOW.need


@pytest.fixture(scope="module")
def script(ftrack_session):
    """The studio script's session, kept for the whole flow."""
    return ftrack_session()


@pytest.fixture
def reader(ftrack_session):
    """A fresh session, to read back what the server holds."""
    return ftrack_session()


def test_session_connects_and_knows_the_review_types(script):
    # Session() asked for the server's information and its schemas; the types the flows use
    # (and Location, which the client itself needs) are there.
    for name in ("Location", "User", "Project", "Task", "Asset", "AssetVersion", "ReviewSession",
                 "ReviewSessionObject", "ReviewSessionInvitee", "ReviewSessionObjectStatus", "Note",
                 "Collaborator", "ReviewSessionObjectComment"):
        assert name in script.types, f"the schema has no {name}: {sorted(script.types)}"
    review_session = script.types["ReviewSession"]
    for attribute in ("name", "description", "project", "status", "is_open", "review_session_objects",
                      "review_session_invitees"):
        assert review_session.attributes.get(attribute) is not None, f"ReviewSession has no {attribute}"
    assert "notes" in script.types["ReviewSessionObject"].attributes.keys()
    assert script.server_information.get("version"), script.server_information


def test_query_project_one(script, seed: Seed):
    import ftrack_api

    project = script.query('Project where name is "My Project"').one()
    assert project["id"] == lid(seed.projects["My Project"]["id"])
    assert project["name"] == "My Project"
    # .one() sends `limit 2`: two projects are not one.
    with pytest.raises(ftrack_api.exception.MultipleResultsFoundError):
        script.query("Project").one()
    with pytest.raises(ftrack_api.exception.NoResultFoundError):
        script.query('Project where name is "No Such Project"').one()
    FLOW["project"] = project


def test_create_review_session(script, reader, rest: Rest, seed: Seed):
    project = need("project")
    review_session = script.create("ReviewSession", {
        "name": SESSION_NAME, "project": project, "description": SESSION_DESCRIPTION})
    script.commit()
    session_id = review_session["id"]
    assert session_id == session_id.lower()
    FLOW["review_session"] = review_session

    stored = rest.session(session_id)
    assert (stored["title"], stored["description"]) == (SESSION_NAME, SESSION_DESCRIPTION)
    assert lid(stored["project_id"]) == lid(seed.projects["My Project"]["id"])
    assert stored.get("closed_at") is None
    assert lid(stored["created_by"]) == lid(rest.get("/api/v1/me")["id"])

    read = reader.query(f'select name, description, status, is_open, project_id from ReviewSession '
                        f'where id is "{session_id}"').one()
    assert (read["name"], read["description"], read["status"], read["is_open"]) == (
        SESSION_NAME, SESSION_DESCRIPTION, "Open", True)
    assert read["project_id"] == project["id"]
    # The documentation's other way to list a project's sessions.
    listed = reader.query('Project where name is "My Project"').one()["review_sessions"]
    assert session_id in {each["id"] for each in listed}


def test_query_asset_version(script, seed: Seed):
    asset_version = script.query('AssetVersion where asset.name is "characters" and version is 1').one()
    assert asset_version["id"] == lid(seed.version("characters", 1)["id"])
    assert asset_version["version"] == 1
    assert asset_version["asset"]["name"] == "characters"
    assert asset_version["project"]["name"] == "My Project"
    FLOW["asset_version"] = asset_version
    FLOW["asset_version_2"] = script.query('AssetVersion where asset.name is "characters" and version is 2').one()
    assert FLOW["asset_version_2"]["id"] == lid(seed.version("characters", 2)["id"])


def test_create_review_session_objects(script, reader, rest: Rest):
    review_session, asset_version, asset_version_2 = need("review_session", "asset_version", "asset_version_2")
    # The form: only the session and the version.
    first = script.create("ReviewSessionObject", {"review_session": review_session, "asset_version": asset_version})
    script.commit()
    # The documentation's form: with the name, description and version string clients see.
    second = script.create("ReviewSessionObject", {
        "name": "Compositing", "description": "Fixed shadows.", "version": "Version 3",
        "review_session": review_session, "asset_version": asset_version_2})
    script.commit()
    FLOW["object"], FLOW["object_2"] = first, second

    items = rest.items(review_session["id"])
    assert [lid(item["id"]) for item in items] == [first["id"], second["id"]], items
    assert [lid(item["version_id"]) for item in items] == [asset_version["id"], asset_version_2["id"]]
    assert [item["position"] for item in items] == [0, 1]
    # The client's `name: ""` default leaves the client-facing name unset (the version's shows).
    assert items[0].get("client_name") is None, items[0]
    assert (items[1].get("client_name"), items[1].get("reason"), items[1].get("version_label")) == (
        "Compositing", "Fixed shadows.", "Version 3"), items[1]

    read = reader.query(f'select name, description, version, sort_order, version_id, review_session_id '
                        f'from ReviewSessionObject where id is "{second["id"]}"').one()
    assert (read["name"], read["description"], read["version"], read["sort_order"]) == (
        "Compositing", "Fixed shadows.", "Version 3", 1)
    assert (read["version_id"], read["review_session_id"]) == (asset_version_2["id"], review_session["id"])
    # The documentation lists a session's objects through its collection.
    listed = reader.get("ReviewSession", review_session["id"])["review_session_objects"]
    assert {each["id"] for each in listed} == {first["id"], second["id"]}


def test_query_review_session_object_first(script):
    first = need("object")
    found = script.query(f'ReviewSessionObject where review_session.name is "{SESSION_NAME}"').first()
    # The default order is fixed (created_at, id): the first object made comes first.
    assert found is not None and found["id"] == first["id"]


def test_query_review_session_object_comments(script, server: Server, rest: Rest):
    review_session, first = need("review_session", "object")
    # Comments made on the review page and by staff through REST, read back through ftrack.
    staff = rest.post(f"/api/v1/sessions/{review_session['id']}/items/{first['id']}/comments",
                      {"text": "Staff: check the rim light"})
    casey = rest.invite(review_session["id"], *CASEY)
    by_casey = casey.comment(first["id"], "Casey: love the silhouette")
    FLOW["casey"] = casey

    comments = script.query(f'ReviewSessionObjectComment where review_session_object.id is "{first["id"]}"').all()
    assert {(comment["id"], comment["text"]) for comment in comments} == {
        (lid(staff["id"]), "Staff: check the rim light"), (lid(by_casey["id"]), "Casey: love the silhouette")}


def invite_token(mail: str) -> str:
    token = INVITE_LINK.search(mail)
    assert token, f"no invite link in the mail:\n{mail}"
    return token.group(1)


def admits(rest: Rest, token: str) -> bool:
    """Whether an invite token still lets its collaborator in (POST /api/v1/review/access)."""
    answer = plain_http().post(f"{rest.base_url}/api/v1/review/access", json={"token": token}, timeout=30)
    assert answer.status_code in (200, 401, 403, 404, 410), f"{answer.status_code} {answer.text}"
    return answer.status_code == 200


def test_invitees_and_send_invite(script, reader, server: Server, rest: Rest):
    review_session = need("review_session")
    john = script.create("ReviewSessionInvitee", {"name": JOHN[0], "email": JOHN[1], "review_session": review_session})
    jane = script.create("ReviewSessionInvitee", {"name": JANE[0], "email": JANE[1], "review_session": review_session})
    script.commit()  # one batch of two creates
    FLOW["john"], FLOW["jane"] = john, jane

    collaborators = {lid(each["id"]): each for each in rest.collaborators(review_session["id"])}
    for invitee, (name, email) in ((john, JOHN), (jane, JANE)):
        assert invitee["id"] in collaborators, f"{email} is not among the session's collaborators: {collaborators}"
        assert (collaborators[invitee["id"]]["name"], collaborators[invitee["id"]]["email"]) == (name, email)

    script.send_review_session_invite(john)
    john_now = {lid(each["id"]): each for each in rest.collaborators(review_session["id"])}[john["id"]]
    assert john_now.get("invited_at"), f"sending the invite recorded no invited_at: {john_now}"
    read = reader.query(f'select last_sent_at, email from ReviewSessionInvitee where id is "{john["id"]}"').one()
    assert read["email"] == JOHN[1] and read["last_sent_at"] is not None
    # The worker mails it; the link in the mail lets John in.
    [mail] = server.mails_to(JOHN[1], containing="/review/invite/")
    assert SESSION_NAME in mail, mail
    assert admits(rest, invite_token(mail)), f"the link mailed to John does not admit him:\n{mail}"
    assert server.mails_to(JANE[1], containing="/review/invite/", timeout=0) == [], "Jane was invited unasked"

    # Sending again does not cut off the link sent before: Casey's personal link still admits
    # her, and so does the one mailed now.
    casey = need("casey")
    casey_invitee = script.query(f'ReviewSessionInvitee where email is "{CASEY[1]}" '
                                 f'and review_session.id is "{review_session["id"]}"').one()
    assert casey_invitee["id"] == lid(casey.id)
    script.send_review_session_invite(casey_invitee)
    [mail] = server.mails_to(CASEY[1], containing="/review/invite/")
    assert admits(rest, invite_token(mail)), f"the link mailed to Casey does not admit her:\n{mail}"
    assert admits(rest, casey.token), "the link Casey was sent before no longer admits her"

    # The documentation lists invitees through the session's collection.
    listed = reader.get("ReviewSession", review_session["id"])["review_session_invitees"]
    assert {each["id"] for each in listed} == {john["id"], jane["id"], lid(casey.id)}


def test_review_session_object_statuses(script, reader, rest: Rest):
    review_session, first, jane, casey = need("review_session", "object", "jane", "casey")
    # Casey approves on the review page; a staff script records Jane's verdict on her behalf.
    casey.set_status(first["id"], "approved")
    script.create("ReviewSessionObjectStatus", {"status": "require_changes", "invitee": jane,
                                                "review_session_object": first})
    script.commit()

    statuses = reader.query(f'select status, invitee.email from ReviewSessionObjectStatus '
                            f'where review_session_object.id is "{first["id"]}"').all()
    assert {(each["status"], each["invitee"]["email"]) for each in statuses} == {
        ("approved", CASEY[1]), ("require_changes", JANE[1])}
    janes = reader.query(f'select status from ReviewSessionObjectStatus where invitee.email is "{JANE[1]}"').all()
    assert [each["status"] for each in janes] == ["require_changes"]

    # REST lists everyone's status, "pending" for those who gave none.
    on_rest = {lid(each["collaborator"]["id"]): each["status"] for each in rest.statuses(review_session["id"], first["id"])
               if each["status"] != "pending"}
    assert on_rest == {lid(casey.id): "approved", jane["id"]: "requires_changes"}, on_rest


def test_create_note_and_read_notes_back(script, reader, rest: Rest):
    review_session, first = need("review_session", "object")
    admin = script.query(f'User where username is "{ADMIN_USERNAME}"').one()
    note = first.create_note("Please fix the edge halo", admin)
    script.commit()
    FLOW["note"] = note

    notes = reader.query(f'select content, author.username, parent_type, parent_id from Note '
                         f'where parent_id is "{first["id"]}"').all()
    mine = [each for each in notes if each["id"] == note["id"]]
    assert len(mine) == 1, f"the note is not among the object's notes: {[each['id'] for each in notes]}"
    assert (mine[0]["content"], mine[0]["author"]["username"], mine[0]["parent_type"], mine[0]["parent_id"]) == (
        "Please fix the edge halo", ADMIN_USERNAME, "ReviewSessionObject", first["id"])
    assert note["id"] in {each["id"] for each in reader.get("ReviewSessionObject", first["id"])["notes"]}

    # On the review page it is a staff comment on the item, shared with collaborators.
    comments = {lid(each["id"]): each for each in rest.comments(review_session["id"], first["id"])}
    assert note["id"] in comments, f"the note is not a comment on the item: {list(comments)}"
    comment = comments[note["id"]]
    assert comment["text"] == "Please fix the edge halo" and comment["internal"] is False, comment
    assert comment["author"]["kind"] == "staff" and lid(comment["author"]["id"]) == admin["id"], comment

    # A comment posted meanwhile is missing from the script's (stale) list of notes; the next
    # create_note sends that list, and must not take the comment off the item.
    meanwhile = rest.post(f"/api/v1/sessions/{review_session['id']}/items/{first['id']}/comments",
                          {"text": "Staff: posted while the script ran"})
    second = first.create_note("One more: the matte edge", admin)
    script.commit()
    comments = {lid(each["id"]) for each in rest.comments(review_session["id"], first["id"])}
    assert {lid(meanwhile["id"]), second["id"], note["id"]} <= comments, comments
    texts = {each["text"] for each in reader.query(
        f'ReviewSessionObjectComment where review_session_object.id is "{first["id"]}"').all()}
    assert {"Staff: posted while the script ran", "One more: the matte edge", "Please fix the edge halo"} <= texts


def test_close_review_session(script, reader, rest: Rest):
    review_session = need("review_session")
    review_session["status"] = "Closed"
    script.commit()
    assert rest.session(review_session["id"]).get("closed_at"), "the session is not closed on the REST side"
    assert rest.events(review_session["id"], "session.changed"), "the review page did not hear of the closing"
    read = reader.query(f'select status, is_open from ReviewSession where id is "{review_session["id"]}"').one()
    assert (read["status"], read["is_open"]) == ("Closed", False)


def test_delete_invitees(script, reader, rest: Rest):
    review_session, first, john, jane = need("review_session", "object", "john", "jane")
    # John has no feedback; Jane gave a status, which must still resolve to her.
    script.delete(john)
    script.delete(jane)
    script.commit()

    remaining = {lid(each["id"]) for each in rest.collaborators(review_session["id"])}
    assert john["id"] not in remaining and jane["id"] not in remaining, remaining
    invitees = reader.query(f'select email from ReviewSessionInvitee where review_session.id is "{review_session["id"]}"').all()
    assert {each["email"] for each in invitees} == {CASEY[1]}
    statuses = reader.query(f'select status, invitee.email from ReviewSessionObjectStatus '
                            f'where review_session_object.id is "{first["id"]}"').all()
    assert ("require_changes", JANE[1]) in {(each["status"], each["invitee"]["email"]) for each in statuses}


def test_deleting_a_session_with_feedback_is_refused(script, rest: Rest):
    import ftrack_api

    review_session = need("review_session")
    script.delete(review_session)
    with pytest.raises(ftrack_api.exception.ServerError) as refused:
        script.commit()
    script.rollback()
    message = str(refused.value)
    # The refusal names the REST route that can force it.
    assert "/api/v1/sessions/" in message and "force" in message, message
    assert rest.session(review_session["id"])["id"]
