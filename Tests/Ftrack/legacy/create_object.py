# -*- coding: utf-8 -*-
"""reviewSession.createObject(assetVersion, syncAssetVersionData=True), then getObjects().

    create_object.py PROJECT_NAME SESSION_ID ASSET_NAME VERSION_NUMBER
"""

import sys

from legacy_common import asset_version, described, emit, project_named, review_session

project = project_named(sys.argv[1].decode("utf-8"))
session = review_session(project, sys.argv[2])
version = asset_version(project, sys.argv[3].decode("utf-8"), int(sys.argv[4]))
created = session.createObject(version, syncAssetVersionData=True)
emit({"version_id": version.getId(), "created": described(created),
      "objects": [described(obj) for obj in session.getObjects()]})
