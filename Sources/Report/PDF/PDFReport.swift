import Catalog
import Foundation
import FrameTime
import Media

/// The PDF report of a session's feedback: a cover (project, session, dates, collaborators
/// and their roles, the studio, a summary of statuses), then each item with its poster,
/// names and reason, every collaborator's status with its history, and every comment with
/// its replies. A comment on a frame shows that frame (its receipt, or a frame-exact grab)
/// with its drawing painted over it as vectors, in the same shapes, colours and widths, at
/// the same normalised places, on the display's aspect.
///
/// Pages are A4 landscape. Dates are in the organisation's time zone, which every page names.
public struct PDFReport: Sendable {
    /// What was made.
    public struct Result: Sendable, Hashable, Codable {
        public let pages: Int
        public let pictures: [ReportPicture]
        /// Page width and height in points.
        public let pageWidth: Double
        public let pageHeight: Double
    }

    let feedback: SessionFeedback
    let stills: any FrameStillSource
    /// Called after each picture with (done, total).
    let progress: @Sendable (Int, Int) -> Void

    public init(feedback: SessionFeedback, stills: any FrameStillSource,
                progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) {
        self.feedback = feedback
        self.stills = stills
        self.progress = progress
    }

    /// How many pictures the report draws: its progress's total.
    public var pictureCount: Int {
        feedback.items.reduce(0) { total, item in
            total + 1 + item.threads.filter { $0.comment.anchor?.drawingFrame != nil && !$0.comment.isDeleted }.count
        }
    }

    /// Draws the report into a PDF at `path`.
    public func write(to path: String) throws -> Result {
        var layout = try ReportLayout(feedback: feedback, path: path, stills: stills, progress: progress, total: pictureCount)
        return try layout.draw()
    }
}

/// Draws one report, page by page, keeping where it is.
private struct ReportLayout {
    // A4 landscape.
    static let pageWidth = 841.89
    static let pageHeight = 595.28
    static let margin = 40.0
    static let footerHeight = 22.0

    static let ink = PDFCanvas.Color(hex: "#1D1D1F")
    static let muted = PDFCanvas.Color(hex: "#6E6E73")
    static let rule = PDFCanvas.Color(hex: "#D2D2D7")
    static let panel = PDFCanvas.Color(hex: "#F5F5F7")
    static let accent = PDFCanvas.Color(hex: "#0A5BC4")

    let feedback: SessionFeedback
    let canvas: PDFCanvas
    let stills: any FrameStillSource
    let progress: (Int, Int) -> Void
    let total: Int
    var done = 0
    var y = margin
    var pictures: [ReportPicture] = []
    /// What a page that continues an item says at its top.
    var continuing: String?
    let dates: DateFormatter

    var contentWidth: Double { Self.pageWidth - 2 * Self.margin }
    var bottom: Double { Self.pageHeight - Self.margin - Self.footerHeight }

    init(feedback: SessionFeedback, path: String, stills: any FrameStillSource, progress: @escaping (Int, Int) -> Void,
         total: Int) throws {
        self.feedback = feedback
        self.stills = stills
        self.progress = progress
        self.total = total
        canvas = try PDFCanvas(path: path, width: Self.pageWidth, height: Self.pageHeight,
                               title: "\(feedback.session.title): review report", author: feedback.studio)
        dates = DateFormatter()
        dates.locale = Locale(identifier: "en_GB")
        dates.timeZone = feedback.timeZone
        dates.dateFormat = "d MMM yyyy, HH:mm"
    }

    mutating func draw() throws -> PDFReport.Result {
        footer()
        cover()
        for item in feedback.items {
            try itemPages(item)
        }
        try canvas.finish()
        return PDFReport.Result(pages: canvas.pageCount, pictures: pictures, pageWidth: Self.pageWidth, pageHeight: Self.pageHeight)
    }

    // MARK: Pages

    mutating func newPage() {
        canvas.newPage()
        y = Self.margin
        footer()
        if let continuing {
            canvas.font(.bold, size: 9)
            canvas.text(continuing, x: Self.margin, y: y, color: Self.muted)
            y += 18
        }
    }

