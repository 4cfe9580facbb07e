import Catalog
import Foundation
import HTTPTypes
import Hummingbird
import ServiceLifecycle

/// What a `version` event carries: the version as it is now, and the transcode queued or
/// running for it (its progress), if any.
struct VersionPulseEvent: Encodable {
    let version: Version
    let job: Job?
}

/// The staff pages' live list of a project's versions: Server-Sent Events, which a page opens
/// with `EventSource` (the sign-in cookie goes with it; the stream only reads, so no CSRF).
///
/// The stream looks at the catalog once a second (``ProjectPulse``: two small reads) and sends
/// what changed, so it follows workers in other processes and on other machines with no
/// channel between them. A page opens the stream, waits for `ready`, then loads the list: no
/// change falls between the two.
func addProjectLiveRoutes(_ api: APIRoutes) {
    api.staff.add(.get, "/api/v1/projects/{project_id}/live", """
        Follow a project's versions (Server-Sent Events; send Accept: text/event-stream, as EventSource does): a `version` \
        event ({"version": Version, "job": Job or null, the transcode queued or running}) for each version processing now, \
        then `ready`, then a `version` event whenever a version is added or changes (its fields, its media state, its \
        transcode's progress) and `removed` ({"id"}) when one is deleted
        """, tag: "versions", response: .file(["text/event-stream"]),
        refusals: [Refusal(.notAcceptable, "The request does not accept text/event-stream: open the stream with EventSource")]) { input in
        guard input.request.headers[.accept]?.contains("text/event-stream") == true else {
            throw APIError(status: .notAcceptable, code: "not_acceptable",
                           message: "this is a stream of Server-Sent Events: send Accept: text/event-stream (EventSource does)")
        }
        let projectID = try input.id("project_id")
        let catalog = input.catalog
        let logger = input.context.logger
        // Asked before answering: an unknown project is a 404, not an empty stream.
        let first = try await catalog.projectPulse(projectID: projectID)
        let body = ResponseBody { writer in
            var last = first
            let processing = try await catalog.versions(ids: first.versions.keys).filter { $0.mediaState == .processing }
            var opening = ""
            for version in processing.sorted(by: { $0.createdAt < $1.createdAt }) {
                opening += try ServerSentEvent.encode("version", VersionPulseEvent(version: version, job: first.transcodes[version.id]))
            }
            opening += ServerSentEvent.encode("ready", json: "{}")
            try await writer.write(ByteBuffer(string: opening))
            var quiet = 0
            while !Task.isCancelled, !Task.isShuttingDownGracefully {
                try await Task.sleep(for: ProjectLive.interval)
                let pulse: ProjectPulse
                do {
                    pulse = try await catalog.projectPulse(projectID: projectID)
                } catch let error as CatalogError where error.code == .notFound {
                    break  // the project was deleted: the stream ends, and a reconnect gets the 404
                } catch {
                    logger.warning("live list of project \(projectID): \(error)")
                    continue
                }
                var events = ""
                let changed = pulse.changed(since: last)
                for version in try await catalog.versions(ids: changed).sorted(by: { $0.createdAt < $1.createdAt }) {
                    events += try ServerSentEvent.encode("version", VersionPulseEvent(version: version, job: pulse.transcodes[version.id]))
                }
                for id in pulse.removed(since: last) {
                    events += ServerSentEvent.encode("removed", json: #"{"id":"\#(id.uuidString)"}"#)
                }
                last = pulse
                quiet = events.isEmpty ? quiet + 1 : 0
                // A comment now and then: proxies keep the stream open, and a page that left is noticed.
                if quiet >= ProjectLive.keepAliveTicks {
                    events = ": keep-alive\n\n"
                    quiet = 0
                }
                if !events.isEmpty { try await writer.write(ByteBuffer(string: events)) }
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store",
                                               xAccelBuffering: "no"], body: body)
    }
}

/// How often the live list looks, and how many quiet looks make a keep-alive.
enum ProjectLive {
    static let interval: Duration = .seconds(1)
    static let keepAliveTicks = 15
}

/// One event of a Server-Sent Events stream, written as the format wants it.
enum ServerSentEvent {
    static func encode(_ name: String, _ value: some Encodable) throws -> String {
        encode(name, json: String(decoding: try JSONCoding.encoder.encode(value), as: UTF8.self))
    }

    /// `json` is one line: JSON's own escapes keep line breaks out of it.
    static func encode(_ name: String, json: String) -> String {
        "event: \(name)\ndata: \(json)\n\n"
    }
}

/// Tells nginx and its kind not to hold the stream back in a buffer.
private let xAccelBuffering = HTTPField.Name("X-Accel-Buffering")!
