"""The query parser, fuzzed through `POST /api`: a fixed seed and a fixed count of queries,
random token soups from the language's own vocabulary, queries made from its grammar, and
mutations of both (and of the queries real clients send). A `dailies serve` of the test's own
runs them, in a child process, so a crash shows as that process gone.

Every answer must be HTTP 200 with either the query's result or the ftrack error form; never
a 5xx, never something else; and the server must be alive at the end.
"""

from __future__ import annotations

import collections
import json
import random
import uuid

import requests

from conftest import ADMIN_USERNAME, ERROR_KEYS, plain_http

SEED = 20261123
COUNT = 3_000
# Queries per request: one, so that each is parsed on its own (a batch stops at its first error).
BATCH = 1

TYPES = ["Location", "User", "Collaborator", "Project", "Task", "Asset", "AssetVersion", "ReviewSession",
         "ReviewSessionObject", "ReviewSessionInvitee", "ReviewSessionObjectStatus", "Note",
         "ReviewSessionObjectComment"]
BAD_TYPES = ["NoSuchType", "project", "REVIEWSESSION", "staff_users", "Project;", "AssetVersion.asset", "", "select"]
ATTRIBUTES = ["id", "name", "full_name", "version", "asset", "asset.name", "asset.project.name", "project.name",
              "project", "review_session", "review_session.name", "review_session.project.name", "review_session_objects",
              "review_session_objects.asset_version.version", "review_session_invitees", "review_session_invitees.email",
              "asset_version", "asset_version.asset.name", "invitee", "invitee.email", "status", "statuses",
              "statuses.status", "is_open", "created_at", "start_date", "end_date", "notes", "notes.content",
              "author", "author.username", "author.name", "parent_id", "parent_type", "sort_order", "email", "text",
              "username", "content", "description", "passphrase", "passphrase_enabled", "task", "task.name",
              "versions", "assets", "replies.content", "in_reply_to.content", "frame_number", "x", "nope.nope",
              "a.b.c.d.e.f.g.h.i.j.k", "id.id", "name.name", "..", ".name", "name.", "_", "-"]
# Paths each type has, so that many generated queries get past the schema into the database.
TYPE_PATHS = {
    "Location": ["id", "name"],
    "User": ["id", "username", "email", "first_name", "is_active"],
    "Collaborator": ["id", "name", "email"],
    "Project": ["id", "name", "full_name", "status", "created_at", "review_sessions.name", "assets.name",
                "created_by.username"],
    "Task": ["id", "name", "project.name", "status", "created_at"],
    "Asset": ["id", "name", "project.name", "versions.version", "project_id"],
    "AssetVersion": ["id", "version", "comment", "asset.name", "asset.project.name", "project.name", "task.name",
                     "review_session_objects.review_session.name", "created_at", "user.username", "is_published"],
    "ReviewSession": ["id", "name", "description", "status", "is_open", "created_at", "start_date", "end_date",
                      "project.name", "review_session_objects.asset_version.version", "review_session_invitees.email",
                      "passphrase_enabled"],
    "ReviewSessionObject": ["id", "name", "description", "version", "sort_order", "review_session.name",
                            "asset_version.asset.name", "asset_version.version", "notes.content", "statuses.status",
                            "created_at"],
    "ReviewSessionInvitee": ["id", "name", "email", "review_session.name", "statuses.status", "created_at",
                             "last_sent_at", "created_from_shared_url"],
    "ReviewSessionObjectStatus": ["id", "status", "invitee.email", "review_session_object.name",
                                  "review_session_object.review_session.name", "created_at"],
    "Note": ["id", "content", "parent_id", "parent_type", "author.username", "created_at", "frame_number", "is_todo",
             "in_reply_to.content", "replies.content"],
    "ReviewSessionObjectComment": ["id", "text", "review_session_object.id", "author.id", "created_at",
                                   "review_session_object.asset_version.version"],
}
OPERATORS = ["is", "is_not", "=", "!=", "like", "not_like", ">", "<", ">=", "<=", "after", "before"]
KEYWORDS = ["select", "from", "where", "and", "or", "not", "in", "not_in", "has", "any", "order", "by", "asc",
            "desc", "offset", "limit", "none", "null", "true", "false", "SELECT", "WHERE", "And", "OR"]
