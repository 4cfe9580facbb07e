import Catalog
import Foundation
import HummingbirdWebSocket
import Logging

/// One WebSocket connection to a session's room: it writes the member's backlog, then what
/// the room hands it; reads what the client sends (presenting, the presenter's player); and
/// keeps its presence alive, checking the caller's access again each time.
struct RoomConnection: Sendable {
    let hub: RoomHub
    let sessionID: UUID
    let actor: FeedbackActor
    let member: RoomMember

    init(hub: RoomHub, sessionID: UUID, actor: FeedbackActor, after: Int) {
        self.hub = hub
        self.sessionID = sessionID
        self.actor = actor
        member = RoomMember(viewer: actor.viewer, participant: actor.author, after: after, bufferLimit: hub.settings.bufferLimit)
    }

    private var catalog: Catalog { hub.catalog }

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async {
        do {
            try await catalog.enterRoom(sessionID: sessionID, connectionID: member.connectionID, as: member.participant,
                                        for: hub.settings.presenceLifetime)
        } catch {
            try? await outbound.close(.unexpectedServerError, reason: "the room could not take you in; try again")
            return
        }
        hub.join(sessionID: sessionID, member)
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { await write(to: outbound); return true }
            group.addTask { await read(inbound); return false }
            group.addTask { await keepPresent(); return false }
            // The writer ends the connection: when the outbox closes, for whatever reason, it
            // writes the close frame that says why. The others only close the outbox, and
            // must not end the group before that frame is written (the reader's end or an
            // access check closing the room would cancel the writer mid-close: no 4003).
            while let writerDone = await group.next(), !writerDone {}
            group.cancelAll()
        }
        member.outbox.close(.clientLeft)
        hub.leave(sessionID: sessionID, member)
        try? await catalog.leaveRoom(sessionID: sessionID, connectionID: member.connectionID)
    }

    /// The opening messages, the backlog from the catalog, then live messages until the
    /// outbox closes; then the close frame that says why.
    private func write(to outbound: WebSocketOutboundWriter) async {
        do {
            guard let (through, opening) = await member.admitted() else { return await close(outbound) }
            for message in opening { try await outbound.write(.text(message)) }
            var cursor = member.after
            while cursor < through {
                let batch = try await catalog.events(sessionID: sessionID, after: cursor, for: member.viewer, limit: 200)
                    .filter { $0.seq <= through }
                for event in batch { try await outbound.write(.text(RoomMessage.event(event))) }
                guard let last = batch.last else { break }
                cursor = last.seq
            }
            while case .messages(let messages) = await member.outbox.next() {
                for message in messages { try await outbound.write(.text(message)) }
            }
            await close(outbound)
        } catch {
            member.outbox.close(.clientLeft)
        }
    }

    private func close(_ outbound: WebSocketOutboundWriter) async {
        guard case .closing(let closing) = await member.outbox.next() else { return }
        switch closing {
        case .tooSlow:
            try? await outbound.close(.unknown(4008), reason: "too far behind: reconnect with ?after=<the last seq you have>")
        case .accessEnded(let why):
            try? await outbound.close(.unknown(4003), reason: String(why.prefix(120)))
        case .goingAway:
            try? await outbound.close(.goingAway, reason: "the server is stopping: reconnect with ?after=")
        case .clientLeft:
            break
        }
    }

    /// What the client sends: presenting, and the presenter's player (rate-limited while
    /// playing; single steps and pauses always go).
    private func read(_ inbound: WebSocketInboundStream) async {
        var lastPlayingUpdate: ContinuousClock.Instant?
        do {
            for try await message in inbound.messages(maxSize: 16 * 1024) {
                guard case .text(let text) = message,
                    let request = try? JSONDecoder().decode(RoomRequest.self, from: Data(text.utf8))
                else {
                    member.outbox.push(RoomMessage.error("invalid_message", """
                        send JSON: {"type": "present" | "hand_over" | "stop_presenting" | "state", ...}
                        """))
                    continue
                }
                if request.type == .state, request.playing == true {
                    let now = ContinuousClock.now
                    if let last = lastPlayingUpdate, now - last < hub.settings.playingUpdateInterval { continue }
                    lastPlayingUpdate = now
                }
                do {
                    try await handle(request)
                } catch let error as CatalogError {
                    member.outbox.push(RoomMessage.error(error.code.description, error.message))
                }
            }
        } catch {
            // A malformed or oversized frame: the connection ends.
        }
        member.outbox.close(.clientLeft)
    }

    private func handle(_ request: RoomRequest) async throws {
        let me = member.participant
        switch request.type {
        case .present:
            _ = try await catalog.present(sessionID: sessionID, as: me, takeOver: request.takeOver ?? false)
        case .handOver:
            guard let to = request.to else { throw CatalogError(.invalidField, "to: whom to hand presenting to", field: "to") }
            _ = try await catalog.handOver(sessionID: sessionID, by: me, to: to)
        case .stopPresenting:
            try await catalog.stopPresenting(sessionID: sessionID, by: me)
        case .state:
            let rate = request.rate ?? "1/1"
            guard rate.wholeMatch(of: /-?[0-9]{1,4}\/[1-9][0-9]{0,3}/) != nil else {
                throw CatalogError(.invalidField, "rate: a ratio such as 1/1 or -2/1", field: "rate")
            }
            if let frame = request.frame, frame < 0 {
                throw CatalogError(.invalidField, "frame: an index from 0", field: "frame")
            }
            _ = try await catalog.movePresenter(sessionID: sessionID, by: me, itemID: request.itemID, frame: request.frame,
                                                playing: request.playing ?? false, rate: rate)
        }
    }

    /// Renews the connection's presence, and ends the connection when the caller's access
    /// has ended (revoked, the session closed or over).
    private func keepPresent() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: hub.settings.heartbeat)
            guard !Task.isCancelled else { return }
            do {
                if case .collaborator(let access) = actor {
                    _ = try await catalog.access(collaboratorID: access.collaborator.id)
                } else {
                    _ = try await catalog.session(id: sessionID)
                }
                try await catalog.enterRoom(sessionID: sessionID, connectionID: member.connectionID, as: member.participant,
                                            for: hub.settings.presenceLifetime)
            } catch let error as CatalogError where error.code != .unavailable {
                member.outbox.close(.accessEnded(error.message))
                return
            } catch {
                // The catalog is busy: try again at the next beat.
            }
        }
    }
}
