import Catalog
import Foundation
import FrameTime

/// A session as a CMX 3600 edit decision list: one cut per item in review order on one
/// video track, with its comments as markers in one of two forms (``MarkerForm``).
///
/// An EDL has one rate for every timecode in it, so a session whose items have different
/// rates gets ``EDLWriterError/Code/mixedFrameRates`` (the OTIO export still works for it).
///
/// **Timecodes.** The record side starts at `01:00:00:00` and the items follow each other
/// without gaps. Each source side comes from the item's frame map: its start timecode, or
/// `00:00:00:00` plus the frame index when it has none (drop-frame where the rate has it,
/// as the API labels frames). The list's frame code mode (`FCM:`) and so the record side's
/// is the first item's; each source timecode is written in its own mode, `HH:MM:SS;FF` for
/// drop-frame and `HH:MM:SS:FF` for non-drop, which is what readers that go by the
/// separator (OpenTimelineIO's `cmx_3600` adapter, Resolve, Premiere) need. A source whose
/// last frame runs past `23:59:59` wraps to `00:00:00:00`, as tape timecode does.
///
/// **Text.** Every line is ours: names and comments go through ``OneLineText`` (line ends,
/// tabs and control characters become spaces), so no text can end a line and start an event
/// of its own, and lengths are capped (a title at 70 characters, the CMX limit; a name at
/// 48; a comment at 160) so every line stays within 255 characters for readers with fixed
/// line buffers. The text is UTF-8, as Resolve writes and reads its marker lists. Lines
/// end in CRLF. Reels are `AX` (a file, not a tape): editors relink by the clip name and the
/// `* SOURCE FILE:` line.
public enum EDLWriter {
    /// How a comment appears in the list.
    public enum MarkerForm: String, Sendable, Hashable, CaseIterable {
        /// Avid Media Composer's locators: under each item's event, one
        /// `* LOC: <timecode> <COLOUR> <author>: <text>` line per comment at its first frame's
        /// source timecode, the colour from the item's status (approved GREEN, requires
        /// changes RED, pending YELLOW). OpenTimelineIO's `cmx_3600` adapter reads them as
        /// markers on the clip, except drop-frame ones: its pattern for the timecode takes
        /// colons only, so it drops a `;` timecode's line without a word.
        case avidLocators = "avid"
        /// The list DaVinci Resolve writes with "Export > Timeline Markers to EDL" and reads
        /// with "Import > Timeline Markers from EDL": no cuts, only markers, each an event of
        /// its own one frame long at the comment's record timecode (in the timeline the
        /// `.avidLocators` list builds, from `01:00:00:00`), in time order, followed by the line
        /// `<text> |C:ResolveColor<Colour> |M:<author> |D:<frames>`. Resolve takes what comes
        /// before `|C:` as the marker's notes, `|M:` as its name and `|D:` as its duration,
        /// so a `|` in a name or comment is written as `/`. Resolve keeps one marker per
        /// frame, so comments on the same frame share one, their texts joined.
        case resolveMarkers = "resolve"
    }

    /// The media type a route answers with.
    public static let contentType = "text/plain; charset=utf-8"

    /// The EDL of `timeline`, its comments in `form`.
    ///
    /// - Throws: ``EDLWriterError/Code/mixedFrameRates``, naming the items of each rate.
    public static func render(_ timeline: EditorialTimeline, markers form: MarkerForm = .avidLocators)
        throws(EDLWriterError) -> String
    {
        let rate = try commonRate(timeline.clips)
        let dropFrame = (timeline.clips.first?.timecodeOrigin.isDropFrame ?? false) && rate?.supportsDropFrame == true
        // Cannot throw: 01:00:00:00 is a label of every rate, and drop-frame is asked only of
        // a rate that has it.
        let recordStart = try! Timecode(hours: 1, minutes: 0, seconds: 0, frames: 0, rate: rate ?? .fps24,
                                        dropFrame: dropFrame)
        let title = OneLineText.flattened(timeline.title, limit: Limits.title)
        var lines = ["TITLE: \(title.isEmpty ? "UNTITLED" : title)", "FCM: \(dropFrame ? "DROP FRAME" : "NON-DROP FRAME")"]

        switch form {
        case .avidLocators:
            var recordIn = recordStart
            for (index, clip) in timeline.clips.enumerated() {
                let recordOut = recordIn.adding(clip.frameCount)
                lines.append("")
                lines.append(eventLine(index + 1, reel: "AX", source: (clip.timecode(at: 0), clip.timecode(at: clip.frameCount)),
                                       record: (recordIn, recordOut)))
                lines.append("* FROM CLIP NAME:  \(OneLineText.flattened(clip.name, limit: Limits.name))")
                if let file = clip.mediaFileName {
                    lines.append("* SOURCE FILE: \(OneLineText.flattened(file, limit: Limits.name))")
                }
                for marker in clip.markers {
                    let colour = avidColour(clip.status).padding(toLength: 7, withPad: " ", startingAt: 0)
                    lines.append("* LOC: \(clip.timecode(at: marker.first)) \(colour) \(locatorText(marker))")
                }
                recordIn = recordOut
            }
        case .resolveMarkers:
            for (index, group) in resolveMarkers(timeline.clips).enumerated() {
                let at = recordStart.adding(group.recordOffset)
                lines.append("")
                lines.append(eventLine(index + 1, reel: "001", source: (at, at.adding(1)), record: (at, at.adding(1))))
                lines.append(resolveMarkerLine(group.markers, status: group.status))
            }
        }
        return lines.map { $0 + "\r\n" }.joined()
    }

