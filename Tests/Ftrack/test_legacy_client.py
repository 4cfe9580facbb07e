"""The legacy client, `import ftrack` 3.6.3 on Python 2.7.18, running the review-session calls
studios' older scripts make, in order: each step is a script of legacy/ (run by the `legacy`
fixture, user `admin` as the login name, FTRACK_APIKEY the admin's key) printing what the
client returned, cross-checked here through the REST API. The steps build on each other; a
step whose earlier step failed fails saying so.
"""

from __future__ import annotations



from conftest import Flow, LegacyRunner, Rest, Seed, lid

PROJECT = "My Project"
SESSION_NAME = "Legacy Weekly Review"
SESSION_DESCRIPTION = "Made by import ftrack"
INVITEES = [("lin.legacy@example.com", "Lin Legacy"), ("max.legacy@example.com", "Max Legacy")]

FLOW = Flow()


need = FLOW.need


def test_get_projects(legacy: LegacyRunner, seed: Seed):
    found = legacy.run("get_projects.py")["projects"]
    by_name = {project["name"]: project for project in found}
    for name in ("My Project", "Other Project"):
        assert name in by_name, f"ftrack.getProjects() has no {name}: {found}"
        # getId() reads the legacy alias `showid`: ids are the catalog's.
        assert lid(by_name[name]["id"]) == lid(seed.projects[name]["id"]), by_name[name]
        assert by_name[name]["fullname"] == name, by_name[name]


def test_create_review_session_and_list_them(legacy: LegacyRunner, rest: Rest, seed: Seed):
    found = legacy.run("create_review_session.py", PROJECT, SESSION_NAME, SESSION_DESCRIPTION)
    created = found["created"]
    assert (found["name"], found["description"]) == (SESSION_NAME, SESSION_DESCRIPTION), found
    FLOW["session_id"] = lid(created["id"])

    stored = rest.session(lid(created["id"]))
    assert (stored["title"], stored["description"]) == (SESSION_NAME, SESSION_DESCRIPTION)
    assert lid(stored["project_id"]) == lid(seed.projects[PROJECT]["id"])
    # project.getReviewSessions(): exactly the project's sessions, as REST lists them after the create.
    on_rest = {lid(each["id"]) for each in rest.sessions(seed.projects[PROJECT]["id"])}
    assert {lid(each["id"]) for each in found["sessions"]} == on_rest


def test_get_assets_and_versions(legacy: LegacyRunner, rest: Rest, seed: Seed):
    found = legacy.run("get_assets.py", PROJECT)
    assets = {asset["name"]: asset for asset in found["assets"]}
    assert set(assets) == {"characters", "sh010_comp", "sh020_comp", "fx_smoke"}, found["assets"]
    assert found["with_children"] == sorted(assets)
    for name, asset in assets.items():
        expected = {lid(version["id"]): number for (project, asset_name, number), version in seed.versions.items()
                    if project == PROJECT and asset_name == name}
        # getId() reads `versionid`, getVersion() `version`; the struct has no `versions` list.
        assert {lid(version["id"]): version["version"] for version in asset["versions"]} == expected, asset
        assert "versions" not in asset["keys"], f"an asset struct with a 'versions' key: {asset['keys']}"
        # The asset is the one REST shows on its versions.
        asset_ids = {lid(rest.get(f"/api/v1/versions/{version_id}").get("asset_id") or "") for version_id in expected}
        assert asset_ids == {lid(asset["id"])}, (name, asset_ids, asset["id"])


def test_create_object_synced_from_the_version(legacy: LegacyRunner, rest: Rest, seed: Seed):
    session_id = need("session_id")
    found = legacy.run("create_object.py", PROJECT, session_id, "characters", 2)
    created = found["created"]
    version = seed.version("characters", 2)
    assert lid(found["version_id"]) == lid(version["id"])
    FLOW["object_id"] = lid(created["id"])

    items = rest.items(session_id)
    assert [(lid(item["id"]), lid(item["version_id"])) for item in items] == [(lid(created["id"]), lid(version["id"]))]
    fields = created["fields"]
    assert (lid(fields.get("version_id")), lid(fields.get("review_session_id"))) == (lid(version["id"]), session_id), fields
    # syncAssetVersionData=True: the name, description and version string come from the version.
    assert fields.get("name") in ("characters", version["name"]), fields
    assert "2" in (fields.get("version") or ""), fields
    # getObjects() keeps only rows whose entityType is reviewsessionobject: the object is there.
    assert [lid(each["id"]) for each in found["objects"]] == [lid(created["id"])], found["objects"]
    assert all(each["fields"].get("entityType") == "reviewsessionobject" for each in found["objects"])
    # The review page heard of it as of any item added.
    assert [lid(event["data"]["item_id"]) for event in rest.events(session_id, "item.added")] == [FLOW["object_id"]]