    /// Starts a new page unless `height` more fits on this one.
    mutating func ensure(_ height: Double) {
        if y + height > bottom { newPage() }
    }

    /// Every page names the studio, the session, the page and the time zone its dates are in.
    func footer() {
        let top = Self.pageHeight - Self.margin - 8
        canvas.line(from: (Self.margin, top - 6), to: (Self.pageWidth - Self.margin, top - 6), color: Self.rule, width: 0.5)
        canvas.font(.regular, size: 7.5)
        canvas.text("\(feedback.studio) · \(feedback.session.title)", x: Self.margin, y: top, color: Self.muted)
        let right = "Times in \(zoneName) · page \(canvas.pageCount)"
        canvas.text(right, x: Self.pageWidth - Self.margin - canvas.advance(right), y: top, color: Self.muted)
    }

    var zoneName: String {
        let abbreviation = feedback.timeZone.abbreviation(for: feedback.madeAt) ?? ""
        return abbreviation.isEmpty || abbreviation == feedback.timeZone.identifier
            ? feedback.timeZone.identifier : "\(feedback.timeZone.identifier) (\(abbreviation))"
    }

    func date(_ date: Date) -> String { dates.string(from: date) }

    // MARK: Cover

    mutating func cover() {
        let session = feedback.session
        canvas.font(.bold, size: 10)
        canvas.text(feedback.studio.uppercased(), x: Self.margin, y: y, color: Self.accent)
        let kind = "Review report"
        canvas.text(kind, x: Self.pageWidth - Self.margin - canvas.advance(kind), y: y, color: Self.muted)
        y += 26
        canvas.font(.bold, size: 24)
        y = canvas.paragraph(clean(session.title), x: Self.margin, y: y, width: contentWidth, color: Self.ink, lineSpacing: 1.05)
        canvas.font(.regular, size: 12)
        y = canvas.paragraph("Project \(clean(feedback.project.name))", x: Self.margin, y: y + 2, width: contentWidth, color: Self.ink)
        canvas.font(.regular, size: 9.5)
        var facts = ["Scheduled \(date(session.startsAt)) to \(date(session.endsAt))"]
        if let closed = session.closedAt { facts.append("closed \(date(closed))") }
        y = canvas.paragraph(facts.joined(separator: ", "), x: Self.margin, y: y + 2, width: contentWidth, color: Self.muted)
        if !session.description.isEmpty {
            y = canvas.paragraph(clean(session.description), x: Self.margin, y: y + 4, width: contentWidth * 0.8, color: Self.ink)
        }
        y = canvas.paragraph(madeFor, x: Self.margin, y: y + 4, width: contentWidth, color: Self.muted)
        y += 14

        heading("Collaborators")
        let people = feedback.collaborators
        if people.isEmpty {
            note("Nobody has been invited to this session.")
        }
        let roleX = Self.margin + 260, joinedX = Self.margin + 360
        for person in people {
            ensure(14)
            canvas.font(.regular, size: 9.5)
            canvas.text(clean(person.name), x: Self.margin, y: y, color: person.isRevoked ? Self.muted : Self.ink)
            canvas.text(person.role.rawValue.capitalized, x: roleX, y: y, color: Self.ink)
            var how = person.joinedByShareLink ? "joined by the shareable link" : person.invitedAt.map { "invited \(date($0))" } ?? "added"
            if let revoked = person.revokedAt { how += ", access revoked \(date(revoked))" }
            canvas.text(how, x: joinedX, y: y, color: Self.muted)
            y += 14
        }
        y += 12

        heading("Statuses")
        let columns: [(String, Double)] = [("#", 0), ("Item", 22), ("Version", 260), ("Status", 410), ("Approved", 520),
                                            ("Changes", 580), ("Pending", 640), ("Comments", 700)]
        canvas.font(.bold, size: 8.5)
        for (title, offset) in columns { canvas.text(title, x: Self.margin + offset, y: y, color: Self.muted) }
        y += 14
        for (index, item) in feedback.items.enumerated() {
            ensure(14)
            canvas.font(.regular, size: 9.5)
            canvas.text("\(index + 1)", x: Self.margin, y: y, color: Self.muted)
            canvas.text(truncated(clean(item.name), width: 230), x: Self.margin + 22, y: y, color: Self.ink)
            canvas.text(truncated(versionName(item), width: 140), x: Self.margin + 260, y: y, color: Self.ink)
            statusChip(item.overallStatus, x: Self.margin + 410, y: y - 1)
            canvas.font(.regular, size: 9.5)
            if let summary = item.summary {
                for (value, offset) in [(summary.approved, 520.0), (summary.requiresChanges, 580), (summary.pending, 640)] {
                    canvas.text("\(value) of \(summary.deciders)", x: Self.margin + offset, y: y, color: Self.ink)
                }
            }
            canvas.text("\(item.threads.count)", x: Self.margin + 700, y: y, color: Self.ink)
            y += 15
        }
        if feedback.items.isEmpty { note("The session has no items.") }
    }

