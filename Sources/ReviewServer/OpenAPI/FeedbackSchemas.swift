import Catalog

/// The feedback format's request shapes (`docs/feedback-format.md`) as schemas: what the
/// feedback routes declare, check and document. Their limits are the catalog's own
/// (``Drawing/Limits``); the two the schema cannot state (the points of a whole drawing and
/// its bytes) the catalog checks, and a route taking a drawing lists them as a 422 rule.
enum FeedbackSchemas {
    /// A frame index.
    static let frame = Schema.integer(0...Int(Int32.max))

    /// `{"frame": k}`, `{"first": a, "last": b}` or `{}` (the whole item).
    static let anchor = Schema.oneOf([
        Schema.object([frame.required("frame")]).described("One frame"),
        Schema.object([frame.required("first"), frame.required("last")]).described("A range of frames, both ends included"),
        Schema.object([]).described("The whole item"),
    ])

    /// `[x, y]`, normalised 0…1 from the top-left of the picture as displayed.
    static let point = Schema.array(.number(0...1), count: 2...2)
    /// `[x, y]` or `[x, y, pressure]`.
    static let strokePoint = Schema.array(.number(0...1), count: 2...3)
    /// A width or a text size: a fraction of the frame's height.
    static let weight = Schema.number(0...Drawing.Limits.weight, aboveMinimum: true)
    static let color = Schema(.string(.init(format: .color)))

    /// One shape; its `type` says which form.
    static let shape: Schema = {
        func form(_ type: String, _ properties: [Schema.Property]) -> Schema {
            .object([Schema.uuid.required("id"), Schema.oneOf([type]).required("type"), color.required("color")] + properties)
        }
        let box = ["line", "arrow", "rectangle", "ellipse"].map { type in
            form(type, [weight.required("width"), point.required("from"), point.required("to")])
        }
        return .oneOf([
            form("stroke", [weight.required("width"),
                            Schema.array(strokePoint, count: Drawing.Limits.pointsPerStroke).required("points")]),
        ] + box + [
            form("text", [weight.required("size"), point.required("at"),
                          Schema.string(TextRule(minimum: Drawing.Limits.textLength.lowerBound,
                                                 maximum: Drawing.Limits.textLength.upperBound)).required("text")]),
        ])
    }()

    /// A drawing on the comment's frame.
    static let drawing = Schema.object([
        Schema.object([
            Schema.integer(Drawing.Limits.displaySide).required("width"),
            Schema.integer(Drawing.Limits.displaySide).required("height"),
            Schema(.string(.init(format: .ratio))).required("pixel_aspect"),
        ]).described("The picture as displayed when drawn on").required("display"),
        Schema.boolean.described("Shown across the whole range, not only its first frame").optional("hold"),
        Schema.array(shape, count: Drawing.Limits.shapes).required("shapes"),
    ])

    /// A new comment or reply; staff may also send `internal`.
    static func newComment(staff: Bool) -> Schema {
        .object([
            Schema.string(FieldRules.commentText).required("text"),
            anchor.described("Where it sits (the whole item when absent); not on a reply").optional("anchor"),
            drawing.described("Drawn on the anchor's frame (a range's first); not on a reply").optional("drawing"),
            Schema.uuid.described("The comment this replies to (one level deep)").optional("parent_id"),
        ] + (staff ? [Schema.boolean.described("Staff only: no collaborator ever sees it, nor its replies").optional("internal")] : []))
    }

    static let newCommentExample = #"""
        {"text": "The glint on the visor pops for a frame here.", "anchor": {"frame": 41}, "drawing": {"display": {"width": 1920, "height": 1080, "pixel_aspect": "1/1"}, "shapes": [{"id": "9A8B7C6D-5E4F-4031-8293-A4B5C6D7E8F9", "type": "ellipse", "color": "#FF3B30FF", "width": 0.004, "from": [0.61, 0.22], "to": [0.70, 0.31]}]}}
        """#

    /// An author's change to their comment.
    static let commentEdit = Schema.object([
        Schema.string(FieldRules.commentText).optional("text"),
        anchor.optional("anchor"),
        drawing.orNull("removes the drawing").optional("drawing"),
    ])
}