VALUES = ['"x"', "'y'", '"My Project"', '"Fuzz Project"', '""', "''", '"%"', '"%_%"', '"\\""', "'\\''", '"\\\\"',
          '"\\n"', '"\\u0041"', '"\\x"', "1", "-1", "0", "+1", "1.5", "-0.0", "1e309", "1e-309", "NaN", "inf",
          "99999999999999999999999999", "9223372036854775807", "-9223372036854775808", "0x10", "007",
          "none", "null", "true", "false", "TRUE", "None", '"2026-11-23"', '"2026-11-23T12:32:17"',
          '"2026-11-23T12:32:17+01:00"', '"not a date"', '"\u00e9\u6f22\U0001f600"', '"\\ud800"', '"a\u0000b"',
          str(uuid.UUID(int=0)), "410d0a26-7293-4ffa-b84a-7460322f4d67", "410D0A26-7293-4FFA-B84A-7460322F4D67",
          '"410d0a26-7293-4ffa-b84a-7460322f4d67"', "410d0a26-7293", "--", "/*", "*/", ";", "'; DROP TABLE projects; --"]
PUNCTUATION = ["(", ")", ",", ".", "=", "!", "<", ">", '"', "'", "\\", ";", "%", "_", "*", "[", "]", "{", "}", "`", "@",
               "#", "$", "&", "|", "^", "~", "?", ":", "+", "-", "/"]
SPACES = [" ", " ", " ", "  ", "\t", "\n", "", "\r\n", "\u00a0", "\u2003"]

# What clients send (ftrack-protocol.md, 1.7), as the first mutations' material.
CLIENT_QUERIES = [
    'select context_type, id, name from Project where name is "My Project" limit 2',
    'select id from AssetVersion where asset.name is "characters" and version is 1 limit 2',
    "select version from AssetVersion where id is 7b0e5f21-8d7e-4b4e-9a55-0d5c1b6d2e11 offset 0 limit 500",
    'select id from ReviewSessionObject where review_session.name is "Concept Art Review" limit 1',
    "select asset_version.id from ReviewSessionObject where id is 410d0a26-7293-4ffa-b84a-7460322f4d67 offset 0 limit 500",
    'select id from ReviewSessionObjectComment where review_session_object.id is "410d0a26-7293-4ffa-b84a-7460322f4d67" offset 0 limit 500',
    "select review_session_invitees from ReviewSession where id is 6b3526b4-0d5c-4b6d-8e11-2e116f0f3a5e offset 0 limit 500",
    "select status, invitee.email from ReviewSessionObjectStatus where review_session_object.id is 410d0a26-7293-4ffa-b84a-7460322f4d67 offset 0 limit 500",
    'select id from User where username is "admin" limit 2',
    'select content, author.username, parent_type from Note where parent_id is "410d0a26-7293-4ffa-b84a-7460322f4d67" offset 0 limit 500',
    'select status, is_open, review_session_objects.asset_version.version from ReviewSession where id is "6b3526b4-0d5c-4b6d-8e11-2e116f0f3a5e" limit 2',
    "select id from AssetVersion where id in (410d0a26-7293-4ffa-b84a-7460322f4d67,7b0e5f21-8d7e-4b4e-9a55-0d5c1b6d2e11)",
    'select id from ReviewSession where review_session_invitees any (email is "fuzz@client.example")',
    'select id from AssetVersion where asset has (name like "sh%") order by version desc, id offset 1 limit 3',
    'Project where not (name is_not "Fuzz Project" or name in ("a", "b")) order by name asc',
]


