import Foundation
import FrameTime

/// A drawing on a comment's frame, in the wire format of `docs/feedback-format.md`
/// ("Drawings"): shapes at coordinates normalised 0…1 from the top-left of the picture as
/// displayed, widths and text sizes as fractions of its height, colours `#RRGGBBAA`.
public struct Drawing: Sendable, Hashable, Codable {
    /// The picture the drawing was made on, as displayed.
    public struct Display: Sendable, Hashable, Codable {
        public var width: Int
        public var height: Int
        public var pixelAspect: Rational

        public init(width: Int, height: Int, pixelAspect: Rational) {
            self.width = width
            self.height = height
            self.pixelAspect = pixelAspect
        }

        enum CodingKeys: String, CodingKey { case width, height, pixelAspect = "pixel_aspect" }
    }

    public var display: Display
    /// Shown across the whole of a range, not only its first frame.
    public var hold: Bool
    public var shapes: [Shape]

    public init(display: Display, hold: Bool = false, shapes: [Shape]) {
        self.display = display
        self.hold = hold
        self.shapes = shapes
    }

    enum CodingKeys: String, CodingKey { case display, hold, shapes }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        display = try container.decode(Display.self, forKey: .display)
        hold = try container.decodeIfPresent(Bool.self, forKey: .hold) ?? false
        shapes = try container.decode([Shape].self, forKey: .shapes)
    }

    /// The limits a drawing keeps (the format's "Limits").
    public enum Limits {
        public static let shapes = 1...200
        public static let pointsPerStroke = 1...5000
        public static let points = 20_000
        public static let displaySide = 1...16_384
        public static let textLength = 1...500
        /// Widths and text sizes: above 0, at most this.
        public static let weight = 0.5
        /// The drawing's JSON.
        public static let bytes = 512 * 1024
    }

    /// Checks every limit of the format, naming the first field that breaks one
    /// (`drawing.shapes[3].points[120]`).
    public func validated() throws(CatalogError) -> Drawing {
        func fail(_ field: String, _ message: String) -> CatalogError { .invalid("drawing.\(field)", message) }
        for (field, side) in [("display.width", display.width), ("display.height", display.height)]
        where !Limits.displaySide.contains(side) {
            throw fail(field, "must be \(Limits.displaySide.lowerBound) to \(Limits.displaySide.upperBound) pixels")
        }
        guard display.pixelAspect > .zero else { throw fail("display.pixel_aspect", "must be above 0") }
        guard Limits.shapes.contains(shapes.count) else {
            throw fail("shapes", "must hold \(Limits.shapes.lowerBound) to \(Limits.shapes.upperBound) shapes")
        }
        var points = 0
        for (index, shape) in shapes.enumerated() {
            try shape.check(at: "shapes[\(index)]", fail: fail)
            points += shape.pointCount
        }
        guard points <= Limits.points else { throw fail("shapes", "hold \(points) points, more than \(Limits.points)") }
        let bytes = (try? JSONEncoder().encode(self).count) ?? Int.max
        guard bytes <= Limits.bytes else { throw fail("shapes", "take \(bytes) bytes as JSON, more than \(Limits.bytes)") }
        return self
    }
}

/// One shape of a drawing.
public struct Shape: Sendable, Hashable, Codable {
    public enum Kind: Sendable, Hashable {
        /// Free-hand: `[x, y]` points, each with an optional pen pressure 0…1.
        case stroke(points: [Point], width: Double)
        case line(from: Point, to: Point, width: Double)
        /// A line with its head at `to`.
        case arrow(from: Point, to: Point, width: Double)
        /// `from` and `to` are opposite corners.
        case rectangle(from: Point, to: Point, width: Double)
        /// Inscribed in the box of `from` and `to`.
        case ellipse(from: Point, to: Point, width: Double)
        /// `at` is the text's top-left; `size` a fraction of the frame's height.
        case text(at: Point, text: String, size: Double)
    }

    /// A point, normalised 0…1; `pressure` only on strokes drawn with a pen.
    public struct Point: Sendable, Hashable {
        public var x: Double
        public var y: Double
        public var pressure: Double?

        public init(_ x: Double, _ y: Double, pressure: Double? = nil) {
            self.x = x
            self.y = y
            self.pressure = pressure
        }
    }

    public var id: UUID
    /// `#RRGGBBAA`.
    public var color: String
    public var kind: Kind

    public init(id: UUID = UUID(), color: String, _ kind: Kind) {
        self.id = id
        self.color = color
        self.kind = kind
    }

    /// The names the format gives the kinds.
    public static let types = ["stroke", "line", "arrow", "rectangle", "ellipse", "text"]