    /// Who the report shows feedback to, and what it leaves out.
    var madeFor: String {
        var parts: [String] = ["Made \(date(feedback.madeAt))"]
        switch feedback.viewer {
        case .staff: parts.append("for staff")
        case .collaborator(let id):
            let name = feedback.collaborators.first { $0.id == id }?.name ?? "a collaborator"
            parts.append("for \(clean(name)), showing what they may see")
        }
        let options = feedback.options
        parts.append(options.includeInternal ? "internal comments included" : "no internal comments")
        if let id = options.collaboratorID {
            parts.append("only the feedback of \(clean(feedback.collaborators.first { $0.id == id }?.name ?? "one collaborator"))")
        }
        if options.itemIDs != nil {
            parts.append("\(feedback.items.count) chosen item\(feedback.items.count == 1 ? "" : "s")")
        }
        return parts.joined(separator: "; ") + "."
    }

    // MARK: Items

    mutating func itemPages(_ item: SessionFeedback.Item) throws {
        continuing = nil
        newPage()
        // The poster beside the item's names.
        let posterWidth = 220.0
        let aspect = item.playback.map(displayAspect) ?? 16.0 / 9
        let posterHeight = min(posterWidth / aspect, 160)
        let posterBox = fitted(aspect: aspect, width: posterWidth, height: posterHeight, x: Self.margin, y: y)
        canvas.fill(x: Self.margin, y: y, width: posterWidth, height: posterHeight, color: Self.panel)
        switch Result(catching: { try stills.poster(item) }) {
        case .success(let poster?):
            try canvas.picture(poster.picture, jpeg: poster.jpeg, x: posterBox.x, y: posterBox.y, width: posterBox.width,
                               height: posterBox.height)
        case .success(nil):
            missingPicture("no poster yet", x: Self.margin, y: y, width: posterWidth, height: posterHeight)
        case .failure(let error):
            missingPicture("the poster could not be read: \(error)", x: Self.margin, y: y, width: posterWidth, height: posterHeight)
        }
        step()
        let textX = Self.margin + posterWidth + 20, textWidth = contentWidth - posterWidth - 20
        var textY = y
        canvas.font(.bold, size: 18)
        textY = canvas.paragraph(clean(item.name), x: textX, y: textY, width: textWidth, color: Self.ink, lineSpacing: 1.05)
        canvas.font(.regular, size: 10.5)
        textY = canvas.paragraph(versionName(item), x: textX, y: textY + 2, width: textWidth, color: Self.muted)
        if let reason = item.item.reason, !reason.isEmpty {
            canvas.font(.regular, size: 10.5)
            textY = canvas.paragraph("For review: \(clean(reason))", x: textX, y: textY + 4, width: textWidth, color: Self.ink)
        }
        canvas.font(.regular, size: 9)
        textY = canvas.paragraph(mediaFacts(item), x: textX, y: textY + 4, width: textWidth, color: Self.muted)
        statusChip(item.overallStatus, x: textX, y: textY + 6)
        y = max(y + posterHeight, textY + 24) + 16
        continuing = "\(clean(item.name)) (continued)"

        heading("Statuses")
        if item.statuses.isEmpty { note("No statuses.") }
        for status in item.statuses {
            ensure(28)
            canvas.font(.bold, size: 9.5)
            let name = "\(clean(status.collaborator.name)) (\(status.role.rawValue)\(status.decides ? ", decides" : ""))"
            canvas.text(name, x: Self.margin, y: y, color: Self.ink)
            statusChip(status.status, x: Self.margin + 260, y: y - 1)
            canvas.font(.regular, size: 9)
            canvas.text("since \(date(status.updatedAt))", x: Self.margin + 380, y: y, color: Self.muted)
            y += 14
            if !status.history.isEmpty {
                canvas.font(.regular, size: 8)
                let history = status.history.map { "\(words($0.from)) → \(words($0.to)), \(date($0.at))" }.joined(separator: "; ")
                flow(canvas.wrap("History: " + history, width: contentWidth - 14), x: Self.margin + 14, size: 8, face: .regular,
                     color: Self.muted)
            }
            y += 4
        }
        y += 10

        let count = item.threads.count
        heading(count == 0 ? "Comments" : "Comments (\(count))")
        if count == 0 { note("No comments.") }
        for thread in item.threads {
            try comment(thread, item: item)
        }
    }

