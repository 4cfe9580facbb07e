# -*- coding: utf-8 -*-
"""project.getAssets() and asset.getVersions(): the project's assets and their versions.

    get_assets.py PROJECT_NAME
"""

import sys

from legacy_common import emit, project_named

project = project_named(sys.argv[1].decode("utf-8"))
assets = []
for asset in project.getAssets():
    assets.append({
        "id": asset.getId(), "name": asset.getName(), "keys": sorted(asset.dict.keys()),
        "versions": [{"id": version.getId(), "version": version.getVersion(), "keys": sorted(version.dict.keys())}
                     for version in asset.getVersions()],
    })
with_children = sorted(asset.getName() for asset in project.getAssets(includeChildren=True))
emit({"assets": assets, "with_children": with_children})
