"""Schemathesis against a live server: every answer must be one the OpenAPI document allows.

Two runs, one per kind of caller, because the API has two: staff (an API key as a bearer
token) over every operation but the collaborator ones, and a collaborator (the access cookie
a personal invite gives) over just /api/v1/review/sessions/..., aimed at the seeded session
and item so those operations get past 404. Both run every check and every phase with a
fixed seed and a bounded number of examples, so a run is repeatable and the whole stage
stays within a few minutes on two cores. Warnings (such as "Missing test data" for ids
nobody can guess) are fine; any failure fails the test and prints schemathesis's report.

Schemathesis runs as a subprocess (its CLI is the supported interface) in a temporary
folder, so what it writes into the current folder (.hypothesis/, .schemathesis/, reports)
never lands in the work tree. Its config file is generated per run from the served document.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.config._checks import NegativeDataRejectionConfig, PositiveDataAcceptanceConfig

from conftest import ACCESS_COOKIE, Catalog, Server

# Fixed, so a failure seen in CI replays with the same command line. To explore further, run
# with another seed and more examples: DAILIES_CONTRACT_SEED=7 DAILIES_CONTRACT_EXAMPLES=100.
SEED = int(os.environ.get("DAILIES_CONTRACT_SEED", "20261130"))
# Test cases per operation and phase. With an exact document (most requests then get past
# validation) both runs together take about 90s with this on two cores, 110s with 50; the
# whole contract stage should stay under three minutes (each run prints its time: see the
# failure message, or `pytest -rA`).
MAX_EXAMPLES = int(os.environ.get("DAILIES_CONTRACT_EXAMPLES", "25"))
PHASES = "examples,coverage,fuzzing,stateful"
# A hung request fails the run instead of hanging it; the whole run has a ceiling too.
REQUEST_TIMEOUT = 30
RUN_TIMEOUT = 600

COLLABORATOR_PATHS = "^/api/v1/review/sessions/"
METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def operations(document: dict) -> list[tuple[str, str, dict]]:
    """(METHOD, path, operation) for every operation in the document."""
    return [(method.upper(), path, operation)
            for path, item in document.get("paths", {}).items()
            for method, operation in item.items() if method in METHODS]


def documents_422(operation: dict) -> bool:
    return "422" in operation.get("responses", {})


def takes_sniffed_file(operation: dict) -> bool:
    """Whether the operation's body is a file of image types only (the studio's logo), whose
    bytes the server reads to tell what they are: a schema says "binary", never "a PNG"."""
    content = operation.get("requestBody", {}).get("content", {})
    return bool(content) and all(media_type.startswith("image/") for media_type in content)


def access_cookie_scheme(document: dict) -> str:
    """The name of the security scheme that is the collaborator's access cookie."""
    schemes = document.get("components", {}).get("securitySchemes", {})
    for name, scheme in schemes.items():
        if scheme.get("type") == "apiKey" and scheme.get("in") == "cookie" and scheme.get("name") == ACCESS_COOKIE:
            return name
    pytest.fail(f"the document declares no apiKey security scheme for the {ACCESS_COOKIE} cookie: {schemes}")


