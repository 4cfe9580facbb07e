# -*- coding: utf-8 -*-
"""reviewSession.createInvitee(email, name) for each pair given, then getInvitees().

    invitees.py PROJECT_NAME SESSION_ID EMAIL NAME [EMAIL NAME ...]
"""

import sys

from legacy_common import described, emit, project_named, review_session

project = project_named(sys.argv[1].decode("utf-8"))
session = review_session(project, sys.argv[2])
pairs = [argument.decode("utf-8") for argument in sys.argv[3:]]
created = [session.createInvitee(email, name) for email, name in zip(pairs[0::2], pairs[1::2])]
emit({"created": [described(each) for each in created],
      "invitees": [described(each) for each in session.getInvitees()]})
