"""A client generated from the served document works: openapi-python-client, then the README's tour.

Studios script Dailies with clients generated from /api/v1/openapi.json, so the document must
be exact enough for a generator to make a typed client without complaint, and that client
must be able to do the everyday work: the README's tour (project, version v003, a session
from it, the version's media, a collaborator, invitations). The client is generated into a
temporary folder during the test (nothing generated is committed) and imported from there.

Two tests, so a log says which half broke: the generator's complaints about the document
(each printed verbatim; the document is what gets fixed, never the client), and the tour.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import json
import subprocess
import sys
import types
import typing
import uuid
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

import pytest
from openapi_python_client.strings import PythonIdentifier

from conftest import Server

PACKAGE = "dailies_contract_client"
GENERATE_TIMEOUT = 300


@dataclass
class Generated:
    """The generator's run, and the package it wrote (None when it wrote none)."""

    command: str
    returncode: int
    output: str
    package: types.ModuleType | None
    document: dict

    def problems(self) -> list[str]:
        """What the generator said besides "Generating <folder>": its warnings and errors."""
        return [line for line in self.output.splitlines()
                if line.strip() and not line.startswith("Generating ")]


@pytest.fixture(scope="module")
def generated(server: Server, tmp_path_factory: pytest.TempPathFactory) -> typing.Iterator[Generated]:
    workdir = tmp_path_factory.mktemp("generated-client")
    # The generator formats its output with ruff by default; formatting is of no use here, and
    # skipping it keeps the run from depending on a `ruff` on PATH.
    config = workdir / "generator.json"
    # Frame grabs answer image/jpeg, the studio's logo image/png (and takes either), the
    # player's proxy video/mp4 and a report application/pdf, which the generator has no reader
    # for: its own setting for such types reads them as the bytes they are (the document stays
    # exact).
    config.write_text(json.dumps({"post_hooks": [],
                                  "content_type_overrides": {"image/jpeg": "application/octet-stream",
                                                             "image/png": "application/octet-stream",
                                                             "video/mp4": "application/octet-stream",
                                                             "application/pdf": "application/octet-stream"}}))
    command = [
        sys.executable, "-m", "openapi_python_client", "generate",
        "--url", f"{server.base_url}/api/v1/openapi.json",
        "--meta", "none",  # just the package: no pyproject.toml, nothing to install
        "--output-path", str(workdir / PACKAGE),
        "--config", str(config),
    ]
    run = subprocess.run(command, cwd=workdir, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                         timeout=GENERATE_TIMEOUT)
    package = None
    sys.path.insert(0, str(workdir))
    try:
        if (workdir / PACKAGE / "__init__.py").exists():
            package = importlib.import_module(PACKAGE)
        yield Generated(command=" ".join(["python", *command[1:]]), returncode=run.returncode,
                        output=run.stdout + run.stderr, package=package, document=server.document())
    finally:
        sys.path.remove(str(workdir))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def test_generator_has_no_complaints_about_the_document(generated: Generated) -> None:
    print(f"$ {generated.command}\n(exit {generated.returncode})\n{generated.output}")
    assert generated.returncode == 0 and not generated.problems(), (
        f"openapi-python-client (exit {generated.returncode}) has problems with the served document:\n\n"
        + generated.output)


