# -*- coding: utf-8 -*-
"""What the legacy scripts share (Python 2.7, `import ftrack` 3.6.3).

Each script does what a studio's legacy script does, through the client's own calls only, and
prints one JSON line saying what it found; the test compares that with the REST API. Objects
are reported as {"id": obj.getId(), "fields": the struct the server sent}, so a test can tell a
missing field from a wrong one.
"""

import datetime
import json
import sys
import xmlrpclib

import ftrack


def plain(value):
    """`value` as JSON can carry it: structs and lists by their parts, dates as text."""
    if isinstance(value, dict):
        return dict((unicode(key), plain(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, xmlrpclib.DateTime):
        return "dateTime.iso8601:" + str(value)
    if isinstance(value, str):
        return value.decode("utf-8", "replace")
    return value


def described(obj):
    return {"id": obj.getId(), "fields": plain(obj.dict)}


def emit(result):
    sys.stdout.write(json.dumps(plain(result), sort_keys=True) + "\n")
    sys.stdout.flush()


def fail(message):
    sys.stderr.write(message + "\n")
    sys.exit(3)


def project_named(name):
    for project in ftrack.getProjects():
        if project.getName() == name:
            return project
    fail("no project named %r in ftrack.getProjects()" % name)


def same_id(left, right):
    return unicode(left).lower() == unicode(right).lower()


def review_session(project, session_id):
    for candidate in project.getReviewSessions():
        if same_id(candidate.getId(), session_id):
            return candidate
    fail("no review session %s in project.getReviewSessions()" % session_id)


def asset_version(project, asset_name, number):
    for asset in project.getAssets(includeChildren=True):
        if asset.getName() == asset_name:
            for version in asset.getVersions():
                if int(version.getVersion()) == int(number):
                    return version
    fail("no version %s of asset %r in project.getAssets(includeChildren=True)" % (number, asset_name))


def review_session_object(session, object_id):
    for candidate in session.getObjects():
        if same_id(candidate.getId(), object_id):
            return candidate
    fail("no object %s in reviewSession.getObjects()" % object_id)


def invitee(session, invitee_id):
    for candidate in session.getInvitees():
        if same_id(candidate.getId(), invitee_id):
            return candidate
    fail("no invitee %s in reviewSession.getInvitees()" % invitee_id)