def config_toml(document: dict, *, parameters: dict[str, str] | None = None,
                api_keys: dict[str, str] | None = None) -> str:
    """A schemathesis config file (TOML; JSON's string and list literals are valid TOML ones).

    `parameters` pins parameters to values (`[parameters]`), `api_keys` gives the value of an
    apiKey security scheme by its name in the document (`[auth.openapi.NAME]`).

    Some answers are right only where the document says so, and schemathesis's checks are
    told exactly there, one `[[operations]]` entry per set of such answers, matching the
    operations by name ("METHOD /path"; unlike operationId it always exists and is unique):
    - positive_data_acceptance (schema-valid data must be accepted) may see 422 where an
      operation documents a 422 (a rule JSON Schema cannot say: a schedule that ends before it
      starts), 426 where it documents one (a room: it speaks WebSocket, not plain HTTP), 406
      where it documents one (a live list: it speaks Server-Sent Events to whoever accepts
      text/event-stream, and schemathesis does not), and
      410 where it documents one (feedback on a session whose schedule has ended, which the
      staff run's random schedules bring about), and 415 where it takes an image file (random
      bytes are schema-valid binary, but not a PNG or JPEG, which the server tells by the bytes);
    - negative_data_rejection (schema-violating data must be refused) may see 413 where an
      operation documents one: a body too large is refused before it is read, as it should be.
    Operations that take header parameters and a raw body are sent no made-up extra parameters: the server
    ignores headers (and query parameters) it does not know, as HTTP servers do, and where a
    staff route has two ways in (the API key or the sign-in cookie) schemathesis reads the
    Authorization header as one more optional parameter and no longer forgives an extra
    header as merely extra. Their bodies are bytes, so no unknown JSON field goes untried.
    Everything else keeps schemathesis's defaults.
    """
    lines = ["# Generated by Tests/Contract/test_schemathesis.py from the served document."]
    if parameters:
        lines += ["", "[parameters]"]
        lines += [f"{json.dumps(name)} = {json.dumps(value)}" for name, value in parameters.items()]
    for scheme, value in (api_keys or {}).items():
        lines += ["", f"[auth.openapi.{json.dumps(scheme)}]", f"api_key = {json.dumps(value)}"]
    groups: dict[tuple[tuple[str, ...], tuple[str, ...]], list[str]] = {}
    for method, path, op in operations(document):
        documented = set(op.get("responses", {}))
        sniffed = {"415"} if takes_sniffed_file(op) else set()
        key = (tuple(sorted(documented & ({"406", "410", "422", "426"} | sniffed))), tuple(sorted(documented & {"413"})))
        if key != ((), ()):
            groups.setdefault(key, []).append(f"{method} {path}")
    with_headers = [f"{method} {path}" for method, path, op in operations(document)
                    if any(parameter.get("in") == "header" for parameter in op.get("parameters", []))
                    and "application/json" not in op.get("requestBody", {}).get("content", {})]
    if with_headers:
        lines += ["", "[[operations]]", f"include-name = {json.dumps(with_headers)}",
                  "generation.allow-extra-parameters = false"]
    for (accepted, refused), names in sorted(groups.items()):
        lines += ["", "[[operations]]", f"include-name = {json.dumps(names)}"]
        if accepted:
            statuses = [*PositiveDataAcceptanceConfig().expected_statuses, *accepted]
            lines.append(f"checks.positive_data_acceptance.expected-statuses = {json.dumps(statuses)}")
        if refused:
            statuses = [*NegativeDataRejectionConfig().expected_statuses, *refused]
            lines.append(f"checks.negative_data_rejection.expected-statuses = {json.dumps(statuses)}")
    return "\n".join(lines) + "\n"


def test_422_is_expected_exactly_where_documented(server: Server) -> None:
    """The generated config does what it says: schemathesis itself, loading it with the
    document, resolves positive_data_acceptance per operation to include 422 exactly for the
    operations that document a 422 (a guard against a config key that silently does nothing)."""
    served = server.document()
    # Also a copy in which the first operation documents a 422, so this means something even
    # while the served document lists no 422 at all.
    variant = copy.deepcopy(served)
    _, _, first = operations(variant)[0]
    first.setdefault("responses", {})["422"] = {"description": "A rule JSON Schema cannot state"}
    for label, document in (("served", served), ("variant", variant)):
        config = SchemathesisConfig.from_str(config_toml(document))
        schema = schemathesis.openapi.from_dict(document, config=config)
        documented = {f"{method} {path}" for method, path, op in operations(document) if documents_422(op)}
        wrong = []
        for result in schema.get_all_operations():
            operation = result.ok()
            checks = schema.config.checks_config_for(operation=operation, phase="fuzzing")
            statuses = checks.positive_data_acceptance.expected_statuses
            if ("422" in statuses) != (operation.label in documented):
                wrong.append(f"{operation.label}: {statuses}")
        assert not wrong, (f"positive_data_acceptance's expected statuses do not follow the {label} "
                           "document:\n" + "\n".join(wrong))