    mutating func comment(_ thread: SessionFeedback.Thread, item: SessionFeedback.Item) throws {
        let comment = thread.comment
        let frame = comment.isDeleted ? nil : comment.anchor?.drawingFrame
        let pictureWidth = 300.0
        let aspect = comment.drawing.map { displayAspect($0.display) } ?? item.playback.map(displayAspect) ?? 16.0 / 9
        let pictureHeight = min(pictureWidth / aspect, 220)
        let textX = frame == nil ? Self.margin : Self.margin + pictureWidth + 16
        let textWidth = Self.pageWidth - Self.margin - textX

        // The header, the text and the replies, as lines with their styles.
        var lines: [(String, PDFCanvas.Face, Double, PDFCanvas.Color, Double)] = []
        func add(_ text: String, _ face: PDFCanvas.Face, _ size: Double, _ color: PDFCanvas.Color, indent: Double = 0) {
            canvas.font(face, size: size)
            for line in canvas.wrap(text, width: textWidth - indent) { lines.append((line, face, size, color, indent)) }
        }
        var tags: [String] = []
        if comment.isInternal { tags.append("internal") }
        if comment.resolvedAt != nil { tags.append("resolved") }
        if comment.editedAt != nil { tags.append("edited") }
        add(clean(comment.author.name) + (tags.isEmpty ? "" : "  · " + tags.joined(separator: " · ")), .bold, 10, Self.ink)
        add("\(place(comment, labels: item.labels)) · \(date(comment.createdAt))", .regular, 8.5, Self.accent)
        add(comment.isDeleted ? "(deleted by its author)" : clean(comment.text), comment.isDeleted ? .italic : .regular, 10,
            comment.isDeleted ? Self.muted : Self.ink)
        for reply in thread.replies {
            add("↳ \(clean(reply.author.name))\(reply.isInternal ? " · internal" : "") · \(date(reply.createdAt))", .bold, 8.5,
                Self.muted, indent: 14)
            add(clean(reply.text), .regular, 9.5, Self.ink, indent: 14)
        }
        // The picture, or the header and the first lines of text, must fit on the page; the
        // rest of a long text flows onto the next.
        let opening = lines.prefix(4).reduce(0) { $0 + $1.2 * 1.3 }
        ensure(max(frame == nil ? 0 : pictureHeight, opening) + 16)
        let top = y

        if let frame {
            let box = (x: Self.margin, y: top, width: pictureWidth, height: pictureHeight)
            canvas.fill(x: box.x, y: box.y, width: box.width, height: box.height, color: Self.panel)
            // A picture that cannot be had is said on the page; the comment's words are never lost for it.
            switch Result(catching: { try stills.still(comment: comment, frame: frame, item: item) }) {
            case .success(let still?):
                try canvas.picture(still.picture, jpeg: still.jpeg, x: box.x, y: box.y, width: box.width, height: box.height)
                pictures.append(ReportPicture(commentID: comment.id, frame: frame, page: canvas.pageCount, x: box.x,
                                              y: box.y, width: box.width, height: box.height, source: still.source.rawValue))
            case .success(nil):
                missingPicture("no picture: the version has no proxy", x: box.x, y: box.y, width: box.width, height: box.height)
            case .failure(let error):
                missingPicture("frame \(frame) could not be grabbed: \(error)", x: box.x, y: box.y, width: box.width,
                               height: box.height)
            }
            if let drawing = comment.drawing {
                canvas.clipped(x: box.x, y: box.y, width: box.width, height: box.height) {
                    paint(drawing, x: box.x, y: box.y, width: box.width, height: box.height)
                }
            }
            step()
        }
        y = top
        for (text, face, size, color, indent) in lines {
            if y + size * 1.3 > bottom {
                newPage()
            }
            canvas.font(face, size: size)
            canvas.text(text, x: textX + indent, y: y, color: color)
            y += size * 1.3
        }
        // Below the picture, if it is the taller, and on the page the text ended on.
        if frame != nil, canvas.pageCount == pictures.last?.page, y < top + pictureHeight { y = top + pictureHeight }
        y += 8
        canvas.line(from: (Self.margin, y), to: (Self.pageWidth - Self.margin, y), color: Self.rule, width: 0.5)
        y += 8
    }

