import Catalog
import Foundation

/// One of a session's exports, made for one reader: the comments as CSV, the timeline as
/// OpenTimelineIO or as a CMX 3600 EDL. The routes and `dailies report` both make them here.
public struct SessionExport: Sendable {
    public enum Format: Sendable, Hashable {
        case csv
        case otio
        case edl(EDLWriter.MarkerForm)

        /// The file name's extension.
        public var fileExtension: String {
            switch self {
            case .csv: "csv"
            case .otio: "otio"
            case .edl: "edl"
            }
        }
    }

    public let bytes: [UInt8]
    public let contentType: String
    /// What to save it as: the session's title and the format's extension.
    public let fileName: String

    /// - Parameters:
    ///   - media: which file the OTIO's clips point at.
    ///   - baseURL: the server's public address, for the clips' media URLs; `nil` leaves them out.
    /// - Throws: ``EDLWriterError`` for an EDL of items at different rates.
    public init(_ feedback: SessionFeedback, format: Format, media: EditorialTimeline.MediaChoice = .proxy,
                baseURL: String?) throws {
        let session = feedback.session.id
        let timeline = EditorialTimeline(feedback, media: media, itemsWithoutMedia: format == .csv) { item, choice in
            guard let baseURL, (choice == .original ? item.original : item.proxy) != nil else { return nil }
            // The review site's download route: staff, and collaborators the session lets download.
            return "\(baseURL)/api/v1/review/sessions/\(session)/items/\(item.item.id)/download/\(choice.rawValue)"
        }
        switch format {
        case .csv:
            bytes = Array(CommentsCSV.render(timeline).utf8)
            contentType = CommentsCSV.contentType
        case .otio:
            bytes = [UInt8](try OTIOWriter.render(timeline))
            contentType = OTIOWriter.contentType
        case .edl(let form):
            bytes = Array(try EDLWriter.render(timeline, markers: form).utf8)
            contentType = EDLWriter.contentType
        }
        fileName = Self.fileName(feedback.session.title, extension: format.fileExtension)
    }

    /// `<title>.<extension>`, with what a file name cannot hold replaced.
    public static func fileName(_ title: String, extension: String) -> String {
        let safe = String(title.map { "/\\:*?\"<>|".contains($0) || $0.isNewline ? "_" : $0 })
        return (safe.isEmpty ? "session" : safe) + "." + `extension`
    }
}
