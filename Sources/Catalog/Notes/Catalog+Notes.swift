import Foundation
import SQLKit

/// Notes on versions: written by staff, or made from review comments by transfers.
extension Catalog {
    /// A version's notes: by frame (whole-version notes first), then oldest first, each
    /// reply after the note it answers.
    public func notes(versionID: UUID, completed: Bool? = nil) async throws -> [Note] {
        try await database.read { db in
            _ = try await self.version(id: versionID, db)
            var query = db.select(NoteRow.self).where("version_id", .equal, versionID.bind)
            if let completed {
                query = query.where("completable", .equal, SQLLiteral.boolean(true))
                    .where("completed_at", completed ? .isNot : .is, SQLLiteral.null)
            }
            let notes = try await self.notes(from: try await query.all(NoteRow.self), db)
            return Self.threaded(notes)
        }
    }

    public func note(id: UUID) async throws -> Note {
        try await database.read { db in try await self.note(id: id, db) }
    }

    func note(id: UUID, _ db: any SQLDatabase) async throws -> Note {
        guard let row = try await db.select(NoteRow.self).where("id", .equal, id.bind).first(NoteRow.self) else {
            throw CatalogError.notFound("note", id)
        }
        return try await notes(from: [row], db)[0]
    }

    /// A staff member writes a note on a version. Without recipients given, everyone
    /// assigned to the version or its task is one.
    ///
    /// - Throws: ``CatalogError``: empty text, a frame beyond the version, a drawing without
    ///   a frame, a reply to another version's note or to a reply, an unknown recipient.
    ///
    /// - Parameter id: the note's id (a script's own); a fresh one by default.
    public func addNote(id: UUID? = nil, versionID: UUID, _ draft: NoteDraft, by user: StaffUser) async throws -> Note {
        let text = try Validate.text(draft.text, FieldRules.noteText, field: "text")
        let drawing = try draft.drawing?.validated()
        return try await database.write { db in
            let version = try await self.version(id: versionID, db)
            let playback = try await self.playback(versionID: versionID, db)
            let anchor = try draft.anchor.validated(frameCount: playback?.frameCount)
            if drawing != nil && anchor.drawingFrame == nil {
                throw CatalogError.invalid("drawing", "a drawing is drawn on a frame: anchor the note to a frame or a range")
            }
            if let parentID = draft.parentID {
                guard let parent = try await db.row(NoteRow.self, id: parentID), parent.versionId == versionID else {
                    throw CatalogError.invalid("parent_id", "\(parentID) is not a note on this version")
                }
                guard parent.parentId == nil else {
                    throw CatalogError.invalid("parent_id", "replies are one level deep: reply to the note it answers")
                }
            }
            let at = StoredTime(self.now)
            if let id { try await self.checkNewID(id, in: NoteRow.table, db) }
            var row = NoteRow(
                id: id ?? UUID(), versionId: versionID, parentId: draft.parentID, authorKind: .staff, authorId: user.id,
                authorName: user.name, authorEmail: user.email, text: text, anchorFirst: nil, anchorLast: nil, isRange: false,
                drawing: try drawing.map(Self.drawingJSON), receiptFrame: nil, receiptSha256: nil, receiptPath: nil,
                completable: draft.completable, completedAt: nil, completedBy: nil, sourceSessionId: nil, sourceCommentId: nil,
                transferredBy: nil, transferredAt: nil, createdAt: at, createdBy: user.id, updatedAt: at)
            row.setAnchor(anchor)
            try await db.insert(row)
            let recipients = if let given = draft.recipientIDs { given } else { try await self.assignedStaff(version, db) }
            try await self.setStaff(.noteRecipients, ownerID: row.id, recipients, db)
            return try await self.note(id: row.id, db)
        }
    }

