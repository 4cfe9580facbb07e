import Foundation
import Testing

@testable import Catalog

/// A session's events on a real SQLite file: numbered without gaps in the change's own
/// transaction, and read back after a number as the visibility rule allows.
@Suite("Session events")
struct SessionEventTests {
    @Test("item and session changes are events, numbered in order; a refused change records none")
    func changesAreEvents() async throws {
        try await withCatalog { catalog in
            let (_, _, session) = try await makeSession(catalog, versions: 2)
            let items = try await catalog.items(sessionID: session.id)
            _ = try await catalog.moveItem(sessionID: session.id, itemID: items[1].id, to: 0)
            _ = try await catalog.updateItem(sessionID: session.id, itemID: items[0].id, SessionItemUpdate(reason: "New grade"))
            // Refused: the order must list every item; nothing is recorded.
            #expect(await catalogErrorCode { _ = try await catalog.setItemOrder(sessionID: session.id, itemIDs: [items[0].id]) }
                    == .invalidField)
            _ = try await catalog.closeSession(id: session.id)
            _ = try await catalog.closeSession(id: session.id)  // already closed: no change, no event

            let events = try await catalog.events(sessionID: session.id, after: 0, for: .staff(UUID()))
            #expect(events.map(\.seq) == [1, 2, 3, 4, 5])
            #expect(events.map(\.kind) == [.itemAdded, .itemAdded, .itemsReordered, .itemChanged, .sessionChanged])
            #expect(events[0].data == #"{"item_id":"\#(items[0].id)"}"#)
            #expect(events[2].data == #"{"item_ids":["\#(items[1].id)","\#(items[0].id)"]}"#)
            #expect(try await catalog.lastEventSeq(sessionID: session.id) == 5)
            #expect(try await catalog.events(sessionID: session.id, after: 3, for: .staff(UUID())).map(\.seq) == [4, 5])
        }
    }

    @Test("writers at once take numbers one at a time: no gaps, no repeats")
    func concurrentWriters() async throws {
        try await withCatalog { catalog in
            let (_, _, session) = try await makeSession(catalog, versions: 4)
            let items = try await catalog.items(sessionID: session.id)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for round in 0..<40 {
                    group.addTask {
                        _ = try await catalog.updateItem(sessionID: session.id, itemID: items[round % 4].id,
                                                         SessionItemUpdate(reason: "take \(round)"))
                    }
                }
                try await group.waitForAll()
            }
            let events = try await catalog.events(sessionID: session.id, after: 0, for: .staff(UUID()), limit: 1000)
            #expect(events.map(\.seq) == Array(1...44))
            #expect(events.filter { $0.kind == .itemChanged }.count == 40)
        }
    }

    @Test("resuming after a gap of 100 events gets exactly those the viewer may see, in order")
    func resumeWithVisibility() async throws {
        try await withCatalog { catalog in
            let (_, _, session) = try await makeSession(catalog, versions: 1)
            let (dana, _) = try await catalog.addCollaborator(sessionID: session.id, name: "Dana", email: nil, role: .approver)
            let (sam, _) = try await catalog.addCollaborator(sessionID: session.id, name: "Sam", email: nil, role: .reviewer)
            let resumeAfter = try await catalog.lastEventSeq(sessionID: session.id)
            // 100 events: internal ones, Dana's, Sam's and everyone's, in turn.
            let kinds: [FeedbackVisibility] = [.init(isInternal: true), .init(owner: dana.id), .init(owner: sam.id), .everyone]
            try await catalog.database.write { db in
                for index in 0..<100 {
                    try await catalog.recordEvent(.commentCreated, sessionID: session.id, data: ["n": index],
                                                  visibility: kinds[index % 4], db)
                }
            }
            // The hundred, without the session.changed the settings change below adds after them.
            func seen(_ viewer: Viewer) async throws -> [Int] {
                try await catalog.events(sessionID: session.id, after: resumeAfter, for: viewer).map(\.seq)
                    .filter { $0 <= resumeAfter + 100 }
            }
            let all = Array((resumeAfter + 1)...(resumeAfter + 100))
            #expect(try await seen(.staff(UUID())) == all)
            // Comments visible to others: everything but the internal ones.
            #expect(try await seen(.collaborator(dana.id)) == all.enumerated().filter { $0.offset % 4 != 0 }.map(\.element))
            // Hidden from others: each sees their own and everyone's, never another's nor the internal.
            _ = try await catalog.updateSession(id: session.id, SessionFields(settings: .init(commentsVisibleToOthers: false)))
            #expect(try await seen(.collaborator(dana.id)) == all.enumerated().filter { [1, 3].contains($0.offset % 4) }.map(\.element))
            #expect(try await seen(.collaborator(sam.id)) == all.enumerated().filter { [2, 3].contains($0.offset % 4) }.map(\.element))
            // A page ends at the limit and resumes after its last number.
            let first = try await catalog.events(sessionID: session.id, after: resumeAfter, for: .collaborator(sam.id), limit: 10)
            let rest = try await catalog.events(sessionID: session.id, after: first.last!.seq, for: .collaborator(sam.id))
            #expect((first + rest).map(\.seq).filter { $0 <= resumeAfter + 100 }
                    == all.enumerated().filter { [2, 3].contains($0.offset % 4) }.map(\.element))
        }
    }

    @Test("the visibility rule: staff see all; collaborators never internal feedback, and others' only when shown")
    func visibilityRule() {
        let me = UUID(), other = UUID()
        let cases: [(FeedbackVisibility, Viewer, Bool, Bool)] = [
            (.everyone, .collaborator(me), false, true),
            (.init(isInternal: true), .collaborator(me), true, false),
            (.init(isInternal: true, owner: me), .collaborator(me), true, false),
            (.init(isInternal: true), .staff(me), false, true),
            (.init(owner: other), .collaborator(me), true, true),
            (.init(owner: other), .collaborator(me), false, false),
            (.init(owner: me), .collaborator(me), false, true),
            (.init(owner: other), .staff(me), false, true),
        ]
        for (visibility, viewer, shown, expected) in cases {
            #expect(visibility.allows(viewer, commentsVisibleToOthers: shown) == expected, "\(visibility) \(viewer) \(shown)")
        }
    }
}
