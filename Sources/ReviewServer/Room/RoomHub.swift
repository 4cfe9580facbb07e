import Catalog
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// How the live rooms behave.
public struct RoomSettings: Sendable {
    /// Messages waiting for one connection before it counts as too slow and is cut off (4008).
    public var bufferLimit: Int
    /// How often a room looks in the catalog for what other processes changed (a worker's
    /// receipt, another server's comment) and for presence that ran out; this process's own
    /// changes ring at once, and on PostgreSQL every process's do, so the look is then at
    /// least ``pollIntervalWithAnnouncements`` apart.
    public var pollInterval: Duration
    /// The least time between a room's looks on a catalog that announces changes (PostgreSQL).
    public static let pollIntervalWithAnnouncements: Duration = .seconds(5)
    /// How long a connection counts as present without its server renewing it.
    public var presenceLifetime: Duration
    /// How often a connection renews its presence and checks its access again.
    public var heartbeat: Duration
    /// While playing, the presenter's player is sent at most this often (single steps and
    /// pauses always go at once).
    public var playingUpdateInterval: Duration
    /// How often the server pings each connection; one that has not answered by the next
    /// ping is closed (1001).
    public var ping: Duration

    public init(bufferLimit: Int = 512, pollInterval: Duration = .milliseconds(500), presenceLifetime: Duration = .seconds(30),
                heartbeat: Duration = .seconds(10), playingUpdateInterval: Duration = .milliseconds(250),
                ping: Duration = .seconds(30)) {
        self.ping = ping
        self.bufferLimit = bufferLimit
        self.pollInterval = pollInterval
        self.presenceLifetime = presenceLifetime
        self.heartbeat = heartbeat
        self.playingUpdateInterval = playingUpdateInterval
    }
}

/// Someone connected to a session's room.
final class RoomMember: Sendable {
    let connectionID = UUID()
    let viewer: Viewer
    let participant: FeedbackAuthor
    /// The last event number the client has: it gets every later one it may see.
    let after: Int
    let outbox: Outbox
    /// Set when the room takes the member in: the events up to this number are the
    /// member's backlog (read from the catalog), later ones come live through the outbox.
    private let joined = Mutex<(through: Int?, opening: [String], waiter: CheckedContinuation<Void, Never>?)>((nil, [], nil))

    init(viewer: Viewer, participant: FeedbackAuthor, after: Int, bufferLimit: Int) {
        self.viewer = viewer
        self.participant = participant
        self.after = after
        outbox = Outbox(limit: bufferLimit)
    }

    /// Called by the room, once: the backlog ends at `through`; `opening` goes out first
    /// (who is here, who presents).
    fileprivate func admit(through: Int, opening: [String]) {
        let waiter = joined.withLock { joined -> CheckedContinuation<Void, Never>? in
            joined.through = through
            joined.opening = opening
            defer { joined.waiter = nil }
            return joined.waiter
        }
        waiter?.resume()
    }