class Tour:
    """Calls the API through the generated client, finding each operation's function the way
    the generator names it: api/<tag>/<operationId in snake_case>.py."""

    def __init__(self, generated: Generated, server: Server) -> None:
        if generated.package is None:
            pytest.fail(f"openapi-python-client wrote no client (exit {generated.returncode}):\n{generated.output}",
                        pytrace=False)
        self.package = generated.package
        self.document = generated.document
        self.client = self.package.AuthenticatedClient(
            base_url=server.base_url, token=server.api_key,
            # An answer whose status the document does not list is a failure, not a None.
            raise_on_unexpected_status=True,
        )

    def endpoint(self, method: str, path: str) -> types.ModuleType:
        operation = self.document["paths"][path][method.lower()]
        operation_id = operation.get("operationId")
        assert operation_id, f"{method} {path} has no operationId, which names its function in generated clients"
        # The generator's own naming (field_ is its default prefix for names that need one).
        name = PythonIdentifier(operation_id, prefix="field_")
        root = Path(self.package.__file__).parent
        found = sorted(root.glob(f"api/*/{name}.py"))
        assert len(found) == 1, (f"the generated client has no single module for {method} {path} "
                                 f"(api/*/{name}.py: {found}); the generator warned about it?")
        module = ".".join([self.package.__name__, *found[0].relative_to(root).with_suffix("").parts])
        return importlib.import_module(module)

    def call(self, method: str, path: str, *, body: typing.Any = None, **arguments: typing.Any) -> typing.Any:
        """Calls `method path` and returns the typed result of a 2xx answer. `body` is given as
        a dict (made into the generated body model with its from_dict) or as a types.File."""
        label = f"{method} {path}"
        module = self.endpoint(method, path)
        hints = typing.get_type_hints(module._get_kwargs)
        for name, value in arguments.items():
            assert name in hints, f"{label}: the generated function takes no {name!r} (it takes {sorted(hints)})"
            allowed = tuple(t for t in typing.get_args(hints[name]) or (hints[name],) if isinstance(t, type))
            assert not allowed or isinstance(value, allowed), (
                f"{label}: the document types {name!r} as {hints[name]}, but it is a {type(value).__name__}")
        if body is not None:
            assert "body" in hints, f"{label}: the document declares no request body, so the client cannot send one"
            if isinstance(body, dict):
                body_types = [t for t in typing.get_args(hints["body"]) or (hints["body"],) if hasattr(t, "from_dict")]
                assert body_types, f"{label}: the request body is typed {hints['body']}, not a model"
                body = body_types[0].from_dict(body)
            else:
                allowed = typing.get_args(hints["body"]) or (hints["body"],)
                assert type(body) in allowed, (
                    f"{label}: the generated client takes a {hints['body']} body, not a {type(body).__name__}")
            arguments["body"] = body
        response = module.sync_detailed(client=self.client, **arguments)
        assert 200 <= response.status_code < 300, (
            f"{label} answered {int(response.status_code)}: {response.content.decode(errors='replace')}")
        parsed = response.parsed
        assert parsed is not None and type(parsed).__module__.startswith(f"{self.package.__name__}.models"), (
            f"{label}: no typed result for {int(response.status_code)} (got {parsed!r})")
        return parsed


def test_readme_tour_with_generated_client(generated: Generated, server: Server) -> None:
    tour = Tour(generated, server)
    File = importlib.import_module(f"{PACKAGE}.types").File
    with tour.client:
        name = f"Feature {uuid.uuid4().hex[:8]}"  # project names are unique
        project = tour.call("POST", "/api/v1/projects", body={"name": name})
        assert isinstance(project.id, UUID) and project.name == name

        version = tour.call("POST", "/api/v1/projects/{project_id}/versions", project_id=project.id,
                            body={"name": "sh010_comp", "version_number": 3})
        assert (version.project_id, version.name, version.version_number) == (project.id, "sh010_comp", 3)

        session = tour.call("POST", "/api/v1/projects/{project_id}/sessions", project_id=project.id,
                            body={"version_ids": [str(version.id)]})
        assert session.project_id == project.id
        items = tour.call("GET", "/api/v1/sessions/{session_id}/items", session_id=session.id)
        assert [item.version_id for item in items.data] == [version.id]

        # The version's original in one request: the raw bytes, application/octet-stream.
        # (No worker runs, so the transcode it starts only queues.)
        media = b"\x00\x00\x00\x18ftypqt  \x00\x00\x02\x00qt  " + bytes(range(256)) * 4
        uploaded = tour.call("PUT", "/api/v1/versions/{version_id}/media", version_id=version.id,
                             filename="sh010_comp_v003.mov",
                             body=File(payload=io.BytesIO(media), file_name="sh010_comp_v003.mov",
                                       mime_type="application/octet-stream"))
        original = uploaded.original
        assert (original.version_id, original.size, original.sha256, original.file_name) == (
            version.id, len(media), hashlib.sha256(media).hexdigest(), "sh010_comp_v003.mov")
        assert uploaded.job, "the upload queued no transcode"

        invited = tour.call("POST", "/api/v1/sessions/{session_id}/collaborators", session_id=session.id,
                            body={"name": "Dana Client", "email": "dana@client.example", "role": "approver"})
        collaborator = invited.collaborator
        assert (collaborator.session_id, collaborator.name, collaborator.email, collaborator.role) == (
            session.id, "Dana Client", "dana@client.example", "approver")
        assert "/review/invite/" in invited.invite_url

        invites = tour.call("POST", "/api/v1/sessions/{session_id}/invites", session_id=session.id,
                            body={"message": "Notes by Friday"})
        assert [invite.collaborator.id for invite in invites.data] == [collaborator.id]
        assert all("/review/invite/" in invite.invite_url for invite in invites.data)