def test_create_and_get_invitees(legacy: LegacyRunner, rest: Rest):
    session_id = need("session_id")
    arguments = [part for invitee in INVITEES for part in invitee]
    found = legacy.run("invitees.py", PROJECT, session_id, *arguments)
    created = {each["fields"]["email"]: lid(each["id"]) for each in found["created"]}
    assert set(created) == {email for email, _ in INVITEES}, found["created"]
    FLOW["invitees"] = created

    on_rest = {lid(each["id"]): (each["email"], each["name"]) for each in rest.collaborators(session_id)}
    assert on_rest == {created[email]: (email, name) for email, name in INVITEES}, on_rest
    assert {lid(each["id"]) for each in found["invitees"]} == set(created.values())
    assert all(each["fields"].get("entityType") == "reviewsessioninvitee" for each in found["invitees"])


def test_set_status_for_an_invitee_and_get_statuses(legacy: LegacyRunner, rest: Rest):
    session_id, object_id, invitees = need("session_id", "object_id", "invitees")
    lin = invitees["lin.legacy@example.com"]
    found = legacy.run("set_status.py", PROJECT, session_id, object_id, lin, "approved")
    assert found["status"]["fields"].get("status") == "approved", found["status"]
    statuses = [(each["fields"].get("status"), lid(each["fields"].get("review_session_invitee_id")))
                for each in found["statuses"]]
    assert statuses == [("approved", lin)], found["statuses"]
    # REST lists everyone's status, "pending" for those who gave none (Max).
    assert {lid(each["collaborator"]["id"]): each["status"] for each in rest.statuses(session_id, object_id)
            if each["status"] != "pending"} == {lin: "approved"}
    # ...and the review page sees it live, as a status.changed event.
    changes = [(lid(event["data"]["status"]["item_id"]), lid(event["data"]["status"]["collaborator"]["id"]),
                event["data"]["status"]["status"]) for event in rest.events(session_id, "status.changed")]
    assert changes == [(object_id, lin, "approved")], changes

    # Setting it again changes the one status (upsert per object and invitee), now asking for changes.
    found = legacy.run("set_status.py", PROJECT, session_id, object_id, lin, "require_changes")
    statuses = [(each["fields"].get("status"), lid(each["fields"].get("review_session_invitee_id")))
                for each in found["statuses"]]
    assert statuses == [("require_changes", lin)], found["statuses"]
    assert all(each["fields"].get("entityType") == "reviewsessionobjectstatus" for each in found["statuses"])
    on_rest = [each for each in rest.statuses(session_id, object_id) if each["status"] != "pending"]
    assert [(lid(each["collaborator"]["id"]), each["status"]) for each in on_rest] == [(lin, "requires_changes")]
    assert [(step["from"], step["to"]) for step in on_rest[0]["history"]][-1] == ("approved", "requires_changes")
    assert [event["data"]["status"]["status"] for event in rest.events(session_id, "status.changed")] == [
        "approved", "requires_changes"]


def test_create_note_and_get_notes(legacy: LegacyRunner, rest: Rest):
    session_id, object_id = need("session_id", "object_id")
    text = "Legacy note: trim two frames off the head"
    found = legacy.run("notes.py", PROJECT, session_id, object_id, text)
    # createNote() re-reads the note by id (`get {type: note}`): getId() reads `noteid`, getText() `text`.
    assert found["note"]["text"] == text and found["note"]["id"], found["note"]
    note_id = lid(found["note"]["id"])
    assert (note_id, text) in {(lid(each["id"]), each["text"]) for each in found["notes"]}, found["notes"]

    comments = {lid(each["id"]): each for each in rest.comments(session_id, object_id)}
    assert note_id in comments, f"the note is not a comment on the item: {list(comments)}"
    comment = comments[note_id]
    assert comment["text"] == text and comment["internal"] is False, comment
    assert comment["author"]["kind"] == "staff" and lid(comment["author"]["id"]) == lid(rest.get("/api/v1/me")["id"])
    assert note_id in {lid(event["data"]["comment"]["id"]) for event in rest.events(session_id, "comment.created")}
