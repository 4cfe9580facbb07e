extension FtrackQuery {
    /// Parses a query as the ftrack clients write it, refusing it when it breaks the grammar or
    /// one of `limits`.
    ///
    /// Keywords ignore case (`SELECT id FROM Project WHERE name IS "x"`). A word is a keyword only
    /// where the grammar expects one, so attributes may be called `limit` or `order`, with these
    /// exceptions, which keep the grammar free of guesses:
    /// - a condition starting with `not` is a negation, so a one-name path `not` cannot start one;
    /// - a word at the start of a condition that is not followed by an operator is read as a
    ///   keyword if it spells one, for the message (`expected a condition after 'where', found
    ///   'limit'`);
    /// - the entity type cannot be `select`, `from`, `where`, `order`, `offset` or `limit`;
    /// - an unquoted value cannot be `and`, `or`, `not`, `order`, `offset` or `limit`, which may
    ///   follow a value; quote it.
    ///
    /// A path is written without spaces (`asset.name`). A word is a number only when all of it is
    /// one: `-?[0-9]+` (`.integer`, or `.number` when it does not fit an `Int`) or
    /// `-?[0-9]+.[0-9]+` (`.number`); there is no exponent form, so an id's segment such as
    /// `1234e567` stays `.bare`. Conditions keep the grouping that was written: `a and b and c` is
    /// one `.and` of three, but `(a and b) and c` is an `.and` inside an `.and`.
    ///
    /// Positions and `length` count Unicode scalars.
    public static func parse(_ text: String, limits: QueryLimits = .standard) throws(FtrackQueryError) -> FtrackQuery {
        // Bounded before anything else looks at the text: copy at most `length` scalars.
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(max(0, min(text.utf8.count, limits.length)))
        for scalar in text.unicodeScalars {
            if scalars.count >= limits.length {
                throw FtrackQueryError("the query is longer than \(limits.length) characters (the length limit)",
                                       at: max(0, limits.length))
            }
            scalars.append(scalar)
        }
        var parser = QueryParser(tokens: try QueryLexer.tokens(in: scalars), limits: limits)
        return try parser.query()
    }
}

/// A recursive-descent parser over the lexer's tokens, one function per rule of the grammar.
///
/// Every step into a nested condition (parentheses, `not`, `has`/`any`) passes through
/// ``enterNesting(at:)`` before it recurses, so the stack grows by at most ``QueryLimits/depth``
/// levels whatever the text; the lists (paths, `in`, conditions, projections) are counted as they
/// grow, so a refusal comes at the first item over the limit, not after the whole list is read.
struct QueryParser {
    private let tokens: [QueryToken]
    private let limits: QueryLimits
    private var index = 0
    private var depth = 0
    private var conditionCount = 0

    init(tokens: [QueryToken], limits: QueryLimits) {
        precondition(tokens.last?.kind == .end, "the lexer ends every token list with .end")
        self.tokens = tokens
        self.limits = limits
    }

    // MARK: The query and its clauses

    /// `query := ["select" paths "from"] Type ["where" or] ["order by" keys] [offset] [limit]`,
    /// with `offset` and `limit` in either order.
    mutating func query() throws(FtrackQueryError) -> FtrackQuery {
        if current.kind == .end { throw FtrackQueryError("the query is empty", at: current.position) }
        var projections: [AttributePath] = []
        if current.keyword == .select {
            advance()
            // `select from Project`: the attribute list was forgotten, and `from` is not one.
            if current.keyword == .from, peek.kind == .word, peek.keyword != .from {
                throw unexpected("expected an attribute after 'select'")
            }
            repeat {
                if projections.count >= limits.projections {
                    throw FtrackQueryError(
                        "more than \(limits.projections) selected attributes (the projections limit)", at: current.position)
                }
                projections.append(try path(expecting: "an attribute"))
            } while consume(.comma)
            guard current.keyword == .from else {
                throw unexpected("expected ',' or 'from' after the selected attributes")
            }
            advance()
        }
        let entityType = try entityType()
        var query = FtrackQuery(projections: projections, entityType: entityType)
        var endsWithCondition = false
        if current.keyword == .where {
            advance()
            query.filter = try disjunction()
            endsWithCondition = true
        }
        if current.keyword == .order {
            advance()
            query.ordering = try ordering()
            endsWithCondition = false
        }
        while current.kind == .word {
            if current.keyword == .offset {
                let keyword = advance()
                guard query.offset == nil else { throw FtrackQueryError("'offset' is given twice", at: keyword.position) }
                query.offset = try count(after: keyword)
            } else if current.keyword == .limit {
                let keyword = advance()
                guard query.limit == nil else { throw FtrackQueryError("'limit' is given twice", at: keyword.position) }
                // A larger page is not an error: the client pages on from `metadata.next.offset`.
                query.limit = min(try count(after: keyword), max(0, limits.limit))
            } else {
                break
            }
            endsWithCondition = false
        }
        guard current.kind == .end else {
            if current.kind == .closeParenthesis { throw FtrackQueryError("unmatched ')'", at: current.position) }
            throw unexpected("expected " + Self.listed(continuations(of: query, afterCondition: endsWithCondition)))
        }
        return query
    }