def run_schemathesis(server: Server, workdir: Path, *, config: str, options: list[str],
                     expected_operations: int) -> None:
    """Runs `schemathesis run` on the served document; fails the test on any failure."""
    config_path = workdir / "schemathesis.toml"
    config_path.write_text(config)
    command = [
        sys.executable, "-m", "schemathesis.cli", "--config-file", str(config_path),
        "run", f"{server.base_url}/api/v1/openapi.json",
        # All but use_after_free: a deleted comment is a tombstone by design (docs/feedback-format.md),
        # still answering 200 with deleted_at, which that stateful check would call a bug.
        "--checks", "all", "--exclude-checks", "use_after_free",
        "--phases", PHASES,
        "--seed", str(SEED),
        "--max-examples", str(MAX_EXAMPLES),
        # No example database: with one, failures of earlier runs would be replayed first, and
        # the fixed seed would no longer mean the same run.
        "--generation-database", "none",
        "--request-timeout", str(REQUEST_TIMEOUT),
        "--no-color",
        *options,
    ]
    shown = " ".join("Authorization: ***" if part.startswith("Authorization:") else part
                     for part in ["python", *command[1:]])
    started = time.monotonic()
    try:
        run = subprocess.run(command, cwd=workdir, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                             timeout=RUN_TIMEOUT, env={**os.environ, "NO_COLOR": "1", "COLUMNS": "100"})
    except subprocess.TimeoutExpired as timeout:
        pytest.fail(f"$ {shown}\ndid not finish within {RUN_TIMEOUT}s:\n{timeout.stdout or ''}", pytrace=False)
    elapsed = time.monotonic() - started
    output = run.stdout + run.stderr
    # Always said (pytest shows it with a failure, or for every test with -rA).
    print(f"$ {shown}\n(exit {run.returncode} after {elapsed:.1f}s)")

    if run.returncode != 0:
        pytest.fail(f"schemathesis found problems (exit {run.returncode} after {elapsed:.1f}s, "
                    f"seed {SEED}) with this config:\n\n{config}\n{failures_section(output)}\n"
                    f"server log (last lines):\n{server.log_tail()}", pytrace=False)
    print(output)
    # A filter that matches nothing, or a schema schemathesis cannot read, must not pass.
    tested = re.search(r"^\s*Tested:\s*(\d+)", output, re.MULTILINE)
    assert tested and int(tested.group(1)) == expected_operations, (
        f"schemathesis tested {tested.group(1) if tested else 'no'} operations, expected "
        f"{expected_operations}:\n{output}")


def failures_section(output: str) -> str:
    """From schemathesis's FAILURES (or ERRORS) heading to the end, summary included."""
    heading = re.search(r"^=+ (FAILURES|ERRORS) =+$", output, re.MULTILINE)
    return output[heading.start():] if heading else output


# The collaborator run comes first: the staff run deletes and changes things at random, and
# although each test seeds its own catalog, the collaborator run should see a calm server.
def test_collaborator_operations_follow_the_document(server: Server, catalog: Catalog, tmp_path: Path) -> None:
    document = server.document()
    count = sum(1 for _, path, _ in operations(document) if re.match(COLLABORATOR_PATHS, path))
    assert count, f"the document has no operations under {COLLABORATOR_PATHS}"
    run_schemathesis(
        server, tmp_path,
        config=config_toml(
            document,
            # The seeded session and item, so requests reach a session the cookie grants.
            parameters={"path.session_id": catalog.session_id, "path.item_id": catalog.item_id},
            # The cookie goes in as the value of the document's cookie security scheme, not as
            # a `Cookie:` header: a header would be sent along even in the cases where
            # schemathesis leaves the cookie out to see the server refuse them, and turn those
            # into false "schema-violating request accepted" failures.
            api_keys={access_cookie_scheme(document): catalog.access_cookie},
        ),
        options=["--include-path-regex", COLLABORATOR_PATHS],
        expected_operations=count,
    )


def test_staff_operations_follow_the_document(server: Server, catalog: Catalog, tmp_path: Path) -> None:
    document = server.document()
    count = sum(1 for _, path, _ in operations(document) if not re.match(COLLABORATOR_PATHS, path))
    run_schemathesis(
        server, tmp_path,
        config=config_toml(document),
        # Schemathesis knows the Authorization header for what it is and leaves it out itself
        # where it tests that credentials are required.
        options=["--exclude-path-regex", COLLABORATOR_PATHS,
                 "--header", f"Authorization: Bearer {server.api_key}"],
        expected_operations=count,
    )
