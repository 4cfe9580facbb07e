"""Who may use the ftrack faces: a staff member's API key with the username that owns it, in
headers only. Each test here starts a server of its own (`fresh_server`): the faces throttle
failed attempts per client address, and each test stays within the few free ones (five), so
every refusal it compares is the plain one, not the throttle's.
"""

from __future__ import annotations

import ftrack_api
import pytest

from conftest import (ACCESS_COOKIE, ADMIN_USERNAME, PROXY_VARIABLES, LegacyRunner, Server, assert_ftrack_error,
                      legacy_struct, modern_environment)

SERVER_INFORMATION = [{"action": "query_server_information"}]
WRONG_KEY = "dk_this-is-not-anybodys-key-0000000000"


def add_ada(server: Server) -> dict:
    return server.rest.post("/api/v1/users", {"name": "Ada Park", "email": "ada@studio.example", "is_admin": False})


def test_bad_credentials_on_api_give_one_error(fresh_server):
    server = fresh_server()
    ada = add_ada(server)
    assert ada["user"]["username"] == "ada", ada["user"]
    wire = server.wire
    # The right key with its owner's name works (and the owner of Ada's key is Ada).
    assert wire.results(SERVER_INFORMATION)[0].get("version")
    assert wire.results(SERVER_INFORMATION, key=ada["api_key"], user="ada")[0].get("version")

    refusals = {}
    for label, key, user in (("wrong key", WRONG_KEY, ADMIN_USERNAME),
                             ("unknown user", server.api_key, "nobody"),
                             ("both wrong", WRONG_KEY, "nobody"),
                             ("another staff member's name", server.api_key, "ada")):
        status, body = wire.api(SERVER_INFORMATION, key=key, user=user)
        assert status == 200, f"{label}: a lenient client gets HTTP 200 with the error, not {status}: {body}"
        assert_ftrack_error(body)
        refusals[label] = (body["exception"], body["content"])
    # One answer whatever was wrong: nothing tells a guesser which half was right.
    assert len(set(refusals.values())) == 1, refusals
    assert server.api_key not in str(refusals)

    status, strict = wire.api(SERVER_INFORMATION, key=WRONG_KEY, strict=True)
    assert status in (401, 403), f"a strict client gets 401 or 403 for bad credentials, not {status}"
    assert_ftrack_error(strict)
    assert (strict["exception"], strict["content"]) == refusals["wrong key"]


def test_bad_credentials_on_client_give_one_legacy_error(fresh_server, python27, schema_cache, monkeypatch):
    server = fresh_server()
    wire = server.wire
    projects = wire.legacy_data("get", {"type": "shows", "includeHidden": False})
    assert isinstance(projects, list)

    details = {}
    for label, key, user in (("wrong key", WRONG_KEY, ADMIN_USERNAME),
                             ("unknown user", server.api_key, "nobody"),
                             ("both wrong", WRONG_KEY, "nobody")):
        struct = legacy_struct(wire.post_client("get", {"type": "shows", "includeHidden": False}, key=key, user=user))
        assert "_exception" in struct and "data" not in struct, f"{label}: not refused: {struct}"
        details[label] = struct.get("detail")
    assert len(set(details.values())) == 1 and details["wrong key"], details

    # The real legacy client raises its own error for it (a <fault> would escape as xmlrpclib.Fault).
    raised = LegacyRunner(python27, server).run("bad_credentials.py", key=WRONG_KEY)
    assert raised["raised"] in ("PermissionDeniedError", "FTrackError"), raised

    # And so does the modern client, on its first request.
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in modern_environment(server, schema_cache, key=WRONG_KEY).items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ftrack_api.exception.ServerError) as refused:
        ftrack_api.Session(auto_connect_event_hub=False)
    assert "Server reported error" in str(refused.value), refused.value


def test_credentials_only_in_cookies_and_collaborators_are_refused(fresh_server):
    server = fresh_server()
    rest = server.rest
    project = rest.post("/api/v1/projects", {"name": "Cookie Project"})
    version = rest.post(f"/api/v1/projects/{project['id']}/versions",
                        {"name": "sh010_comp_v001", "asset": "sh010_comp", "version_number": 1})
    session = rest.post(f"/api/v1/projects/{project['id']}/sessions", {"title": "Cookie Review",
                                                                     "version_ids": [version["id"]]})
    collaborator = rest.invite(session["id"], "Cookie Client", "cookie@client.example", "approver")
    wire = server.wire
    query = [{"action": "query", "expression": "select id, name from Project"}]
    bare = {"content-type": "application/json", "accept": "application/json", "ftrack-strict-api": "false"}

    # The admin's own key and username, but as cookies: refused.
    response = wire.post_api(query, headers={
        **bare, "Cookie": f"ftrack-api-key={server.api_key}; ftrack-user={ADMIN_USERNAME}; "
                          f"Ftrack-Apikey={server.api_key}; Ftrack-User={ADMIN_USERNAME}"})
    assert response.status_code == 200
    assert_ftrack_error(response.json())
    struct = legacy_struct(wire.post_client("get", {"type": "shows"}, headers={
        "Content-Type": "text/xml", "Cookie": f"Ftrack-Apikey={server.api_key}; Ftrack-User={ADMIN_USERNAME}"}))
    assert "_exception" in struct and "data" not in struct, struct

    # A collaborator's access cookie opens neither face, nor does their invite token as a key.
    cookie = f"{ACCESS_COOKIE}={collaborator.cookie}"
    response = wire.post_api(query, headers={**bare, "Cookie": cookie})
    assert response.status_code == 200
    assert_ftrack_error(response.json())
    response = wire.post_api(query, headers={**bare, "Cookie": cookie, "ftrack-api-key": collaborator.token,
                                             "ftrack-user": collaborator.email})
    assert response.status_code == 200
    assert_ftrack_error(response.json())
    struct = legacy_struct(wire.post_client("get", {"type": "shows"}, headers={
        "Content-Type": "text/xml", "Cookie": cookie, "Ftrack-Apikey": collaborator.token,
        "Ftrack-User": collaborator.email}))
    assert "_exception" in struct and "data" not in struct, struct
    assert "Cookie Project" not in response.text
