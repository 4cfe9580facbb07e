"""The two protocols spoken directly (no client), against the seeded catalog: batches, errors,
the query language's answers worked out by hand, ids, limits, hostile XML and SQL injection.

Failed sign-ins are in test_credentials.py, on servers of their own (the faces throttle them).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import pytest

from conftest import (ADMIN_USERNAME, Rest, Seed, Server, Wire, assert_ftrack_error, legacy_struct, lid,
                      new_uuid)

MY = "My Project"
OTHER = "Other Project"


def ref(entity_type: str, entity_id: str) -> dict:
    return {"__entity_type__": entity_type, "id": entity_id}


def create(entity_type: str, entity_id: str, **data) -> dict:
    return {"action": "create", "entity_type": entity_type, "entity_key": [entity_id],
            "entity_data": {"__entity_type__": entity_type, "id": entity_id, **data}}


def update(entity_type: str, entity_id: str, **data) -> dict:
    return {"action": "update", "entity_type": entity_type, "entity_key": [entity_id],
            "entity_data": {"__entity_type__": entity_type, **data}}


def query(expression: str) -> dict:
    return {"action": "query", "expression": expression}


def ids(wire: Wire, expression: str) -> set[str]:
    rows = wire.query(expression)
    found = [row["id"] for row in rows]
    assert len(found) == len(set(found)), f"{expression}: a row came twice: {found}"
    assert all(row.get("__entity_type__") for row in rows), rows
    return set(found)


def catalog_snapshot(rest: Rest, seed: Seed) -> dict:
    """What a query must never change: projects, versions, sessions and their items."""
    projects = sorted((lid(p["id"]), p["name"]) for p in rest.all("/api/v1/projects"))
    snapshot: dict = {"projects": projects}
    for name, project in seed.projects.items():
        snapshot[f"versions {name}"] = sorted((lid(v["id"]), v["name"]) for v in rest.all(f"/api/v1/projects/{project['id']}/versions"))
        sessions = rest.sessions(project["id"])
        snapshot[f"sessions {name}"] = sorted((lid(s["id"]), s["title"], s["description"]) for s in sessions)
        snapshot[f"items {name}"] = sorted(lid(i["id"]) for s in sessions for i in rest.items(s["id"]))
    snapshot["staff"] = sorted(lid(u["id"]) for u in rest.all("/api/v1/users"))
    return snapshot


# MARK: - Server information and schemas


def test_server_information_and_schemas(wire: Wire):
    information, schemas = wire.results([{"action": "query_server_information"}, {"action": "query_schemas"}])
    assert information.get("version"), information
    assert information.get("is_timezone_support_enabled") is True, information
    assert information.get("storage_scenario", {}).get("scenario") in (None, "", "ftrack.automatic"), information

    names = {schema["id"] for schema in schemas}
    assert {"Location", "User", "Project", "Task", "Asset", "AssetVersion", "ReviewSession", "ReviewSessionObject",
            "ReviewSessionInvitee", "ReviewSessionObjectStatus", "Note", "Collaborator",
            "ReviewSessionObjectComment"} <= names, names
    for schema in schemas:
        assert schema.get("primary_key") == ["id"], schema["id"]
        assert "id" in schema["properties"], schema["id"]
        assert isinstance(schema.get("default_projections"), list), schema["id"]
        # A lazy load of a reference expands its target's schema: every target is listed.
        for name, fragment in schema["properties"].items():
            target = fragment.get("$ref") or (fragment.get("items") or {}).get("$ref")
            assert target is None or target in names, f"{schema['id']}.{name} refers to {target}, not in the schema"
    by_name = {schema["id"]: schema for schema in schemas}
    assert "status" in by_name["ReviewSession"]["properties"] and "is_open" in by_name["ReviewSession"]["properties"]
    assert "is_open" in by_name["ReviewSession"].get("computed", []) or "is_open" in by_name["ReviewSession"].get(
        "immutable", []), "is_open is computed"
    assert "text" in by_name["ReviewSessionObjectComment"]["properties"]
    # The hash, when there is one, is the one the client computes of these very schemas, or at
    # least changes with them: never a constant a stale cache could match.
    schema_hash = information.get("schema_hash")
    if schema_hash is not None:
        assert isinstance(schema_hash, str) and schema_hash, information


# MARK: - Batches


def test_a_batch_with_a_failing_middle_operation_changes_nothing(wire: Wire, rest: Rest, seed: Seed):
    project = lid(seed.projects[MY]["id"])
    session_id, object_id, invitee_id = new_uuid(), new_uuid(), new_uuid()
    before = catalog_snapshot(rest, seed)
    # The object's version does not exist: the second of three creates fails.
    error = wire.error([
        create("ReviewSession", session_id, name="Batch Must Vanish", description="", project=ref("Project", project)),
        create("ReviewSessionObject", object_id, name="", description="", version="",
               review_session=ref("ReviewSession", session_id), asset_version=ref("AssetVersion", new_uuid())),
        create("ReviewSessionInvitee", invitee_id, name="Vanishing", email="vanish@example.com",
               review_session=ref("ReviewSession", session_id)),
    ])
    assert error["exception"] != "ServerError", f"a missing version is the caller's error, not the server's: {error}"
    assert wire.query(f"select id from ReviewSession where id is {session_id}") == []
    assert wire.query('select id from ReviewSessionInvitee where email is "vanish@example.com"') == []

    # An update, then a malformed query, then a create: the update is undone too.
    dailies_b = lid(seed.sessions["Dailies B"]["id"])
    wire.error([
        update("ReviewSession", dailies_b, description="Changed by a failed batch"),
        query("select id from ReviewSession where ((("),
        create("ReviewSessionInvitee", new_uuid(), name="Never", email="never@example.com",
               review_session=ref("ReviewSession", dailies_b)),
    ])
    assert rest.session(dailies_b)["description"] == "Seeded session B"
    assert catalog_snapshot(rest, seed) == before


def test_a_batch_runs_in_order_and_later_operations_see_earlier_ones(wire: Wire, rest: Rest, seed: Seed):
    session_id, invitee_id = new_uuid(), new_uuid()
    created, invited, found, updated = wire.results([
        create("ReviewSession", session_id, name="Batch In Order", description="first",
               project=ref("Project", lid(seed.projects[OTHER]["id"]))),
        create("ReviewSessionInvitee", invitee_id, name="In Order", email="in.order@example.com",
               review_session=ref("ReviewSession", session_id)),
        query(f'select name, review_session_invitees from ReviewSession where id is "{session_id}"'),
        update("ReviewSession", session_id, description="second"),
    ])
    assert created["action"] == "create" and created["data"]["id"] == session_id
    assert invited["data"]["id"] == invitee_id
    assert [row["name"] for row in found["data"]] == ["Batch In Order"]
    assert [each["id"] for each in found["data"][0]["review_session_invitees"]] == [invitee_id]
    assert updated["action"] == "update" and updated["data"]["description"] == "second"
    assert rest.session(session_id)["description"] == "second"
    assert [lid(c["id"]) for c in rest.collaborators(session_id)] == [invitee_id]


# MARK: - Errors


@pytest.mark.parametrize("expression, names", [
    ("select id from", None),
    ("AssetVersion where (version is 1", None),
    ("AssetVersion where version is", None),
    ('AssetVersion where asset.name is "unterminated', None),
    ("AssetVersion where version is 1 and", None),
    ("AssetVersion where version frobnicates 1", "frobnicates"),
    ("select id from NoSuchType", "NoSuchType"),
    ("select id from AssetVersion where no_such_attribute is 1", "no_such_attribute"),
    ("select no_such_projection from AssetVersion", "no_such_projection"),
    ("select id from AssetVersion where asset.no_such_attribute is 1", "no_such_attribute"),
    ("select id from AssetVersion offset x", None),
    ("", None),
])
def test_a_malformed_query_gives_a_readable_error(wire: Wire, server: Server, expression: str, names: str | None):
    error = wire.error([query(expression)])
    content = error["content"]
    assert len(content) < 2000, f"an error people read is short: {content!r}"
    assert "Traceback" not in content and "Fatal error" not in content, content
    if names:
        assert names in content, f"the error does not name {names!r}: {content!r}"
    assert server.alive()


def test_the_unknown_action_error_is_the_one_the_client_recognises(wire: Wire):
    error = wire.error([{"action": "no_such_action"}])
    assert "Invalid action u'no_such_action'" in error["content"], error


@pytest.mark.parametrize("body", [
    b"this is not json", b"{", b'{"action": "query", "expression": "Project"}', b"[1, 2, 3]", b'[{"no": "action"}]',
    b"", b'[{"action": "query"}]', b'[{"action": "create", "entity_type": "ReviewSession"}]',
])
def test_a_malformed_body_gives_the_error_form(wire: Wire, server: Server, body: bytes):
    response = wire.post_api(body=body)
    assert response.status_code == 200, f"{response.status_code} {response.text[:500]}"
    assert_ftrack_error(response.json())
    assert server.alive()


def test_strict_mode_answers_a_non_2xx_status_with_the_same_body(wire: Wire):
    lenient = wire.error([query("select id from NoSuchType")])
    status, strict = wire.api([query("select id from NoSuchType")], strict=True)
    assert 400 <= status < 500, f"a strict client gets a 4xx for its own error, not {status}"
    assert_ftrack_error(strict)
    assert (strict["exception"], strict["content"]) == (lenient["exception"], lenient["content"])


def test_deleting_a_session_with_feedback_names_the_rest_route_that_can_force_it(wire: Wire, rest: Rest, seed: Seed):
    keep = lid(seed.sessions["Keep Me"]["id"])
    error = wire.error([{"action": "delete", "entity_type": "ReviewSession", "entity_key": [keep]}])
    assert "/api/v1/sessions/" in error["content"] and "force" in error["content"], error
    assert rest.session(keep)["title"] == "Keep Me"
    assert len(rest.comments(keep)) == 1


def test_an_immutable_attribute_cannot_be_updated(wire: Wire, seed: Seed):
    dailies_a = lid(seed.sessions["Dailies A"]["id"])
    wire.error([update("ReviewSession", dailies_a, is_open=False)])
    assert [row["is_open"] for row in wire.query(f"select is_open from ReviewSession where id is {dailies_a}")] == [True]


# MARK: - The query language, against answers worked out by hand

Expected = Callable[[Seed], set[str]]


def versions(predicate: Callable[[str, str, int], bool]) -> Expected:
    return lambda seed: seed.version_ids(predicate)


def items(*keys: tuple[str, str, int]) -> Expected:
    return lambda seed: {lid(seed.item(*key)["id"]) for key in keys}


def sessions(*titles: str) -> Expected:
    return lambda seed: {lid(seed.sessions[title]["id"]) for title in titles}


HAND_COMPUTED: list[tuple[str, Expected]] = [
    # Dotted paths through references.
    ('select id from AssetVersion where asset.name is "sh010_comp"', versions(lambda p, a, n: a == "sh010_comp")),
    ('select id from AssetVersion where asset.name is "sh010_comp" and asset.project.name is "My Project"',
     versions(lambda p, a, n: a == "sh010_comp" and p == MY)),
    ('select id from AssetVersion where project.name is "Other Project"', versions(lambda p, a, n: p == OTHER)),
    ('select id from ReviewSessionObject where review_session.name is "Dailies B"',
     items(("Dailies B", "sh010_comp", 1), ("Dailies B", "sh010_comp", 2), ("Dailies B", "sh020_comp", 1))),
    ('select id from ReviewSessionObject where asset_version.asset.name is "sh010_comp"',
     items(("Dailies A", "sh010_comp", 3), ("Dailies B", "sh010_comp", 1), ("Dailies B", "sh010_comp", 2),
           ("Other Review", "sh010_comp", 1))),
    ('select id from ReviewSessionObject where asset_version.asset.name is "sh010_comp" '
     'and review_session.project.name is "My Project"',
     items(("Dailies A", "sh010_comp", 3), ("Dailies B", "sh010_comp", 1), ("Dailies B", "sh010_comp", 2))),
    # A path through a null reference is null: only sh010_comp v1 of My Project has a task.
    ('select id from AssetVersion where project.name is "My Project" and task.name is none',
     versions(lambda p, a, n: p == MY and (a, n) != ("sh010_comp", 1))),
    ('select id from AssetVersion where task.name is "comp"', versions(lambda p, a, n: p == MY and (a, n) == ("sh010_comp", 1))),
    # A path through a collection matches when any element does.
    ('select id from ReviewSession where review_session_objects.asset_version.asset.name is "sh020_comp"',
     sessions("Dailies B")),
    # in and not_in.
    ('select id from AssetVersion where project.name is "My Project" and version in (2, 3)',
     versions(lambda p, a, n: p == MY and n in (2, 3))),
    ('select id from AssetVersion where asset.name in ("characters", "fx_smoke")',
     versions(lambda p, a, n: a in ("characters", "fx_smoke"))),
    ('select id from AssetVersion where project.name is "My Project" and asset.name not_in ("characters", "sh010_comp")',
     versions(lambda p, a, n: p == MY and a not in ("characters", "sh010_comp"))),
    # has and any.
    ('select id from ReviewSession where review_session_invitees any (email is "dana@client.example")',
     sessions("Dailies A", "Dailies B")),
    ('select id from ReviewSession where review_session_invitees has (email is "lee@client.example")', sessions("Dailies A")),
    ('select id from ReviewSession where project.name is "My Project" '
     'and review_session_objects any (asset_version.asset.name is "sh020_comp")', sessions("Dailies B")),
    ('select id from ReviewSession where review_session_objects any '
     '(asset_version.version is 3 and asset_version.asset.name is "sh010_comp")', sessions("Dailies A")),
    ('select id from ReviewSession where name in ("Dailies A", "Dailies B", "Empty Session") '
     'and not review_session_objects any (sort_order >= 0)', sessions("Empty Session")),
    # Scoped to the seed's sessions: the client flows of the round set statuses of their own.
    ('select id from ReviewSessionObject where review_session.name in ("Dailies A", "Dailies B") '
     'and statuses any (status is "require_changes")',
     items(("Dailies A", "sh010_comp", 3))),
    ('select id from AssetVersion where asset has (name is "fx_smoke")', versions(lambda p, a, n: a == "fx_smoke")),
    # Comparisons, and, or, not, parentheses.
    ('select id from AssetVersion where project.name is "My Project" and version >= 2 and version < 3',
     versions(lambda p, a, n: p == MY and n == 2)),
    ('select id from AssetVersion where project.name is "My Project" and (asset.name is "fx_smoke" or version is 3)',
     versions(lambda p, a, n: p == MY and (a == "fx_smoke" or n == 3))),
    ('select id from AssetVersion where project.name = "My Project" and not (version > 1)',
     versions(lambda p, a, n: p == MY and n <= 1)),
    ('select id from AssetVersion where project.name is "My Project" and asset.name is_not "sh010_comp" and version != 1',
     versions(lambda p, a, n: p == MY and a != "sh010_comp" and n != 1)),
    ('select id from AssetVersion where project.name is "My Project" and asset.name like "sh0%"',
     versions(lambda p, a, n: p == MY and a.startswith("sh0"))),
    ('select id from AssetVersion where project.name is "My Project" and asset.name not_like "%comp"',
     versions(lambda p, a, n: p == MY and not a.endswith("comp"))),
    ('select id from AssetVersion where project.name is "My Project" and created_at after "2000-01-01T00:00:00"',
     versions(lambda p, a, n: p == MY)),
    ('select id from AssetVersion where project.name is "My Project" and created_at before "2000-01-01"',
     versions(lambda p, a, n: False)),
    ('select id from ReviewSessionInvitee where created_from_shared_url is false and email is "lee@client.example"',
     lambda seed: {lid(seed.collaborators[("Dailies A", "lee@client.example")].id)}),
    ('select id from ReviewSessionInvitee where email is "dana@client.example" and review_session.name is "Dailies B"',
     lambda seed: {lid(seed.collaborators[("Dailies B", "dana@client.example")].id)}),
    ('select id from Project where name is "My Project" or name is "Other Project"',
     lambda seed: {lid(p["id"]) for p in seed.projects.values()}),
]


@pytest.mark.parametrize("expression, expected", HAND_COMPUTED, ids=[case[0] for case in HAND_COMPUTED])
def test_query_answers_the_rows_worked_out_by_hand(wire: Wire, seed: Seed, expression: str, expected: Expected):
    assert ids(wire, expression) == expected(seed)


def test_ids_of_a_list_in_the_clients_form(wire: Wire, seed: Seed):
    # The client populates several entities with `id in (a,b)`: unquoted ids, no spaces.
    wanted = [lid(seed.version("characters", 1)["id"]), lid(seed.version("sh020_comp", 2)["id"])]
    assert ids(wire, f"select id from AssetVersion where id in ({','.join(wanted)})") == set(wanted)
    # session.get's form: parentheses round a quoted id.
    assert ids(wire, f'select id from AssetVersion where (id is "{wanted[0]}")') == {wanted[0]}


def test_dotted_projections_nest_and_collections_are_lists(wire: Wire, seed: Seed):
    rows = wire.query('select asset_version.version, asset_version.asset.name, review_session.name '
                      'from ReviewSessionObject where review_session.name is "Dailies B"')
    assert sorted((row["asset_version"]["version"], row["asset_version"]["asset"]["name"], row["review_session"]["name"])
                  for row in rows) == [(1, "sh010_comp", "Dailies B"), (1, "sh020_comp", "Dailies B"),
                                       (2, "sh010_comp", "Dailies B")]
    for row in rows:
        assert row["asset_version"]["__entity_type__"] == "AssetVersion" and row["asset_version"]["id"], row
    [session] = wire.query(f'select review_session_objects, review_session_invitees.email from ReviewSession '
                           f'where id is "{lid(seed.sessions["Dailies A"]["id"])}"')
    assert {each["id"] for each in session["review_session_objects"]} == {
        lid(seed.item("Dailies A", "characters", 2)["id"]), lid(seed.item("Dailies A", "sh010_comp", 3)["id"])}
    assert {each["email"] for each in session["review_session_invitees"]} == {"dana@client.example", "lee@client.example"}


def test_statuses_read_in_the_wire_spelling(wire: Wire, seed: Seed):
    item = lid(seed.item("Dailies A", "sh010_comp", 3)["id"])
    rows = wire.query(f"select status, invitee.email from ReviewSessionObjectStatus where review_session_object.id is {item}")
    assert {(row["status"], row["invitee"]["email"]) for row in rows} == {
        ("approved", "dana@client.example"), ("require_changes", "lee@client.example")}


def test_comments_of_every_face_in_one_view(wire: Wire, seed: Seed):
    item = lid(seed.item("Dailies A", "characters", 2)["id"])
    rows = wire.query(f'select text, author from ReviewSessionObjectComment where review_session_object.id is "{item}"')
    assert {(row["id"], row["text"]) for row in rows} == {
        (lid(seed.comments["staff"]["id"]), "Staff: a touch warmer, please"),
        (lid(seed.comments["dana"]["id"]), "Dana: the hair reads well now")}
    authors = {row["text"]: row["author"]["__entity_type__"] for row in rows}
    assert authors == {"Staff: a touch warmer, please": "User", "Dana: the hair reads well now": "Collaborator"}


def test_paging_follows_metadata_next_offset(wire: Wire, seed: Seed):
    expected = seed.version_ids(lambda p, a, n: p == MY)
    assert len(expected) == 8
    everything = [row["id"] for row in wire.query('select id from AssetVersion where project.name is "My Project"')]
    pages, offsets, offset = [], [], 0
    while offset is not None and len(pages) < 10:
        page = wire.query_page(f'select id from AssetVersion where project.name is "My Project" offset {offset} limit 3')
        pages.append([row["id"] for row in page["data"]])
        offset = page["metadata"]["next"]["offset"]
        offsets.append(offset)
    assert [len(page) for page in pages] == [3, 3, 2], pages
    assert offsets == [3, 6, None]
    # The default order is fixed, so pages put together are the whole list, in its order.
    assert [row for page in pages for row in page] == everything
    assert set(everything) == expected


def test_order_by(wire: Wire, seed: Seed):
    rows = wire.query('select id, version from AssetVersion where project.name is "My Project" order by version desc, id')
    mine = [(key, version) for key, version in seed.versions.items() if key[0] == MY]
    expected = [lid(version["id"]) for _, version in sorted(mine, key=lambda pair: (-pair[0][2], lid(pair[1]["id"])))]
    assert [row["id"] for row in rows] == expected
    rows = wire.query('select id from AssetVersion where project.name is "My Project" order by version asc, id desc limit 2')
    first = sorted((lid(v["id"]) for (p, a, n), v in seed.versions.items() if p == MY and n == 1), reverse=True)[:2]
    assert [row["id"] for row in rows] == first


# MARK: - Ids


def test_client_ids_round_trip_in_lower_case(wire: Wire, rest: Rest, seed: Seed):
    session_id = new_uuid()
    [created] = wire.results([create("ReviewSession", session_id, name="Id Round Trip", description="",
                                     project=ref("Project", lid(seed.projects[OTHER]["id"])))])
    data = created["data"]
    assert data["id"] == session_id
    # Every scalar comes back after the write, dates in the client's form.
    for name in ("name", "description", "start_date", "end_date", "created_at", "is_open", "status", "project_id"):
        assert name in data, f"the create's result lacks {name}: {data}"
    assert data["created_at"].get("__type__") == "datetime" and data["created_at"].get("value"), data["created_at"]
    assert data["project_id"] == lid(seed.projects[OTHER]["id"])
    assert lid(rest.session(session_id)["id"]) == session_id

    # Upper case in a query is the same id; answers are lower case.
    upper = session_id.upper()
    for expression in (f'select id from ReviewSession where id is "{upper}"', f"select id from ReviewSession where id is {upper}",
                       f"select id from ReviewSession where id in ({upper})"):
        assert [row["id"] for row in wire.query(expression)] == [session_id], expression
    # A reference given in upper case links the same session.
    invitee_id = new_uuid()
    [invited] = wire.results([create("ReviewSessionInvitee", invitee_id, name="Upper Ref", email="upper.ref@example.com",
                                     review_session=ref("ReviewSession", upper))])
    assert invited["data"]["id"] == invitee_id and invited["data"]["review_session_id"] == session_id
    # An id made in upper case comes back in lower case.
    shouting = str(uuid.uuid4()).upper()
    [made] = wire.results([create("ReviewSessionInvitee", shouting, name="Shouting", email="shouting@example.com",
                                  review_session=ref("ReviewSession", session_id))])
    assert made["data"]["id"] == shouting.lower()


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "", "410d0a26-7293-4ffa-b84a-7460322f4d6", "' OR 1=1 --"])
def test_malformed_ids_are_refused(wire: Wire, seed: Seed, bad_id: str):
    wire.error([create("ReviewSessionInvitee", bad_id, name="Bad Id", email="bad.id@example.com",
                       review_session=ref("ReviewSession", lid(seed.sessions["Dailies B"]["id"])))])
    assert wire.query('select id from ReviewSessionInvitee where email is "bad.id@example.com"') == []


def test_a_duplicate_id_is_refused(wire: Wire, seed: Seed):
    session = ref("ReviewSession", lid(seed.sessions["Other Review"]["id"]))
    invitee_id = new_uuid()
    wire.results([create("ReviewSessionInvitee", invitee_id, name="Once", email="once@example.com", review_session=session)])
    wire.error([create("ReviewSessionInvitee", invitee_id, name="Twice", email="twice@example.com", review_session=session)])
    # The first stays as it was.
    assert [row["email"] for row in wire.query(f"select email from ReviewSessionInvitee where id is {invitee_id}")] == [
        "once@example.com"]


# MARK: - Access


def test_only_admins_list_users(server: Server, seed: Seed):
    admins = server.wire.query("select username from User")
    assert {row["username"] for row in admins} >= {ADMIN_USERNAME, "ada"}
    ada = Wire(server.base_url, seed.staff["ada"]["api_key"], "ada")
    status, body = ada.api([query("select username, email from User")])
    assert status == 200, body
    if isinstance(body, dict):
        assert_ftrack_error(body)
    else:
        # Or only herself, as GET /api/v1/me shows her.
        assert {row["id"] for row in body[0]["data"]} <= {lid(seed.staff["ada"]["user"]["id"])}, body
    # Staff who are not admins still work through the faces.
    assert {row["name"] for row in ada.query("select name from Project")} >= {MY, OTHER}


def test_the_passphrase_is_write_only(wire: Wire, seed: Seed):
    empty = lid(seed.sessions["Empty Session"]["id"])
    [row] = wire.query(f"select passphrase_enabled from ReviewSession where id is {empty}")
    assert row["passphrase_enabled"] is True
    response = wire.post_api([query(f"select passphrase from ReviewSession where id is {empty}")])
    assert seed.passphrase not in response.text
    body = response.json()
    if isinstance(body, list):
        assert body[0]["data"][0].get("passphrase") in (None, ""), body
    else:
        assert_ftrack_error(body)
    # Not selectable, so not a condition either: no guessing it one query at a time.
    wire.error([query(f'select id from ReviewSession where passphrase is "{seed.passphrase}"')])
    wire.error([query('select id from ReviewSession where passphrase like "s%"')])


# MARK: - Limits


def test_a_query_nested_ten_thousand_levels_deep_is_refused(wire: Wire, server: Server):
    for depth, expression in (
        (10_000, "select id from Project where " + "(" * 10_000 + 'name is "x"' + ")" * 10_000),
        (4_000, "select id from Project where " + "(" * 4_000 + 'name is "x"' + ")" * 4_000),
        (3_000, "select id from Project where " + "not " * 3_000 + 'name is "x"'),
        (1_000, "select id from ReviewSession where " + "review_session_objects any (review_session has (" * 500
         + 'name is "x"' + "))" * 500),
        (10_000, "select id from Project where " + "(" * 10_000),
    ):
        error = wire.error([query(expression)])
        assert len(error["content"]) < 2000, f"depth {depth}: the error quotes too much: {len(error['content'])} characters"
        assert server.alive(), f"the server stopped answering after a query {depth} levels deep"
    # And it still answers queries.
    assert [row["name"] for row in wire.query('select name from Project where name is "My Project"')] == [MY]


@pytest.mark.parametrize("body", [
    "[" * 100_000 + "]" * 100_000,
    '[{"action": "query", "expression": "Project", "x": ' + "[" * 100_000 + "]" * 100_000 + "}]",
    '[{"action": "create", "entity_type": "ReviewSession", "entity_key": ["a"], "entity_data": '
    + '{"a": ' * 50_000 + "1" + "}" * 50_000 + "}]",
])
def test_a_body_nested_deep_is_refused(wire: Wire, server: Server, body: str):
    response = wire.post_api(body=body)
    assert response.status_code == 200, f"{response.status_code}: {response.text[:300]}"
    assert_ftrack_error(response.json())
    assert server.alive()


def test_large_lists_and_long_paths_are_refused_or_answered(wire: Wire, server: Server):
    # An in list past what a database binds, a path past any sensible length: refused, never a 5xx.
    many = ",".join(str(uuid.uuid4()) for _ in range(40_000))
    wire.error([query(f"select id from AssetVersion where id in ({many})")])
    wire.error([query("select id from AssetVersion where " + ".".join(["asset"] * 200) + ".name is \"x\"")])
    # A limit past the cap is lowered (the client pages on) or refused, never run as asked.
    status, body = wire.api([query('select id from AssetVersion where project.name is "My Project" limit 1000000000')])
    assert status == 200
    if isinstance(body, dict):
        assert_ftrack_error(body)
    else:
        assert len(body[0]["data"]) == 8 and body[0]["metadata"]["next"]["offset"] is None, body
    too_many = [query("select id from Project")] * 10_000
    status, body = wire.api(too_many)
    assert status == 200
    if isinstance(body, dict):
        assert_ftrack_error(body)
    else:
        assert len(body) == len(too_many)
    assert server.alive()


# MARK: - Hostile XML on /client/

XML_CALL = ("<methodCall><methodName>get</methodName><params><param><value><struct>"
            "<member><name>type</name><value><string>{type}</string></value></member>"
            "<member><name>ftrack_user</name><value><string>admin</string></value></member>"
            "</struct></value></param></params></methodCall>")


def test_the_legacy_face_answers_a_plain_call(wire: Wire, seed: Seed):
    # The refusals below are about the XML, not the credentials: the same call without them works.
    projects = wire.legacy_data("get", {"type": "shows", "includeHidden": False})
    assert {lid(seed.projects[MY]["id"]), lid(seed.projects[OTHER]["id"])} <= {lid(row.get("showid", "")) for row in projects}


@pytest.mark.parametrize("label, body", [
    ("billion laughs", '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
     + "".join(f' <!ENTITY lol{n} "{("&lol" + str(n - 1 if n > 1 else "") + ";") * 10}">\n' for n in range(1, 10))
     + "]>\n" + XML_CALL.format(type="&lol9;")),
    ("doctype", '<?xml version="1.0"?>\n<!DOCTYPE methodCall>\n' + XML_CALL.format(type="shows")),
    ("external entity", '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
     + XML_CALL.format(type="&xxe;")),
    ("parameter entity", '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x"> %p;]>\n'
     + XML_CALL.format(type="shows")),
    ("entity without doctype", XML_CALL.format(type="&undefined;")),
    ("nested ten thousand deep", "<methodCall><methodName>get</methodName><params><param>"
     + "<value><array><data>" * 10_000 + "</data></array></value>" * 10_000 + "</param></params></methodCall>"),
    ("malformed", "<methodCall><methodName>get</methodName><params><param><value><struct>"),
    ("not xml", "hello"),
    ("empty", ""),
])
def test_hostile_xml_is_refused_in_the_legacy_form(wire: Wire, server: Server, label: str, body: str):
    started = time.monotonic()
    response = wire.post_client(body=body.encode())
    struct = legacy_struct(response)
    assert "_exception" in struct and "data" not in struct, f"{label}: not refused: {struct}"
    assert "root:" not in response.text, f"{label}: the answer holds a file of the server's: {response.text[:500]}"
    assert len(response.content) < 10_000, f"{label}: the refusal is {len(response.content)} bytes long"
    assert time.monotonic() - started < 30
    assert server.alive()


def test_an_unknown_legacy_method_is_refused_in_the_legacy_form(wire: Wire):
    struct = wire.legacy("no_such_method", {"type": "shows"})
    assert "_exception" in struct and struct.get("detail"), struct


# MARK: - SQL injection

INERT_VALUES = [
    "x' OR '1'='1",
    'x" OR "1"="1',
    "My Project' --",
    'My Project" --',
    "'; DROP TABLE projects; --",
    '"; DROP TABLE projects; --',
    "My Project'; DELETE FROM versions; --",
    "/* */ OR 1=1",
    "*/ OR 1=1 /*",
    "x') OR ('1'='1",
    "%' OR '1'='1",
    "My Project\\",
    "\\'; SELECT 1; --",
    "1; UPDATE review_sessions SET title = 'pwned'",
    "x\u0000' OR 1=1",
]


def quoted(value: str, quote: str = '"') -> str:
    """A string literal of the query language: backslash escapes for the quote and backslash."""
    return quote + value.replace("\\", "\\\\").replace(quote, "\\" + quote) + quote


def assert_inert(wire: Wire, expression: str) -> None:
    """A query carrying SQL in a value: no rows, or refused (a NUL, say), never a 5xx."""
    status, body = wire.api([query(expression)])
    assert status == 200, f"{expression!r}: HTTP {status}: {body}"
    if isinstance(body, dict):
        assert_ftrack_error(body)
    else:
        assert body[0]["data"] == [], f"{expression!r} answered rows: {body}"


@pytest.mark.parametrize("value", INERT_VALUES)
def test_sql_in_values_is_inert(wire: Wire, rest: Rest, seed: Seed, value: str):
    before = catalog_snapshot(rest, seed)
    for expression in (
        f"select id from Project where name is {quoted(value)}",
        f"select id from Project where name is {quoted(value, chr(39))}",
        f"select id from Project where name like {quoted(value)}",
        f"select id from AssetVersion where asset.name in ({quoted(value)}, {quoted(value, chr(39))})",
        f"select id from ReviewSession where review_session_invitees any (email is {quoted(value)})",
        f"select id from Note where content is {quoted(value)}",
    ):
        assert_inert(wire, expression)
    assert catalog_snapshot(rest, seed) == before


STRUCTURAL_INJECTIONS = [
    'select id from Project; DROP TABLE projects where name is "x"',
    'select id from Project where name is "x"; DROP TABLE projects',
    'select id from Project where name is "x" -- ',
    'select id from Project where name is "x" /* */',
    'select id from Project where name/**/is "My Project"',
    "select id from Project where name is 'x' OR '1'='1'",
    'select id from Project where name is "x" or 1=1',
    'select id from Project where id is 1 OR 1=1',
    'select id from Project where "name" is "My Project"',
    "select id from Project where name is My Project",
    'select id from Project where name is "x" union select id from staff_users',
    "select id from staff_users",
    "select id from Project as p, staff_users",
    "select id, (select api_key_hash from staff_users) from Project",
    "select id from Project order by (CASE WHEN 1=1 THEN name END)",
    "select id from Project order by name; DROP TABLE projects",
    "select id from Project offset 0 limit 1; DROP TABLE projects",
    "select id from Project limit 1 --",
    "select id;DROP TABLE projects from Project",
    'select id from Project where name is "x" and sleep(5) is 1',
    "select id from `Project`",
    'select id from Project where name is "My Project" ; ',
]


@pytest.mark.parametrize("expression", STRUCTURAL_INJECTIONS)
def test_sql_in_names_and_structure_is_refused(wire: Wire, rest: Rest, seed: Seed, expression: str):
    before = catalog_snapshot(rest, seed)
    status, body = wire.api([query(expression)])
    assert status == 200, f"{expression}: HTTP {status}: {body}"
    # Refused, or (were any of these read as a query) answering nothing it should not.
    if isinstance(body, dict):
        assert_ftrack_error(body)
    else:
        assert body[0]["data"] == [], f"{expression}: answered rows: {body}"
    assert catalog_snapshot(rest, seed) == before


def test_sql_in_written_values_is_stored_as_text(wire: Wire, rest: Rest, seed: Seed):
    name = "Robert'); DROP TABLE review_sessions;-- /* \" */"
    session_id = new_uuid()
    wire.results([create("ReviewSession", session_id, name=name, description="'; DELETE FROM projects; --",
                         project=ref("Project", lid(seed.projects[OTHER]["id"])))])
    stored = rest.session(session_id)
    assert (stored["title"], stored["description"]) == (name, "'; DELETE FROM projects; --")
    assert [row["id"] for row in wire.query(f"select id from ReviewSession where name is {quoted(name)}")] == [session_id]
    assert len(rest.sessions(seed.projects[MY]["id"])) >= 4


@pytest.mark.parametrize("entity_type", ["Project; DROP TABLE projects", "ReviewSession WHERE 1=1", "staff_users"])
def test_sql_in_entity_types_is_refused(wire: Wire, rest: Rest, seed: Seed, entity_type: str):
    before = catalog_snapshot(rest, seed)
    wire.error([{"action": "create", "entity_type": entity_type, "entity_key": [new_uuid()],
                 "entity_data": {"__entity_type__": entity_type, "name": "x"}}])
    wire.error([{"action": "delete", "entity_type": entity_type, "entity_key": [lid(seed.projects[OTHER]["id"])]}])
    assert catalog_snapshot(rest, seed) == before


def test_sql_in_attribute_names_of_a_write_is_refused(wire: Wire, rest: Rest, seed: Seed):
    before = catalog_snapshot(rest, seed)
    dailies_b = lid(seed.sessions["Dailies B"]["id"])
    for attribute in ("description = 'x', title", "title; DROP TABLE review_sessions; --", "closed_at", "passphrase_hash"):
        wire.error([update("ReviewSession", dailies_b, **{attribute: "pwned"})])
    assert catalog_snapshot(rest, seed) == before