    /// Paints a drawing over the picture's box: normalised places scaled to the box, widths
    /// and text sizes as fractions of its height, as the review page paints them.
    func paint(_ drawing: Drawing, x: Double, y: Double, width: Double, height: Double) {
        func at(_ point: Shape.Point) -> (Double, Double) { (x + point.x * width, y + point.y * height) }
        for shape in drawing.shapes {
            let color = PDFCanvas.Color(hex: shape.color)
            switch shape.kind {
            case .stroke(let points, let weight):
                canvas.polyline(points.map(at), color: color, width: max(0.5, weight * height))
            case .line(let from, let to, let weight):
                canvas.polyline([at(from), at(to)], color: color, width: max(0.5, weight * height))
            case .arrow(let from, let to, let weight):
                let lineWidth = max(0.5, weight * height)
                let (start, end) = (at(from), at(to))
                canvas.polyline([start, end], color: color, width: lineWidth)
                let angle = atan2(end.1 - start.1, end.0 - start.0)
                let head = max(lineWidth * 4, height * 0.02)
                for side in [-1.0, 1.0] {
                    canvas.polyline([end, (end.0 - head * cos(angle + side * .pi / 7), end.1 - head * sin(angle + side * .pi / 7))],
                                    color: color, width: lineWidth)
                }
            case .rectangle(let from, let to, let weight):
                let (a, b) = (at(from), at(to))
                canvas.strokeRectangle(x: min(a.0, b.0), y: min(a.1, b.1), width: abs(b.0 - a.0), height: abs(b.1 - a.1),
                                       color: color, lineWidth: max(0.5, weight * height))
            case .ellipse(let from, let to, let weight):
                let (a, b) = (at(from), at(to))
                canvas.ellipse(x: min(a.0, b.0), y: min(a.1, b.1), width: abs(b.0 - a.0), height: abs(b.1 - a.1), color: color,
                               lineWidth: max(0.5, weight * height))
            case .text(let point, let text, let size):
                let (tx, ty) = at(point)
                canvas.outlinedText(clean(text), x: tx, y: ty, size: size * height, color: color)
            }
        }
    }

    // MARK: Pieces

    /// Says in the picture's box why there is no picture.
    func missingPicture(_ reason: String, x: Double, y: Double, width: Double, height: Double) {
        canvas.font(.italic, size: 8.5)
        let lines = canvas.wrap(reason, width: width - 20).prefix(4)
        var lineY = y + height / 2 - Double(lines.count) * 6
        for line in lines {
            canvas.text(line, x: x + 10, y: lineY, color: Self.muted)
            lineY += 12
        }
    }

    mutating func heading(_ text: String) {
        ensure(40)
        canvas.font(.bold, size: 12)
        canvas.text(text, x: Self.margin, y: y, color: Self.ink)
        y += 17
        canvas.line(from: (Self.margin, y), to: (Self.pageWidth - Self.margin, y), color: Self.rule, width: 0.75)
        y += 7
    }

    mutating func note(_ text: String) {
        canvas.font(.italic, size: 9.5)
        canvas.text(text, x: Self.margin, y: y, color: Self.muted)
        y += 16
    }

