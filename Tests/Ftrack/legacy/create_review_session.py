# -*- coding: utf-8 -*-
"""project.createReviewSession(name=, description=), then project.getReviewSessions().

    create_review_session.py PROJECT_NAME SESSION_NAME DESCRIPTION
"""

import sys

from legacy_common import described, emit, project_named

project_name, name, description = [argument.decode("utf-8") for argument in sys.argv[1:4]]
project = project_named(project_name)
created = project.createReviewSession(name=name, description=description)
emit({"created": described(created), "name": created.get("name"), "description": created.get("description"),
      "sessions": [described(session) for session in project.getReviewSessions()]})
