import Foundation

/// `docs/feedback-format.md`, the feedback wire format, as tests read it.
public enum FeedbackFormatPage {
    /// The page's JSON examples that are objects (its JSON Schema among them).
    public static func examples() -> [[String: Any]] {
        let page = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../docs/feedback-format.md")
        let text = (try? String(contentsOf: page, encoding: .utf8)) ?? ""
        return text.components(separatedBy: "```json\n").dropFirst().compactMap { block in
            let json = block.components(separatedBy: "```").first ?? ""
            return (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any]
        }
    }

    /// The examples that are comments.
    public static func comments() -> [[String: Any]] {
        examples().filter { $0["author"] != nil && $0["text"] != nil }
    }
}