    /// Lines drawn one under another, onto the next page when this one is full.
    mutating func flow(_ lines: [String], x: Double, size: Double, face: PDFCanvas.Face, color: PDFCanvas.Color) {
        for line in lines {
            if y + size * 1.3 > bottom { newPage() }
            canvas.font(face, size: size)
            canvas.text(line, x: x, y: y, color: color)
            y += size * 1.3
        }
    }

    func statusChip(_ status: ReviewStatus, x: Double, y: Double) {
        let color: PDFCanvas.Color = switch status {
        case .approved: PDFCanvas.Color(hex: "#1E7B34")
        case .requiresChanges: PDFCanvas.Color(hex: "#C0262D")
        case .pending: PDFCanvas.Color(hex: "#8A5A00")
        }
        canvas.font(.bold, size: 8.5)
        let label = words(status)
        let width = canvas.advance(label) + 12
        canvas.fill(x: x, y: y, width: width, height: 13, color: PDFCanvas.Color(red: color.red, green: color.green, blue: color.blue,
                                                                                  alpha: 0.12), radius: 6.5)
        canvas.text(label, x: x + 6, y: y + 2, color: color)
    }

    func words(_ status: ReviewStatus) -> String {
        switch status {
        case .approved: "approved"
        case .requiresChanges: "requires changes"
        case .pending: "pending"
        }
    }

    func versionName(_ item: SessionFeedback.Item) -> String {
        [item.item.versionName, item.item.versionLabel].compactMap { $0 }.joined(separator: " ")
    }

    func mediaFacts(_ item: SessionFeedback.Item) -> String {
        guard let playback = item.playback, let labels = item.labels else { return "No review media yet." }
        let last = labels.number(playback.frameCount - 1)
        return "\(playback.frameCount) frames at \(playback.rate.displayName) fps, frames \(labels.firstFrameNumber)–\(last), "
            + "timecode \(labels.timecode(0))–\(labels.timecode(playback.frameCount - 1))"
    }

    /// Where a comment sits, as people name frames: display numbers and timecodes.
    func place(_ comment: ReviewComment, labels: FrameLabels?) -> String {
        switch comment.anchor {
        case nil, .item?: return "Whole item"
        case .frame(let frame)?:
            guard let labels else { return "Frame index \(frame)" }
            return "Frame \(labels.number(frame)) · \(labels.timecode(frame))"
        case .range(let first, let last)?:
            guard let labels else { return "Frame indexes \(first)–\(last)" }
            return "Frames \(labels.number(first))–\(labels.number(last)) · \(labels.timecode(first))–\(labels.timecode(last))"
        }
    }

    /// The width ÷ height a picture is shown at.
    func displayAspect(_ playback: PlaybackInfo) -> Double {
        Double(playback.width) * Double(playback.pixelAspect.numerator) / Double(playback.pixelAspect.denominator) / Double(playback.height)
    }

    func displayAspect(_ display: Drawing.Display) -> Double {
        Double(display.width) * Double(display.pixelAspect.numerator) / Double(display.pixelAspect.denominator) / Double(display.height)
    }

    /// The box of `aspect` centred in the given one.
    func fitted(aspect: Double, width: Double, height: Double, x: Double, y: Double) -> (x: Double, y: Double, width: Double, height: Double) {
        if width / height > aspect {
            let fittedWidth = height * aspect
            return (x + (width - fittedWidth) / 2, y, fittedWidth, height)
        }
        let fittedHeight = width / aspect
        return (x, y + (height - fittedHeight) / 2, width, fittedHeight)
    }

    /// Text as it can be shown: tabs as spaces, no other control characters.
    func clean(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.compactMap { scalar in
            if scalar == "\t" { return " " }
            if scalar == "\n" { return scalar }
            return scalar.properties.generalCategory == .control ? nil : scalar
        }))
    }

    func truncated(_ text: String, width: Double) -> String {
        guard canvas.advance(text) > width else { return text }
        var text = text
        while !text.isEmpty, canvas.advance(text + "…") > width { text.removeLast() }
        return text + "…"
    }

    /// One more picture drawn.
    mutating func step() {
        done += 1
        progress(done, total)
    }
}