    private mutating func entityType() throws(FtrackQueryError) -> String {
        let expectation = index > 0 ? "an entity type after '\(previous.text)'" : "'select' or an entity type"
        let clauseWords: Set<QueryKeyword> = [.select, .from, .where, .order, .offset, .limit]
        guard current.kind == .word, !clauseWords.contains(current.keyword ?? .and) else {
            throw unexpected("expected \(expectation)")
        }
        guard Self.isName(current.text[...]) else {
            throw unexpected("expected \(expectation) (a name of letters, digits and '_')")
        }
        return advance().text
    }

    private mutating func ordering() throws(FtrackQueryError) -> [QueryOrdering] {
        guard current.keyword == .by else { throw unexpected("expected 'by' after '\(previous.text)'") }
        advance()
        var keys: [QueryOrdering] = []
        repeat {
            var key = QueryOrdering(path: try path(expecting: "an attribute to order by"))
            if current.keyword == .asc {
                advance()
            } else if current.keyword == .desc {
                advance()
                key.descending = true
            }
            keys.append(key)
        } while consume(.comma)
        return keys
    }

    /// The argument of `offset` or `limit`: a non-negative integer that fits an `Int`.
    private mutating func count(after keyword: QueryToken) throws(FtrackQueryError) -> Int {
        let token = current
        let name = "'\(keyword.text)'"
        guard token.kind == .word, let shape = Self.numberShape(token.text) else {
            throw unexpected("expected a number after \(name)")
        }
        if token.text.hasPrefix("-") {
            throw FtrackQueryError("\(name) must not be negative, found \(token.described)", at: token.position)
        }
        guard shape == .integer else {
            throw FtrackQueryError("\(name) must be a whole number, found \(token.described)", at: token.position)
        }
        guard let value = Int(token.text) else {
            throw FtrackQueryError("\(name) is too large: \(token.described)", at: token.position)
        }
        advance()
        return value
    }

    /// What could have come where the query went wrong after its last clause, for the message.
    private func continuations(of query: FtrackQuery, afterCondition: Bool) -> [String] {
        var options: [String] = []
        let paged = query.offset != nil || query.limit != nil
        if afterCondition { options += ["'and'", "'or'"] }
        if query.filter == nil, query.ordering.isEmpty, !paged { options.append("'where'") }
        if query.ordering.isEmpty, !paged { options.append("'order by'") }
        if !query.ordering.isEmpty, !paged { options.append("','") }
        if query.offset == nil { options.append("'offset'") }
        if query.limit == nil { options.append("'limit'") }
        options.append("end of query")
        return options
    }

    // MARK: Conditions, loosest first

    /// `or := and ("or" and)*`
    private mutating func disjunction() throws(FtrackQueryError) -> QueryExpression {
        var operands = [try conjunction()]
        while current.keyword == .or {
            advance()
            operands.append(try conjunction())
        }
        return operands.count == 1 ? operands[0] : .or(operands)
    }

    /// `and := not ("and" not)*`
    private mutating func conjunction() throws(FtrackQueryError) -> QueryExpression {
        var operands = [try negation()]
        while current.keyword == .and {
            advance()
            operands.append(try negation())
        }
        return operands.count == 1 ? operands[0] : .and(operands)
    }

    /// `not := "not" not | primary`
    private mutating func negation() throws(FtrackQueryError) -> QueryExpression {
        guard current.keyword == .not else { return try primary() }
        let keyword = advance()
        try enterNesting(at: keyword)
        defer { depth -= 1 }
        return .not(try negation())
    }

