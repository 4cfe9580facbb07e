# -*- coding: utf-8 -*-
"""ftrack.getProjects() with whatever credentials the environment holds: what the client raises.

A server that answers a refusal in the legacy form makes the client raise its own
PermissionDeniedError or FTrackError; an XML-RPC <fault> would escape as xmlrpclib.Fault.
"""

import ftrack

from legacy_common import emit

try:
    projects = ftrack.getProjects()
except Exception as error:  # what the client raises is what is reported
    emit({"raised": type(error).__name__, "module": type(error).__module__, "message": unicode(error)})
else:
    emit({"raised": None, "projects": len(projects)})