    var pointCount: Int {
        switch kind {
        case .stroke(let points, _): points.count
        case .text: 1
        default: 2
        }
    }

    enum CodingKeys: String, CodingKey { case id, type, color, width, points, from, to, at, text, size }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(UUID.self, forKey: .id)
        color = try container.decode(String.self, forKey: .color)
        let type = try container.decode(String.self, forKey: .type)
        func box() throws -> (Point, Point, Double) {
            (try container.decode(Point.self, forKey: .from), try container.decode(Point.self, forKey: .to),
             try container.decode(Double.self, forKey: .width))
        }
        switch type {
        case "stroke":
            kind = .stroke(points: try container.decode([Point].self, forKey: .points),
                           width: try container.decode(Double.self, forKey: .width))
        case "line": let (from, to, width) = try box(); kind = .line(from: from, to: to, width: width)
        case "arrow": let (from, to, width) = try box(); kind = .arrow(from: from, to: to, width: width)
        case "rectangle": let (from, to, width) = try box(); kind = .rectangle(from: from, to: to, width: width)
        case "ellipse": let (from, to, width) = try box(); kind = .ellipse(from: from, to: to, width: width)
        case "text":
            kind = .text(at: try container.decode(Point.self, forKey: .at), text: try container.decode(String.self, forKey: .text),
                         size: try container.decode(Double.self, forKey: .size))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "'\(type)' is not a shape: \(Self.types.joined(separator: ", "))")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(color, forKey: .color)
        func box(_ type: String, _ from: Point, _ to: Point, _ width: Double) throws {
            try container.encode(type, forKey: .type)
            try container.encode(from, forKey: .from)
            try container.encode(to, forKey: .to)
            try container.encode(width, forKey: .width)
        }
        switch kind {
        case .stroke(let points, let width):
            try container.encode("stroke", forKey: .type)
            try container.encode(points, forKey: .points)
            try container.encode(width, forKey: .width)
        case .line(let from, let to, let width): try box("line", from, to, width)
        case .arrow(let from, let to, let width): try box("arrow", from, to, width)
        case .rectangle(let from, let to, let width): try box("rectangle", from, to, width)
        case .ellipse(let from, let to, let width): try box("ellipse", from, to, width)
        case .text(let at, let text, let size):
            try container.encode("text", forKey: .type)
            try container.encode(at, forKey: .at)
            try container.encode(text, forKey: .text)
            try container.encode(size, forKey: .size)
        }
    }

    func check(at field: String, fail: (String, String) -> CatalogError) throws(CatalogError) {
        guard color.utf8.count == 9, color.hasPrefix("#"), color.dropFirst().allSatisfy(\.isHexDigit) else {
            throw fail("\(field).color", "must be #RRGGBBAA")
        }
        func weight(_ value: Double, _ name: String) throws(CatalogError) {
            guard value.isFinite, value > 0, value <= Drawing.Limits.weight else {
                throw fail("\(field).\(name)", "must be above 0 and at most \(Drawing.Limits.weight) of the frame's height")
            }
        }
        func point(_ point: Point, _ name: String) throws(CatalogError) {
            for value in [point.x, point.y] + (point.pressure.map { [$0] } ?? []) where !(value.isFinite && (0...1).contains(value)) {
                throw fail("\(field).\(name)", "must be numbers from 0 to 1")
            }
        }
        switch kind {
        case .stroke(let points, let width):
            try weight(width, "width")
            guard Drawing.Limits.pointsPerStroke.contains(points.count) else {
                throw fail("\(field).points", "must hold 1 to \(Drawing.Limits.pointsPerStroke.upperBound) points")
            }
            for (index, value) in points.enumerated() { try point(value, "points[\(index)]") }
        case .line(let from, let to, let width), .arrow(let from, let to, let width),
             .rectangle(let from, let to, let width), .ellipse(let from, let to, let width):
            try weight(width, "width")
            try point(from, "from")
            try point(to, "to")
        case .text(let at, let text, let size):
            try weight(size, "size")
            try point(at, "at")
            guard Drawing.Limits.textLength.contains(text.unicodeScalars.count) else {
                throw fail("\(field).text", "must be 1 to \(Drawing.Limits.textLength.upperBound) characters")
            }
        }
    }
}

extension Shape.Point: Codable {
    /// `[x, y]` or `[x, y, pressure]`.
    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        x = try container.decode(Double.self)
        y = try container.decode(Double.self)
        pressure = container.isAtEnd ? nil : try container.decode(Double.self)
        guard container.isAtEnd else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "a point is [x, y] or [x, y, pressure]")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(x)
        try container.encode(y)
        if let pressure { try container.encode(pressure) }
    }
}