    /// `primary := "(" or ")" | path has/any "(" or ")" | path in/not_in "(" values ")" | path OP value`
    private mutating func primary() throws(FtrackQueryError) -> QueryExpression {
        var expectation: String { "expected a condition after '\(previous.text)'" }
        switch current.kind {
        case .openParenthesis:
            let open = advance()
            try enterNesting(at: open)
            defer { depth -= 1 }
            let inner = try disjunction()
            try close(open)
            return inner
        case .word:
            // A keyword with no operator after it is a misplaced keyword, not an attribute:
            // `where limit 5`, `where a is 1 and or …`.
            if current.keyword != nil, !Self.startsOperator(peek) { throw unexpected(expectation) }
            let start = current
            let path = try path(expecting: "a condition")
            return try condition(on: path, startingAt: start)
        default:
            throw unexpected(expectation)
        }
    }

    /// What follows the path of a condition: its operator and operand.
    private mutating func condition(on path: AttributePath, startingAt start: QueryToken)
        throws(FtrackQueryError) -> QueryExpression
    {
        let operatorToken = current
        if case .comparison(let comparison) = operatorToken.kind {
            try countCondition(at: start)
            advance()
            return .comparison(path, comparison, try value(after: operatorToken))
        }
        var expectation: String { "expected an operator after '\(QueryToken.shortened(path.description))'" }
        guard operatorToken.kind == .word else { throw unexpected(expectation) }
        switch operatorToken.keyword {
        case .is where peek.keyword == .not:
            throw FtrackQueryError("unknown operator 'is not': write 'is_not'", at: operatorToken.position)
        case .not where peek.keyword == .in:
            throw FtrackQueryError("unknown operator 'not in': write 'not_in'", at: operatorToken.position)
        case .not where peek.keyword == .like:
            throw FtrackQueryError("unknown operator 'not like': write 'not_like'", at: operatorToken.position)
        case .in, .notIn:
            try countCondition(at: start)
            advance()
            return .membership(path, negated: operatorToken.keyword == .notIn, try valueList(after: operatorToken))
        case .has, .any:
            try countCondition(at: start)
            advance()
            guard current.kind == .openParenthesis else { throw unexpected("expected '(' after '\(operatorToken.text)'") }
            let open = advance()
            try enterNesting(at: open)
            defer { depth -= 1 }
            let inner = try disjunction()
            try close(open)
            return .exists(path, inner)
        case let keyword?:
            guard let comparison = keyword.comparison else { fallthrough }
            try countCondition(at: start)
            advance()
            return .comparison(path, comparison, try value(after: operatorToken))
        default:
            // A word that could be an operator's name is a wrong operator; anything else (`name 5`)
            // is a missing one.
            guard Self.isName(operatorToken.text[...]) else { throw unexpected(expectation) }
            throw FtrackQueryError("unknown operator '\(QueryToken.shortened(operatorToken.text))'",
                                   at: operatorToken.position)
        }
    }

    /// `"(" [value ("," value)*] ")"` after `in` or `not_in`; the list may be empty.
    private mutating func valueList(after keyword: QueryToken) throws(FtrackQueryError) -> [QueryValue] {
        guard current.kind == .openParenthesis else { throw unexpected("expected '(' after '\(keyword.text)'") }
        let open = advance()
        var values: [QueryValue] = []
        if consume(.closeParenthesis) { return values }
        repeat {
            if values.count >= limits.inList {
                throw FtrackQueryError(
                    "more than \(limits.inList) values in the '\(keyword.text)' list (the inList limit)", at: current.position)
            }
            values.append(try value(after: previous))
        } while consume(.comma)
        guard consume(.closeParenthesis) else {
            throw unexpected("expected ',' or ')' to close the list opened at character \(open.position + 1)")
        }
        return values
    }

    // MARK: Values and paths

    /// The literal after an operator, a `(` or a `,`.
    private mutating func value(after operatorToken: QueryToken) throws(FtrackQueryError) -> QueryValue {
        let token = current
        switch token.kind {
        case .quoted:
            advance()
            return .string(token.text)
        case .word:
            let literal: QueryValue?
            switch token.keyword {
            case .noneLiteral, .nullLiteral: literal = .null
            case .trueLiteral: literal = .boolean(true)
            case .falseLiteral: literal = .boolean(false)
            case .and, .or, .not, .order, .offset, .limit: throw expectedValue(after: operatorToken)
            default: literal = nil
            }
            if let literal {
                advance()
                return literal
            }
            let number = try Self.number(token)
            advance()
            return number ?? .bare(token.text)
        default:
            throw expectedValue(after: operatorToken)
        }
    }

    private func expectedValue(after operatorToken: QueryToken) -> FtrackQueryError {
        unexpected("expected a value after '\(QueryToken.shortened(operatorToken.text))'")
    }