class Generator:
    """Queries from a seeded random source: the same ones on every run."""

    def __init__(self, seed: int):
        self.random = random.Random(seed)
        self.paths = ATTRIBUTES

    def pick(self, choices):
        return self.random.choice(choices)

    def value(self) -> str:
        return self.pick(VALUES)

    def path(self) -> str:
        return self.pick(self.paths if self.random.random() < 0.75 else ATTRIBUTES)

    def condition(self, depth: int = 0) -> str:
        roll = self.random.random()
        if depth < 4 and roll < 0.15:
            return f"{self.condition(depth + 1)} {self.pick(['and', 'or', 'AND', 'or'])} {self.condition(depth + 1)}"
        if depth < 4 and roll < 0.22:
            return f"not {self.condition(depth + 1)}"
        if depth < 4 and roll < 0.30:
            return f"({self.condition(depth + 1)})"
        if depth < 4 and roll < 0.38:
            return f"{self.path()} {self.pick(['has', 'any'])} ({self.condition(depth + 1)})"
        if roll < 0.50:
            values = ", ".join(self.value() for _ in range(self.random.randint(0, 5)))
            return f"{self.path()} {self.pick(['in', 'not_in'])} ({values})"
        return f"{self.path()} {self.pick(OPERATORS)} {self.value()}"

    def grammatical(self) -> str:
        entity_type = self.pick(TYPES) if self.random.random() < 0.9 else self.pick(BAD_TYPES)
        self.paths = TYPE_PATHS.get(entity_type, ATTRIBUTES)
        parts = []
        if self.random.random() < 0.6:
            parts.append("select " + ", ".join(self.path() for _ in range(self.random.randint(1, 4))) + " from")
        parts.append(entity_type)
        if self.random.random() < 0.8:
            parts.append("where " + self.condition())
        if self.random.random() < 0.25:
            parts.append("order by " + ", ".join(f"{self.path()} {self.pick(['', 'asc', 'desc'])}".strip()
                                                 for _ in range(self.random.randint(1, 3))))
        if self.random.random() < 0.3:
            parts.append(f"offset {self.pick(['0', '1', '3', '500', '-1', '99999999999999999999', 'x'])}")
        if self.random.random() < 0.3:
            parts.append(f"limit {self.pick(['0', '1', '2', '500', '1000000', '-5', '1.5', 'none'])}")
        return " ".join(parts)

    def soup(self) -> str:
        vocabulary = (TYPES, BAD_TYPES, ATTRIBUTES, OPERATORS, KEYWORDS, VALUES, PUNCTUATION)
        tokens = [self.pick(self.pick(vocabulary)) for _ in range(self.random.randint(0, 30))]
        return "".join(token + self.pick(SPACES) for token in tokens)

    def mutated(self, query: str) -> str:
        for _ in range(self.random.randint(1, 4)):
            tokens = query.split(" ")
            kind = self.random.randrange(9)
            at = self.random.randrange(len(tokens)) if tokens else 0
            if kind == 0 and tokens:
                del tokens[at]
            elif kind == 1 and tokens:
                tokens.insert(at, tokens[at])
            elif kind == 2 and len(tokens) > 1:
                other = self.random.randrange(len(tokens))
                tokens[at], tokens[other] = tokens[other], tokens[at]
            elif kind == 3:
                tokens.insert(at, self.pick(self.pick((KEYWORDS, OPERATORS, VALUES, PUNCTUATION, ATTRIBUTES))))
            elif kind == 4 and query:
                cut = self.random.randrange(len(query))
                query = query[:cut]
                continue
            elif kind == 5 and query:
                spot = self.random.randrange(len(query))
                character = self.pick(PUNCTUATION + ['"', "(", ")", "\u0000", "\u202e", "\ufffd", "\U0001f600", " "])
                query = query[:spot] + character + query[spot + 1:]
                continue
            elif kind == 6:
                tokens.insert(at, "(" * self.random.randint(1, 40))
            elif kind == 7 and tokens:
                tokens[at] = tokens[at].upper() if self.random.random() < 0.5 else tokens[at][::-1]
            elif kind == 8:
                tokens = tokens + tokens[: self.random.randint(0, len(tokens))]
            query = " ".join(tokens)
        return query

    def queries(self, count: int) -> list[str]:
        made: list[str] = ["", " ", "(", ")", '"', "\\", "select", "select from where", "Project where",
                           "Project where (" * 300, "Project " + "a" * 20_000, "Project where name is " + '"' * 999,
                           "Project where name in (" + ",".join(["1"] * 5_000) + ")", "\u0000", "Project\u0000where"]
        pool = list(CLIENT_QUERIES)
        while len(made) < count:
            roll = self.random.random()
            if roll < 0.3:
                query = self.soup()
            elif roll < 0.6:
                query = self.grammatical()
                pool.append(query)
            else:
                query = self.mutated(self.pick(pool))
            made.append(query)
        return made[:count]


