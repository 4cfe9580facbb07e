import Catalog
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

    /// Drawings that break the format's limits, each with the field the catalog names, and
    /// the field the API's schema names (`nil`: only the catalog can tell, a 422).
    public static let refusedDrawings: [(drawing: Drawing, catalogField: String, schemaField: String?)] = {
        let display = Drawing.Display(width: 1920, height: 1080, pixelAspect: .one)
        func line(_ color: String = "#FF3B30FF", width: Double = 0.004, to: Shape.Point = .init(0.5, 0.5)) -> Shape {
            Shape(color: color, .line(from: .init(0.1, 0.1), to: to, width: width))
        }
        func stroke(_ count: Int) -> Shape {
            Shape(color: "#00FF00FF", .stroke(points: (0..<count).map { .init(Double($0 % 100) / 100, 0.5, pressure: 0.5) },
                                               width: 0.01))
        }
        func drawing(_ shapes: [Shape], display: Drawing.Display = display) -> Drawing { Drawing(display: display, shapes: shapes) }
        return [
            (drawing([]), "drawing.shapes", "shapes"),
            (drawing(Array(repeating: line(), count: 201)), "drawing.shapes", "shapes"),
            (drawing([line("#FF3B30")]), "drawing.shapes[0].color", "shapes[0].color"),
            (drawing([line(), line(width: 0)]), "drawing.shapes[1].width", "shapes[1].width"),
            (drawing([line(width: 0.6)]), "drawing.shapes[0].width", "shapes[0].width"),
            (drawing([line(to: .init(1.2, 0.5))]), "drawing.shapes[0].to", "shapes[0].to[0]"),
            (drawing([stroke(5001)]), "drawing.shapes[0].points", "shapes[0].points"),
            (drawing([Shape(color: "#FFFFFFFF", .text(at: .init(0, 0), text: "", size: 0.03))]), "drawing.shapes[0].text",
             "shapes[0].text"),
            (drawing([line()], display: .init(width: 0, height: 1080, pixelAspect: .one)), "drawing.display.width",
             "display.width"),
            // 20 005 points: only the catalog counts a whole drawing's points.
            (drawing(Array(repeating: stroke(4001), count: 5)), "drawing.shapes", nil),
        ]
    }()

    /// The largest drawing the limits allow: 20 000 points in five strokes.
    public static let largestDrawing = Drawing(
        display: .init(width: 1920, height: 1080, pixelAspect: .one),
        shapes: Array(repeating: Shape(color: "#00FF00FF", .stroke(
            points: (0..<4000).map { .init(Double($0 % 100) / 100, 0.5, pressure: 0.5) }, width: 0.01)), count: 5))
}