    /// `path := attr ("." attr)*` from one word; `expecting` says what the word should have been,
    /// for the message `expected <expecting> after '<the token before>'`.
    private mutating func path(expecting noun: StaticString) throws(FtrackQueryError) -> AttributePath {
        let token = current
        var expectation: String { "expected \(noun) after '\(previous.text)'" }
        guard token.kind == .word else { throw unexpected(expectation) }
        // Words are ASCII, so characters, scalars and positions agree.
        let parts = token.text.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 1, !Self.isName(parts[0]) { throw unexpected(expectation) }
        var names: [String] = []
        var offset = 0  // of the part, from the token's start
        for part in parts {
            guard Self.isName(part) else {
                let problem = part.isEmpty ? "an empty name" : "the name '\(QueryToken.shortened(String(part)))'"
                throw FtrackQueryError(
                    "'\(QueryToken.shortened(token.text))' is not an attribute path: it has \(problem) "
                        + "(names are letters, digits and '_', joined by '.')",
                    at: token.position + offset)
            }
            if names.count >= limits.pathLength {
                throw FtrackQueryError(
                    "the path '\(QueryToken.shortened(token.text))' has more than \(limits.pathLength) names "
                        + "(the pathLength limit)",
                    at: token.position + offset)
            }
            names.append(String(part))
            offset += part.utf8.count + 1
        }
        advance()
        return AttributePath(names)
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`
    static func isName(_ text: Substring) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || Self.isLetter(first) else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || Self.isLetter($0) || ("0"..."9").contains($0) }
    }

    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    enum NumberShape { case integer, decimal }

    /// Whether all of a word is a number: `-?[0-9]+` or `-?[0-9]+.[0-9]+`.
    static func numberShape(_ text: String) -> NumberShape? {
        var scalars = text.unicodeScalars[...]
        if scalars.first == "-" { scalars.removeFirst() }
        let integerDigits = scalars.prefix { ("0"..."9").contains($0) }
        guard !integerDigits.isEmpty else { return nil }
        scalars.removeFirst(integerDigits.count)
        if scalars.isEmpty { return .integer }
        guard scalars.first == "." else { return nil }
        scalars.removeFirst()
        return !scalars.isEmpty && scalars.allSatisfy { ("0"..."9").contains($0) } ? .decimal : nil
    }

    /// The word as a number, or `nil` when it is not all a number (an id, a timestamp).
    static func number(_ token: QueryToken) throws(FtrackQueryError) -> QueryValue? {
        guard let shape = numberShape(token.text) else { return nil }
        if shape == .integer, let integer = Int(token.text) { return .integer(integer) }
        guard let double = Double(token.text), double.isFinite else {
            throw FtrackQueryError("the number \(token.described) is too large", at: token.position)
        }
        return .number(double)
    }

    // MARK: Limits

    /// Called before every recursive step into a nested condition, so a refusal comes while the
    /// stack is still shallow.
    private mutating func enterNesting(at token: QueryToken) throws(FtrackQueryError) {
        guard depth < limits.depth else {
            throw FtrackQueryError(
                "conditions nested more than \(limits.depth) deep (the depth limit: parentheses, 'not', 'has' and 'any')",
                at: token.position)
        }
        depth += 1
    }

    private mutating func countCondition(at token: QueryToken) throws(FtrackQueryError) {
        guard conditionCount < limits.conditions else {
            throw FtrackQueryError("more than \(limits.conditions) conditions (the conditions limit)", at: token.position)
        }
        conditionCount += 1
    }

    // MARK: Tokens

    private var current: QueryToken { tokens[index] }
    private var peek: QueryToken { tokens[min(index + 1, tokens.count - 1)] }
    private var previous: QueryToken { tokens[max(index - 1, 0)] }

    /// Moves past the current token (never past `.end`) and returns it.
    @discardableResult
    private mutating func advance() -> QueryToken {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    private mutating func consume(_ kind: QueryToken.Kind) -> Bool {
        guard current.kind == kind else { return false }
        advance()
        return true
    }

    private mutating func close(_ open: QueryToken) throws(FtrackQueryError) {
        guard consume(.closeParenthesis) else {
            throw unexpected("expected ')' to close the '(' at character \(open.position + 1)")
        }
    }

    private func unexpected(_ expectation: String) -> FtrackQueryError {
        FtrackQueryError("\(expectation), found \(current.described)", at: current.position)
    }

    private static func startsOperator(_ token: QueryToken) -> Bool {
        if case .comparison = token.kind { return true }
        return token.keyword?.isOperator ?? false
    }

    private static func listed(_ options: [String]) -> String {
        guard let last = options.last, options.count > 1 else { return options.joined() }
        return options.dropLast().joined(separator: ", ") + " or " + last
    }
}