    /// Waits until the room took the member in: the last backlog number, and the opening
    /// messages. `nil` when the outbox closed first.
    func admitted() async -> (through: Int, opening: [String])? {
        while true {
            if let admitted = joined.withLock({ joined in joined.through.map { ($0, joined.opening) } }) { return admitted }
            if outbox.isClosed { return nil }
            await withCheckedContinuation { continuation in
                let now = joined.withLock { joined -> Bool in
                    if joined.through != nil { return true }
                    joined.waiter = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        }
    }

    /// Wakes ``admitted()`` when the outbox closes before the room took the member in.
    func abandon() {
        let waiter = joined.withLock { joined -> CheckedContinuation<Void, Never>? in
            defer { joined.waiter = nil }
            return joined.waiter
        }
        waiter?.resume()
    }
}

/// The live rooms of the sessions people have open on this server.
///
/// Each room has one task that follows its session's events in the catalog, in order, and
/// hands each member the events it may see (asking the catalog's one visibility rule),
/// plus who is present and where the presenter is. It wakes when a change for the session
/// commits (the catalog's ``RoomBell``: this process's changes, and on PostgreSQL every
/// server's and worker's) and looks again every ``RoomSettings/pollInterval`` besides (at
/// least 5 s apart on PostgreSQL), for what other processes changed on SQLite, and for
/// presence that ran out.
final class RoomHub: Service, Sendable {
    let catalog: Catalog
    let settings: RoomSettings
    let logger: Logger
    private let rooms = Mutex<[UUID: SessionRoom]>([:])
    private let stopped = Mutex(false)

    init(catalog: Catalog, settings: RoomSettings, logger: Logger) {
        self.catalog = catalog
        self.settings = settings
        self.logger = logger
    }

    /// Runs until the server shuts down, then closes every connection (1001, going away).
    func run() async throws {
        let token = catalog.roomBell.listen { [weak self] ring in self?.wake(ring) }
        defer { catalog.roomBell.stopListening(token) }
        // Returns when shutdown begins (or throws when the service is cancelled): either way, close.
        try? await gracefulShutdown()
        stop()
    }

    /// Closes every room's connections, and refuses new ones.
    func stop() {
        let all = rooms.withLock { rooms -> [SessionRoom] in
            stopped.withLock { $0 = true }
            defer { rooms.removeAll() }
            return Array(rooms.values)
        }
        for room in all { room.stop(closing: .goingAway) }
    }

    /// Takes `member` into the session's room (starting the room if it was empty).
    func join(sessionID: UUID, _ member: RoomMember) {
        guard !stopped.withLock({ $0 }) else { return member.outbox.close(.goingAway) }
        let room = rooms.withLock { rooms in
            if let room = rooms[sessionID] { return room }
            let room = SessionRoom(sessionID: sessionID, hub: self)
            rooms[sessionID] = room
            room.start()
            return room
        }
        room.add(member)
    }

    /// Lets `member` go; the last one out stops the room's task.
    func leave(sessionID: UUID, _ member: RoomMember) {
        let emptied = rooms.withLock { rooms -> SessionRoom? in
            guard let room = rooms[sessionID], room.remove(member) else { return nil }
            rooms[sessionID] = nil
            return room
        }
        emptied?.stop(closing: .clientLeft)
    }

    /// Whether the session's room is open here, with how many connections.
    func memberCount(sessionID: UUID) -> Int {
        rooms.withLock { $0[sessionID]?.count ?? 0 }
    }

    fileprivate func wake(_ ring: RoomBell.Ring) {
        switch ring {
        case .session(let sessionID): rooms.withLock { $0[sessionID] }?.wake()
        case .everySession: for room in rooms.withLock({ Array($0.values) }) { room.wake() }
        }
    }
}

/// One session's room on this server.
final class SessionRoom: Sendable {
    private struct State {
        var members: [UUID: RoomMember] = [:]
        var joining: [RoomMember] = []
        /// The last event handed out.
        var lastSeq: Int?
        /// Who was present, and where the presenter was, at the last look.
        var presence: [FeedbackAuthor] = []
        var presenter: PresenterNews?
    }

    /// What a presenter message says, its time aside: a message that says the same is no news.
    private struct PresenterNews: Equatable {
        let presenter: FeedbackAuthor, itemID: UUID?, frame: Int?, playing: Bool, rate: String
        init?(_ state: PresenterState?) {
            guard let state else { return nil }
            (presenter, itemID, frame, playing, rate) = (state.presenter, state.itemID, state.frame, state.playing, state.rate)
        }
    }

    let sessionID: UUID
    private unowned let hub: RoomHub
    private let state = Mutex(State())
    private let wakes: AsyncStream<Void>
    private let wakeUp: AsyncStream<Void>.Continuation
    private let task = Mutex<Task<Void, Never>?>(nil)

    fileprivate init(sessionID: UUID, hub: RoomHub) {
        self.sessionID = sessionID
        self.hub = hub
        // Wakes coalesce: one look finds everything that happened before it.
        (wakes, wakeUp) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    var count: Int { state.withLock { $0.members.count + $0.joining.count } }

    fileprivate func start() {
        // With announcements, every change rings: the look is only for presence that ran out.
        let poll = hub.catalog.hearsOtherProcesses
            ? max(hub.settings.pollInterval, RoomSettings.pollIntervalWithAnnouncements) : hub.settings.pollInterval
        task.withLock { task in
            task = Task { [self] in
                let ticker = Task {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: poll)
                        wakeUp.yield()
                    }
                }
                defer { ticker.cancel() }
                for await _ in wakes {
                    if Task.isCancelled { break }
                    await look()
                }
            }
        }
    }

    fileprivate func add(_ member: RoomMember) {
        state.withLock { $0.joining.append(member) }
        wake()
    }

    /// Removes `member`; `true` when that left the room empty.
    fileprivate func remove(_ member: RoomMember) -> Bool {
        state.withLock { state in
            state.members[member.connectionID] = nil
            state.joining.removeAll { $0 === member }
            return state.members.isEmpty && state.joining.isEmpty
        }
    }

    fileprivate func wake() {
        wakeUp.yield()
    }

    fileprivate func stop(closing: Outbox.Closing) {
        // The look under way finishes (a look cut off mid-read gains nothing); then the task ends.
        wakeUp.finish()
        let everyone = state.withLock { state in Array(state.members.values) + state.joining }
        for member in everyone {
            member.outbox.close(closing)
            member.abandon()
        }
    }

    /// One look in the catalog: new events for every member that may see them, then who
    /// is here and where the presenter is when that changed, then newcomers taken in.
    private func look() async {
        let catalog = hub.catalog
        do {
            let session = try await catalog.session(id: sessionID)
            var lastSeq = state.withLock { $0.lastSeq }
            if lastSeq == nil { lastSeq = try await catalog.lastEventSeq(sessionID: sessionID) }
            var fresh: [SessionEvent] = []
            while true {
                let batch = try await catalog.events(sessionID: sessionID, after: lastSeq!, for: .everything, limit: 500)
                fresh += batch
                lastSeq = batch.last?.seq ?? lastSeq
                if batch.count < 500 { break }
            }
            let now = Date()
            let participants = try await catalog.presence(sessionID: sessionID)
            let presenterState = try await catalog.presenter(sessionID: sessionID)
            let presence = RoomMessage.presence(participants, at: now)
            let presenter = RoomMessage.presenter(presenterState, at: now)
            let visibleToOthers = session.settings.commentsVisibleToOthers
            let messages = fresh.map { ($0, RoomMessage.event($0)) }
            state.withLock { state in
                let presenceChanged = state.presence != participants
                let presenterChanged = state.presenter != PresenterNews(presenterState)
                for member in state.members.values {
                    for (event, message) in messages where event.seq > member.after
                        && event.visibility.allows(member.viewer, commentsVisibleToOthers: visibleToOthers)
                    {
                        member.outbox.push(message)
                    }
                    if presenceChanged { member.outbox.push(presence) }
                    if presenterChanged { member.outbox.push(presenter) }
                }
                state.lastSeq = lastSeq
                state.presence = participants
                state.presenter = PresenterNews(presenterState)
                for member in state.joining {
                    state.members[member.connectionID] = member
                    member.admit(through: lastSeq!, opening: [presence, presenter])
                }
                state.joining.removeAll()
            }
        } catch let error as CatalogError where error.code == .notFound {
            // The session was deleted: everyone goes.
            let everyone = state.withLock { state in Array(state.members.values) + state.joining }
            for member in everyone { member.outbox.close(.accessEnded("the session was deleted")) }
        } catch {
            hub.logger.warning("room of session \(sessionID) could not look for news: \(error)")
        }
    }
}

extension Viewer {
    /// The room's own view, before each member's: every event.
    static let everything = Viewer.staff(UUID(uuidString: "00000000-0000-0000-0000-000000000000")!)
}
