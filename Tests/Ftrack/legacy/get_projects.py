# -*- coding: utf-8 -*-
"""ftrack.getProjects(): every project, with the id, name and full name the client reads."""

import ftrack

from legacy_common import emit

projects = ftrack.getProjects()
emit({"projects": [{"id": project.getId(), "name": project.getName(), "fullname": project.dict.get("fullname"),
                    "keys": sorted(project.dict.keys())} for project in projects]})
