import Foundation
import FrameTime
import SQLKit

/// A row of `projects`. The settings its sessions inherit are columns of the same row,
/// written and read with the settings' own list (``SessionSettingValues/columns``).
struct ProjectRow: TableRow {
    static let table = "projects"
    var id: UUID, name: String, code: String?, shareDays: Int, emailThumbnails: Bool, gapFill: GapFill, createdAt: StoredTime
    var createdBy: UUID?, alphaBackground: AlphaBackground
}

extension ProjectRow {
    init(_ project: Project) {
        self.init(id: project.id, name: project.name, code: project.code, shareDays: project.defaults.shareDays,
                  emailThumbnails: project.defaults.emailThumbnails, gapFill: project.defaults.gapFill,
                  createdAt: StoredTime(project.createdAt),
                  createdBy: project.createdBy, alphaBackground: project.defaults.alphaBackground)
    }
}

extension Project {
    /// The project stored in `row`, a row of `projects`.
    init(row: any SQLRow) throws {
        let stored = try row.decode(ProjectRow.self)
        let defaults = ProjectDefaults(settings: try row.settings(of: ProjectRow.self), shareDays: stored.shareDays,
                                       emailThumbnails: stored.emailThumbnails, gapFill: stored.gapFill,
                                       alphaBackground: stored.alphaBackground)
        self.init(id: stored.id, name: stored.name, code: stored.code, defaults: defaults, createdAt: stored.createdAt.date,
                  createdBy: stored.createdBy)
    }
}
