import Catalog
import Foundation
import FrameTime

/// A session as an OpenTimelineIO file (`.otio`, JSON), in the schema versions
/// OpenTimelineIO 0.17 writes: a `Timeline.1` holding a `Stack.1` with one video `Track.1`,
/// one `Clip.2` per item in review order, named by its client-facing name.
///
/// Times are in each clip's media time at its own rate, which OTIO keeps as a double (the
/// closest one to the exact rational: `24000/1001` is `23.976023976023978`). A clip's
/// `available_range` (on its media reference) and `source_range` both start at its source
/// timecode counted in frames (`Timecode.frameNumber`, which is right for drop-frame too), or
/// at 0 without one, and last its frame count. Frame `k` of the item is then
/// `start + k`, and that is where each comment's marker goes: one marker per comment, over
/// its frame or range, named by its author, its comment the text, its colour the item's
/// status (approved green, requires changes red, pending yellow). The marker's metadata
/// keeps what OTIO has no field for under `dailies`, with the drawing exactly as the
/// feedback format writes it (`docs/feedback-format.md`, "Drawings").
///
/// The media reference is an `ExternalReference.1` to the clip's media URL (the original or
/// the proxy, as the caller chose), or a `MissingReference.1` when there is none; either
/// carries the available range, so an editor can relink without losing the timing.
///
/// The output is deterministic: keys sorted, arrays in the timeline's order, so the same
/// session gives the same bytes.
public enum OTIOWriter {
    /// The media type a route answers with (OTIO files are JSON).
    public static let contentType = "application/json"