    /// The comments that share one frame of the record side, which Resolve gives one marker.
    private struct ResolveMarker {
        /// Frames from the record side's start.
        let recordOffset: Int
        let status: ReviewStatus
        var markers: [EditorialTimeline.Marker]
    }

    /// The timeline's comments in record order, those on the same frame together: Resolve
    /// keeps one marker per frame, and its list, like a CMX reader, goes forward in time.
    private static func resolveMarkers(_ clips: [EditorialTimeline.Clip]) -> [ResolveMarker] {
        var groups: [Int: ResolveMarker] = [:]
        var clipStart = 0
        for clip in clips {
            for marker in clip.markers {
                let offset = clipStart + marker.first
                groups[offset, default: ResolveMarker(recordOffset: offset, status: clip.status, markers: [])].markers.append(marker)
            }
            clipStart += clip.frameCount
        }
        return groups.values.sorted { $0.recordOffset < $1.recordOffset }
    }

    /// The longest texts the list carries, in characters (see the type's notes on text).
    enum Limits {
        static let title = 70
        static let name = 48
        static let comment = 160
    }

    /// The one rate of `clips`, `nil` when there are none.
    private static func commonRate(_ clips: [EditorialTimeline.Clip]) throws(EDLWriterError) -> FrameRate? {
        var rates: [FrameRate] = []
        var names: [FrameRate: [String]] = [:]
        for clip in clips {
            if names[clip.rate] == nil { rates.append(clip.rate) }
            names[clip.rate, default: []].append(clip.name)
        }
        guard rates.count > 1 else { return rates.first }
        let groups = rates.map { rate in
            "\(rate.displayName) fps (\(rate)): " + names[rate, default: []].map { "“\($0)”" }.joined(separator: ", ")
        }
        throw EDLWriterError(.mixedFrameRates, "An EDL has one frame rate, and this session's items have \(rates.count): "
                             + groups.joined(separator: "; ") + ". The OpenTimelineIO export keeps each item's own rate.")
    }

    /// An event line in the columns Avid writes: number, reel, track, cut, then source in
    /// and out and record in and out (outs exclusive).
    private static func eventLine(_ number: Int, reel: String, source: (Timecode, Timecode), record: (Timecode, Timecode))
        -> String
    {
        let number = String(number)
        let padded = String(repeating: "0", count: max(0, 3 - number.count)) + number
        return "\(padded)  \(reel.padding(toLength: 8, withPad: " ", startingAt: 0)) V     C        "
            + "\(source.0) \(source.1) \(record.0) \(record.1)"
    }

    /// `author: text`, on one line, each within its limit.
    private static func locatorText(_ marker: EditorialTimeline.Marker) -> String {
        let author = OneLineText.flattened(marker.author, limit: Limits.name)
        let text = OneLineText.flattened(marker.text, limit: Limits.comment)
        return text.isEmpty ? author : "\(author): \(text)"
    }

    /// The marker line of the comments on one frame: one comment's text as the notes and its
    /// author as the name; several comments' "author: text" joined as the notes, their
    /// authors as the name, and the longest one's duration.
    private static func resolveMarkerLine(_ markers: [EditorialTimeline.Marker], status: ReviewStatus) -> String {
        func field(_ text: String, _ limit: Int) -> String {
            OneLineText.flattened(text.replacingOccurrences(of: "|", with: "/"), limit: limit)
        }
        let notes: String
        var authors: [String] = []
        for marker in markers where !authors.contains(marker.author) { authors.append(marker.author) }
        if markers.count == 1 {
            notes = field(markers[0].text, Limits.comment)
        } else {
            notes = field(markers.map { "\($0.author): \($0.text)" }.joined(separator: "; "), Limits.comment)
        }
        let duration = markers.map { $0.last - $0.first + 1 }.max() ?? 1
        // With no notes, Resolve starts the line with the space before `|C:`, as here.
        return "\(notes) |C:ResolveColor\(resolveColour(status)) |M:\(field(authors.joined(separator: ", "), Limits.name))"
            + " |D:\(duration)"
    }

    /// Media Composer's locator colour for an item's status.
    static func avidColour(_ status: ReviewStatus) -> String {
        switch status {
        case .approved: "GREEN"
        case .requiresChanges: "RED"
        case .pending: "YELLOW"
        }
    }

    /// The end of Resolve's colour name (`ResolveColorGreen`) for an item's status.
    static func resolveColour(_ status: ReviewStatus) -> String {
        switch status {
        case .approved: "Green"
        case .requiresChanges: "Red"
        case .pending: "Yellow"
        }
    }
}