    /// Changes a note: its text (its staff author only), whether it is completable, whether
    /// it is completed (by whom, and when, recorded), its recipients.
    public func updateNote(id: UUID, _ edit: NoteEdit, by user: StaffUser) async throws -> Note {
        let text = try edit.text.map { text throws(CatalogError) in try Validate.text(text, FieldRules.noteText, field: "text") }
        return try await database.write { db in
            guard let row = try await db.row(NoteRow.self, id: id) else { throw CatalogError.notFound("note", id) }
            let at = self.now
            var update = db.update(NoteRow.table).set("updated_at", to: at.bind)
            if let text, text != row.text {
                guard row.authorKind == .staff, row.authorId == user.id else {
                    throw CatalogError(.forbidden, "only the note's author changes its words")
                }
                update = update.set("text", to: SQLBind(text))
            }
            let completable = edit.completable ?? row.completable
            update = update.set("completable", to: SQLBind(completable))
            if let completed = edit.completed {
                guard completable else { throw CatalogError.invalid("completed", "the note is not completable") }
                if completed != (row.completedAt != nil) {
                    update = update.set("completed_at", to: completed ? at.bind : SQLBind(Int?.none))
                        .set("completed_by", to: completed ? user.id.bind : SQLBind(String?.none))
                }
            } else if !completable {
                update = update.set("completed_at", to: SQLBind(Int?.none)).set("completed_by", to: SQLBind(String?.none))
            }
            try await update.where("id", .equal, id.bind).run()
            if let recipients = edit.recipientIDs { try await self.setStaff(.noteRecipients, ownerID: id, recipients, db) }
            let note = try await self.note(id: id, db)
            try await self.recordNoteEvent(.noteChanged, note, db)
            return note
        }
    }

    /// Deletes a note and its replies.
    public func deleteNote(id: UUID) async throws {
        try await database.write { db in
            let note = try await self.note(id: id, db)
            try await db.delete(from: NoteRow.table).where("parent_id", .equal, id.bind).run()
            try await db.delete(from: NoteRow.table).where("id", .equal, id.bind).run()
            try await self.recordNoteEvent(.noteDeleted, note, db)
        }
    }

    /// Everyone assigned to a version or to its task, each once, the version's first.
    func assignedStaff(_ version: Version, _ db: any SQLDatabase) async throws -> [UUID] {
        var people = version.assigneeIDs
        if let taskID = version.taskID {
            for person in try await staff(.taskAssignees, of: [taskID], db)[taskID] ?? [] where !people.contains(person) {
                people.append(person)
            }
        }
        return people
    }

    func notes(from rows: [NoteRow], _ db: any SQLDatabase) async throws -> [Note] {
        let recipients = try await staff(.noteRecipients, of: rows.map(\.id), db)
        var labels: [UUID: FrameLabels?] = [:]
        var notes: [Note] = []
        for row in rows {
            if labels[row.versionId] == nil {
                labels[row.versionId] = .some(try await playback(versionID: row.versionId, db).map(FrameLabels.init))
            }
            notes.append(try Note(row, recipients: recipients[row.id] ?? [], labels: labels[row.versionId] ?? nil))
        }
        return notes
    }

    /// Notes in reading order: top-level ones by frame then date, each followed by its replies.
    static func threaded(_ notes: [Note]) -> [Note] {
        func place(_ note: Note) -> (Int, Int, Timestamp) {
            switch note.anchor {
            case .item: (-1, -1, note.createdAt)
            case .frame(let frame): (frame, frame, note.createdAt)
            case .range(let first, let last): (first, last, note.createdAt)
            }
        }
        let replies = Dictionary(grouping: notes.filter { $0.parentID != nil }, by: { $0.parentID! })
        let top = notes.filter { $0.parentID == nil }.sorted { place($0) < place($1) || (place($0) == place($1) && $0.id.uuidString < $1.id.uuidString) }
        return top.flatMap { [$0] + (replies[$0.id] ?? []).sorted { $0.createdAt < $1.createdAt } }
    }

    /// A note that came from a session is news there, for its staff.
    private func recordNoteEvent(_ kind: SessionEvent.Kind, _ note: Note, _ db: any SQLDatabase) async throws {
        guard let source = note.source, try await db.row(SessionRow.self, id: source.sessionID) != nil else { return }
        try await recordEvent(kind, sessionID: source.sessionID, data: NoteEventData(note: note),
                              visibility: .staffOnly, db)
    }
}

/// The `data` of a note event.
struct NoteEventData: Encodable {
    let note: Note
}