    /// The `.otio` JSON of `timeline`, UTF-8.
    public static func render(_ timeline: EditorialTimeline) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(document(timeline))
    }

    /// The name of the one key OTIO uses for a clip's only media reference.
    static let mediaKey = "DEFAULT_MEDIA"

    private static func document(_ timeline: EditorialTimeline) -> JSONValue {
        let track: JSONValue = [
            "OTIO_SCHEMA": "Track.1",
            "name": "V1",
            "kind": "Video",
            "metadata": [:],
            "source_range": .null,
            "effects": [],
            "markers": [],
            "enabled": true,
            "children": .array(timeline.clips.map(clip)),
        ]
        let stack: JSONValue = [
            "OTIO_SCHEMA": "Stack.1",
            "name": "tracks",
            "metadata": [:],
            "source_range": .null,
            "effects": [],
            "markers": [],
            "enabled": true,
            "children": [track],
        ]
        return [
            "OTIO_SCHEMA": "Timeline.1",
            "name": .string(timeline.title),
            "metadata": ["dailies": ["session_title": .string(timeline.title), "time_zone": .string(timeline.timeZone.identifier)]],
            "global_start_time": .null,
            "tracks": stack,
        ]
    }

    private static func clip(_ clip: EditorialTimeline.Clip) -> JSONValue {
        let rate = seconds(clip.rate)
        let start = clip.startTimecode?.frameNumber ?? 0
        let available = timeRange(start: start, duration: clip.frameCount, rate: rate)
        let reference: JSONValue
        if let url = clip.mediaURL {
            reference = [
                "OTIO_SCHEMA": "ExternalReference.1",
                "name": .string(clip.mediaFileName ?? ""),
                "metadata": [:],
                "available_range": available,
                "available_image_bounds": .null,
                "target_url": .string(url),
            ]
        } else {
            reference = [
                "OTIO_SCHEMA": "MissingReference.1",
                "name": .string(clip.mediaFileName ?? ""),
                "metadata": [:],
                "available_range": available,
                "available_image_bounds": .null,
            ]
        }
        let dailies: JSONValue = [
            "item_id": .string(clip.itemID.uuidString.lowercased()),
            "version_name": .string(clip.versionName),
            "frame_rate": .string(clip.rate.description),
            "first_frame_number": .integer(clip.firstFrameNumber),
            "start_timecode": clip.startTimecode.map { .string($0.description) } ?? .null,
            "status": .string(clip.status.rawValue),
        ]
        return [
            "OTIO_SCHEMA": "Clip.2",
            "name": .string(clip.name),
            "metadata": ["dailies": dailies],
            "source_range": available,
            "effects": [],
            "markers": .array(clip.markers.map { marker(start: start, rate: rate, status: clip.status, $0) }),
            "enabled": true,
            "media_references": .object([mediaKey: reference]),
            "active_media_reference_key": .string(mediaKey),
        ]
    }

    private static func marker(start: Int, rate: Double, status: ReviewStatus, _ marker: EditorialTimeline.Marker)
        -> JSONValue
    {
        var dailies: [String: JSONValue] = [
            "comment_id": .string(marker.commentID.uuidString.lowercased()),
            "created_at": .string(marker.createdAt.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))),
            "first_frame": .integer(marker.first),
            "last_frame": .integer(marker.last),
            "internal": .bool(marker.isInternal),
            "resolved": .bool(marker.isResolved),
            "replies": .array(marker.replies.map(JSONValue.string)),
        ]
        if let authorStatus = marker.authorStatus { dailies["author_status"] = .string(authorStatus.rawValue) }
        if let drawing = marker.drawing { dailies["drawing"] = .drawing(drawing) }
        return [
            "OTIO_SCHEMA": "Marker.2",
            "name": .string(marker.author),
            "comment": .string(marker.text),
            "color": .string(color(status)),
            "marked_range": timeRange(start: start + marker.first, duration: marker.last - marker.first + 1, rate: rate),
            "metadata": ["dailies": .object(dailies)],
        ]
    }

    /// The `MarkerColor` name for an item's status.
    static func color(_ status: ReviewStatus) -> String {
        switch status {
        case .approved: "GREEN"
        case .requiresChanges: "RED"
        case .pending: "YELLOW"
        }
    }

    /// Frames per second as OTIO keeps it: the double nearest the rational (one IEEE division
    /// of two integers that doubles hold exactly is correctly rounded).
    private static func seconds(_ rate: FrameRate) -> Double {
        Double(rate.framesPerSecond.numerator) / Double(rate.framesPerSecond.denominator)
    }

    private static func timeRange(start: Int, duration: Int, rate: Double) -> JSONValue {
        [
            "OTIO_SCHEMA": "TimeRange.1",
            "start_time": rationalTime(start, rate: rate),
            "duration": rationalTime(duration, rate: rate),
        ]
    }

    private static func rationalTime(_ frames: Int, rate: Double) -> JSONValue {
        ["OTIO_SCHEMA": "RationalTime.1", "rate": .number(rate), "value": .number(Double(frames))]
    }
}

/// A JSON value as ``OTIOWriter`` builds a document: OTIO's objects need explicit nulls,
/// which synthesized `Encodable` never writes, and a drawing goes in through its own
/// `Encodable`, so it reads exactly as the feedback format does.
enum JSONValue: Encodable, Sendable, ExpressibleByStringLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    case number(Double)
    case integer(Int)
    case bool(Bool)
    case null
    case drawing(Drawing)

    init(stringLiteral value: String) { self = .string(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .drawing(let drawing):
            try drawing.encode(to: encoder)
        case .object(let members):
            var container = encoder.container(keyedBy: MemberKey.self)
            for (key, value) in members { try container.encode(value, forKey: MemberKey(key)) }
        case .array(let elements):
            var container = encoder.unkeyedContainer()
            for element in elements { try container.encode(element) }
        case .string(let text):
            var container = encoder.singleValueContainer()
            try container.encode(text)
        case .number(let number):
            var container = encoder.singleValueContainer()
            try container.encode(number)
        case .integer(let number):
            var container = encoder.singleValueContainer()
            try container.encode(number)
        case .bool(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        }
    }

    /// Not `Key`, which names the dictionary literal's key type.
    private struct MemberKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