def check_answer(status: int, text: str, batch: list[str]) -> str | None:
    """What is wrong with one answer, or None."""
    if status != 200:
        return f"HTTP {status}: {text[:300]}"
    try:
        body = json.loads(text)
    except ValueError:
        return f"not JSON: {text[:300]!r}"
    if isinstance(body, dict):
        if not ERROR_KEYS <= body.keys() or not isinstance(body.get("content"), str):
            return f"neither a result nor the error form: {text[:300]}"
        busy = any(word in body.get("content", "").lower() for word in ("unavailable", "busy", "try again"))
        if body.get("exception") == "ServerError" and not busy:
            return f"a server error for a query, not a refusal of it: {text[:300]}"
        return None
    if not isinstance(body, list) or len(body) != len(batch):
        return f"not one result per query: {text[:300]}"
    for result in body:
        if not (isinstance(result, dict) and result.get("action") == "query" and isinstance(result.get("data"), list)
                and isinstance(result.get("metadata", {}).get("next"), dict)):
            return f"a malformed query result: {json.dumps(result)[:300]}"
    return None


def test_fuzzed_queries_never_crash_the_server(fresh_server):
    queries = Generator(SEED).queries(COUNT)
    assert len(queries) == COUNT
    # A server of the test's own, stopped after the report (whose end shows its log).
    server = fresh_server()
    # A little catalog, so that some queries find rows to answer with.
    rest = server.rest
    project = rest.post("/api/v1/projects", {"name": "Fuzz Project"})
    version = rest.post(f"/api/v1/projects/{project['id']}/versions",
                        {"name": "characters_v001", "asset": "characters", "version_number": 1})
    session = rest.post(f"/api/v1/projects/{project['id']}/sessions",
                        {"title": "Concept Art Review", "version_ids": [version["id"]]})
    rest.invite(session["id"], "Fuzz Client", "fuzz@client.example")

    http = plain_http()
    headers = {"content-type": "application/json", "accept": "application/json", "ftrack-api-key": server.api_key,
               "ftrack-user": ADMIN_USERNAME, "ftrack-strict-api": "false"}
    problems: list[str] = []
    recent: collections.deque[str] = collections.deque(maxlen=5)
    answered = 0
    for start in range(0, COUNT, BATCH):
        batch = queries[start:start + BATCH]
        recent.extend(batch)
        try:
            response = http.post(f"{server.base_url}/api", headers=headers, timeout=30,
                                 data=json.dumps([{"action": "query", "expression": query} for query in batch]))
        except requests.RequestException as error:
            alive = server.running.process.poll() is None
            raise AssertionError(
                f"query {start} went unanswered ({error}); the server is {'alive' if alive else 'gone'}. "
                f"The last queries sent:\n" + "\n".join(repr(query)[:400] for query in recent)) from None
        problem = check_answer(response.status_code, response.text, batch)
        if problem:
            problems.append(f"{problem}\n    for {json.dumps(batch)[:400]}")
        answered += len(batch)
    assert answered == COUNT
    assert not problems, f"{len(problems)} of {COUNT} queries were answered wrongly, the first:\n" + "\n".join(problems[:10])
    assert server.running.process.poll() is None, f"dailies serve exited with {server.running.process.returncode}"
    assert server.alive(), "the server no longer answers /healthz"
    [result] = server.wire.results([{"action": "query", "expression": 'select name from Project where name is "Fuzz Project"'}])
    assert [row["name"] for row in result["data"]] == ["Fuzz Project"]
