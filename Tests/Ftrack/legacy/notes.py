# -*- coding: utf-8 -*-
"""object.createNote(text), then object.getNotes().

    notes.py PROJECT_NAME SESSION_ID OBJECT_ID TEXT
"""

import sys

from legacy_common import emit, plain, project_named, review_session, review_session_object

project = project_named(sys.argv[1].decode("utf-8"))
session = review_session(project, sys.argv[2])
obj = review_session_object(session, sys.argv[3])
note = obj.createNote(sys.argv[4].decode("utf-8"))


def described_note(each):
    return {"id": each.getId(), "text": each.getText(), "fields": plain(each.dict)}


emit({"note": described_note(note), "notes": [described_note(each) for each in obj.getNotes()]})
