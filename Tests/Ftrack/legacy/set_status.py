# -*- coding: utf-8 -*-
"""object.setStatus(status, invitee), then object.getStatuses().

    set_status.py PROJECT_NAME SESSION_ID OBJECT_ID INVITEE_ID STATUS
"""

import sys

from legacy_common import described, emit, invitee, project_named, review_session, review_session_object

project = project_named(sys.argv[1].decode("utf-8"))
session = review_session(project, sys.argv[2])
obj = review_session_object(session, sys.argv[3])
who = invitee(session, sys.argv[4])
status = obj.setStatus(sys.argv[5], who)
emit({"status": described(status), "statuses": [described(each) for each in obj.getStatuses()]})
