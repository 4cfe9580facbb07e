import Catalog
import Foundation

/// The room's messages as JSON text (`docs/feedback-format.md`, "The room").
enum RoomMessage {
    /// An event: `{"seq", "type", "at", "data"}`, its data spliced in as stored.
    static func event(_ event: SessionEvent) -> String {
        let at = (try? JSONCoding.encoder.encode(event.at)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
        return #"{"seq":\#(event.seq),"type":"\#(event.kind.rawValue)","at":\#(at),"data":\#(event.data)}"#
    }

    /// Who is in the room.
    static func presence(_ participants: [FeedbackAuthor], at: Date) -> String {
        encode(Presence(at: at, participants: participants))
    }

    /// The presenter and where they are; no presenter when `nil`.
    static func presenter(_ state: PresenterState?, at: Date) -> String {
        encode(Presenter(at: state?.updatedAt ?? at, presenter: state?.presenter, itemID: state?.itemID, frame: state?.frame,
                         playing: state?.playing, rate: state?.rate))
    }

    /// A refusal of something the client sent; the connection stays open.
    static func error(_ code: String, _ message: String) -> String {
        encode(ErrorMessage(code: code, message: message))
    }

    private static func encode(_ value: some Encodable) -> String {
        (try? JSONCoding.encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    private struct Presence: Encodable {
        let type = "presence"
        let at: Date
        let participants: [FeedbackAuthor]
    }

    private struct Presenter: Encodable {
        let type = "presenter"
        let at: Date
        let presenter: FeedbackAuthor?
        let itemID: UUID?
        let frame: Int?
        let playing: Bool?
        let rate: String?
        enum CodingKeys: String, CodingKey { case type, at, presenter, itemID = "item_id", frame, playing, rate }
    }

    private struct ErrorMessage: Encodable {
        let type = "error"
        let code: String
        let message: String
    }
}

/// What a client may send into the room: presenting, and the presenter's player.
struct RoomRequest: Decodable {
    enum Kind: String, Decodable {
        /// Become the presenter (`take_over`: staff, from someone else).
        case present
        /// Give presenting to someone in the room (`to`: their id).
        case handOver = "hand_over"
        case stopPresenting = "stop_presenting"
        /// The presenter's player: `item_id`, `frame`, `playing`, `rate`.
        case state
    }

    let type: Kind
    let takeOver: Bool?
    let to: UUID?
    let itemID: UUID?
    let frame: Int?
    let playing: Bool?
    let rate: String?

    enum CodingKeys: String, CodingKey {
        case type, takeOver = "take_over", to, itemID = "item_id", frame, playing, rate
    }
}
