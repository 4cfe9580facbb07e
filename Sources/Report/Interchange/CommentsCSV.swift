import Catalog
import Foundation
import FrameTime

/// A session's comments as CSV for spreadsheets: a header row, then one row per comment in
/// the timeline's order, with its replies in a cell beside it (the timeline carries replies
/// as "name: text", without dates of their own). A comment on the whole item has no frame or
/// timecode; its range says "whole item", with the item's frames when it has media.
///
/// The text follows RFC 4180: CRLF after every row, and a field that holds a comma, a
/// quote, CR or LF is quoted, its quotes doubled. It starts with a UTF-8 byte order mark,
/// without which Excel reads the file as the system's legacy code page and garbles every
/// non-ASCII name; RFC 4180 readers skip it (Python's `utf-8-sig`).
///
/// Comments are written by clients, and a spreadsheet runs a cell that starts with `=`, `+`,
/// `-` or `@` as a formula (a tab or CR before one hides it from a quick look): every text
/// cell starting with one of those gets a leading `'`, which shows but makes the cell inert
/// (see ``inert(_:)``). Numbers the writer makes itself, the frame numbers, are written as
/// plain numbers and never guarded: `-12` is a number to every spreadsheet, not a formula,
/// and a sequence's frame numbers can be negative. The range cell is text (`-12--8` reads as
/// a sum), so it is guarded like the rest.
public enum CommentsCSV {
    /// The media type a route answers with.
    public static let contentType = "text/csv; charset=utf-8"

    /// The CSV of `timeline`'s comments. Dates are in the timeline's time zone, which the
    /// date column's header names, as ISO 8601 with the offset (`2026-03-05T14:07:09+00:00`).
    public static func render(_ timeline: EditorialTimeline) -> String {
        let zone = timeline.timeZone
        let dates = DateFormatter()
        dates.locale = Locale(identifier: "en_US_POSIX")
        dates.calendar = Calendar(identifier: .gregorian)
        dates.timeZone = zone
        // `xxxxx` is the offset as +HH:MM, never `Z`, so every row reads the same way.
        dates.dateFormat = "yyyy-MM-dd'T'HH:mm:ssxxxxx"

        let header = [
            "item", "version", "author", "date (\(zone.identifier))", "frame", "range", "timecode", "item status",
            "author status", "resolved", "internal", "text", "replies", "comment id",
        ]
        var text = "\u{FEFF}" + row(header.map(Cell.text))
        for clip in timeline.clips {
            for marker in clip.markers {
                let first = clip.frameNumber(at: marker.first)
                let last = clip.frameNumber(at: marker.last)
                // A whole-item comment says so; on an item with no media yet it has no frames to name.
                let frames: [Cell] = clip.frameCount == 0 ? [.text(""), .text("whole item"), .text("")]
                    : marker.isWholeItem ? [.text(""), .text("whole item (\(first)-\(last))"), .text("")]
                    : [.number(first), .text(last == first ? "" : "\(first)-\(last)"),
                       .text(clip.timecode(at: marker.first).description)]
                text += row([
                    .text(clip.name),
                    .text(clip.versionName),
                    .text(marker.author),
                    .text(dates.string(from: marker.createdAt)),
                ] + frames + [
                    .text(clip.status.words),
                    .text(marker.authorStatus?.words ?? ""),
                    .text(marker.isResolved ? "yes" : "no"),
                    .text(marker.isInternal ? "yes" : "no"),
                    .text(marker.text),
                    .text(marker.replies.joined(separator: "\n")),
                    .text(marker.commentID.uuidString.lowercased()),
                ])
            }
        }
        return text
    }

    /// `cell` with a leading `'` when it starts with a character that makes a spreadsheet
    /// read it as a formula: `=`, `+`, `-`, `@`, a tab or a CR.
    public static func inert(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first, formulaStarts.contains(first) else { return cell }
        return "'" + cell
    }

    private static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    /// A cell as the writer made it: text from people (guarded), or a number of its own.
    private enum Cell {
        case text(String)
        case number(Int)

        var field: String {
            switch self {
            case .text(let text): CommentsCSV.quoted(CommentsCSV.inert(text))
            case .number(let number): String(number)
            }
        }
    }

    private static func row(_ cells: [Cell]) -> String {
        cells.map(\.field).joined(separator: ",") + "\r\n"
    }

    /// `field` quoted when RFC 4180 asks: it holds a comma, a quote, CR or LF.
    private static func quoted(_ field: String) -> String {
        // Scalars, not Characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
        guard field.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else {
            return field
        }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
