import FtrackFaces
import Testing

/// The query parser against what the ftrack Python client sends, the grammar's corners, every
/// limit, malformed text, and a seeded fuzz run: whatever the text, `parse` returns or throws
/// ``FtrackQueryError``, and never recurses deeper than ``QueryLimits/depth``.
@Suite("Query parser")
struct QueryParserTests {
    // MARK: Helpers

    static func path(_ dotted: String) -> AttributePath {
        AttributePath(dotted.split(separator: ".").map(String.init))
    }

    static func compare(_ dotted: String, _ comparison: ComparisonOperator, _ value: QueryValue) -> QueryExpression {
        .comparison(path(dotted), comparison, value)
    }

    static func equal(_ dotted: String, _ value: QueryValue) -> QueryExpression {
        compare(dotted, .equal, value)
    }

    static func filter(_ condition: String) throws -> QueryExpression? {
        try FtrackQuery.parse("Project where " + condition).filter
    }

    /// The error `text` is refused with; records an issue when it parses.
    static func refusal(_ text: String, limits: QueryLimits = .standard,
                        sourceLocation: SourceLocation = #_sourceLocation) -> FtrackQueryError? {
        do {
            let query = try FtrackQuery.parse(text, limits: limits)
            Issue.record("parsed, but should be refused: \(text) → \(query)", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    // MARK: What the client sends

    @Test("every query the Python client sends parses to its exact tree")
    func clientExamples() throws {
        let uuid = "410d0a26-7293-4ffa-b84a-7460322f4d67"
        let examples: [(String, FtrackQuery)] = [
            (#"select context_type, id, name from Project where name is "My Project" limit 2"#,
             FtrackQuery(projections: [Self.path("context_type"), Self.path("id"), Self.path("name")], entityType: "Project",
                         filter: Self.equal("name", .string("My Project")), limit: 2)),
            (#"select id from AssetVersion where asset.name is "characters" and version is 1 limit 2"#,
             FtrackQuery(projections: [Self.path("id")], entityType: "AssetVersion",
                         filter: .and([Self.equal("asset.name", .string("characters")), Self.equal("version", .integer(1))]),
                         limit: 2)),
            ("select version from AssetVersion where id is 7b0e5f21-0c6e-4a8e-9f55-1d2e3f4a5b6c offset 0 limit 500",
             FtrackQuery(projections: [Self.path("version")], entityType: "AssetVersion",
                         filter: Self.equal("id", .bare("7b0e5f21-0c6e-4a8e-9f55-1d2e3f4a5b6c")), offset: 0, limit: 500)),
            ("select asset_version.id from ReviewSessionObject where id is \(uuid)  offset 0 limit 500",
             FtrackQuery(projections: [Self.path("asset_version.id")], entityType: "ReviewSessionObject",
                         filter: Self.equal("id", .bare(uuid)), offset: 0, limit: 500)),
            ("select id from ReviewSessionObjectComment where review_session_object.id is \"\(uuid)\" offset 0 limit 500",
             FtrackQuery(projections: [Self.path("id")], entityType: "ReviewSessionObjectComment",
                         filter: Self.equal("review_session_object.id", .string(uuid)), offset: 0, limit: 500)),
            ("select status, invitee.email from ReviewSessionObjectStatus where review_session_object.id is \(uuid) offset 0 limit 500",
             FtrackQuery(projections: [Self.path("status"), Self.path("invitee.email")], entityType: "ReviewSessionObjectStatus",
                         filter: Self.equal("review_session_object.id", .bare(uuid)), offset: 0, limit: 500)),
            ("select id from Project where id in (6b3526b4-1111-4ffa-b84a-7460322f4d67,7b0e5f21-0c6e-4a8e-9f55-1d2e3f4a5b6c)",
             FtrackQuery(projections: [Self.path("id")], entityType: "Project",
                         filter: .membership(Self.path("id"), negated: false,
                                             [.bare("6b3526b4-1111-4ffa-b84a-7460322f4d67"),
                                              .bare("7b0e5f21-0c6e-4a8e-9f55-1d2e3f4a5b6c")]))),
            (#"select id from ReviewSession where (id is "6b3526b4-1111-4ffa-b84a-7460322f4d67")"#,
             FtrackQuery(projections: [Self.path("id")], entityType: "ReviewSession",
                         filter: Self.equal("id", .string("6b3526b4-1111-4ffa-b84a-7460322f4d67")))),
            (#"Project where name is "x" and code is 5"#,
             FtrackQuery(entityType: "Project",
                         filter: .and([Self.equal("name", .string("x")), Self.equal("code", .integer(5))]))),
            ("Project", FtrackQuery(entityType: "Project")),
        ]
        for (text, expected) in examples {
            #expect(try FtrackQuery.parse(text) == expected, "\(text)")
        }
    }

    // MARK: The grammar

    @Test("'and' binds tighter than 'or', chains flatten, and parentheses keep their grouping")
    func precedence() throws {
        let a = Self.equal("a", .integer(1)), b = Self.equal("b", .integer(2)), c = Self.equal("c", .integer(3))
        #expect(try Self.filter("a is 1 or b is 2 and c is 3") == .or([a, .and([b, c])]))
        #expect(try Self.filter("a is 1 and b is 2 or c is 3") == .or([.and([a, b]), c]))
        #expect(try Self.filter("a is 1 and b is 2 and c is 3") == .and([a, b, c]))
        #expect(try Self.filter("a is 1 or b is 2 or c is 3") == .or([a, b, c]))
        #expect(try Self.filter("(a is 1 or b is 2) and c is 3") == .and([.or([a, b]), c]))
        #expect(try Self.filter("(a is 1 and b is 2) and c is 3") == .and([.and([a, b]), c]))
        #expect(try Self.filter("((a is 1))") == a)
    }

    @Test("'not' negates the condition after it, binding tighter than 'and'")
    func negation() throws {
        let a = Self.equal("a", .integer(1)), b = Self.equal("b", .integer(2))
        #expect(try Self.filter("not a is 1") == .not(a))
        #expect(try Self.filter("not not a is 1") == .not(.not(a)))
        #expect(try Self.filter("not a is 1 and b is 2") == .and([.not(a), b]))
        #expect(try Self.filter("not (a is 1 or b is 2)") == .not(.or([a, b])))
        #expect(try Self.filter("NOT a is 1") == .not(a))
    }

    @Test("every operator and its synonyms")
    func operators() throws {
        let cases: [(String, ComparisonOperator)] = [
            ("is", .equal), ("=", .equal), ("is_not", .notEqual), ("!=", .notEqual), ("like", .like), ("not_like", .notLike),
            (">", .greater), ("after", .greater), ("<", .less), ("before", .less), (">=", .greaterOrEqual),
            ("<=", .lessOrEqual),
        ]
        for (spelling, comparison) in cases {
            #expect(try Self.filter("a \(spelling) 1") == Self.compare("a", comparison, .integer(1)), "\(spelling)")
        }
        // Symbols need no spaces around them.
        #expect(try Self.filter("a>=1") == Self.compare("a", .greaterOrEqual, .integer(1)))
        #expect(try Self.filter("a!=\"x\"") == Self.compare("a", .notEqual, .string("x")))
        #expect(try Self.filter(#"name like "%shot\_010%""#) == Self.compare("name", .like, .string(#"%shot\_010%"#)))
    }

    @Test("has and any take a condition on the entity they reach, nested as deep as written")
    func exists() throws {
        #expect(try Self.filter("assets has (name is \"hero\")")
            == .exists(Self.path("assets"), Self.equal("name", .string("hero"))))
        #expect(try Self.filter("versions any (status.name is Approved and version > 2)")
            == .exists(Self.path("versions"), .and([Self.equal("status.name", .bare("Approved")),
                                                   Self.compare("version", .greater, .integer(2))])))
        #expect(try Self.filter("project.assets any (versions has (id is 5))")
            == .exists(Self.path("project.assets"), .exists(Self.path("versions"), Self.equal("id", .integer(5)))))
        #expect(try Self.filter("a HAS(b is 1) or c is 2")
            == .or([.exists(Self.path("a"), Self.equal("b", .integer(1))), Self.equal("c", .integer(2))]))
    }

    @Test("in and not_in take a list of values, which may be empty")
    func membership() throws {
        #expect(try Self.filter("id in (1, 'two', 3.5, none, true, abc-def)")
            == .membership(Self.path("id"), negated: false,
                           [.integer(1), .string("two"), .number(3.5), .null, .boolean(true), .bare("abc-def")]))
        #expect(try Self.filter("id not_in (1)") == .membership(Self.path("id"), negated: true, [.integer(1)]))
        #expect(try Self.filter("id in ()") == .membership(Self.path("id"), negated: false, []))
        #expect(try Self.filter("id NOT_IN ( )") == .membership(Self.path("id"), negated: true, []))
    }

    @Test("values: strings, keywords, integers, decimals and bare tokens")
    func values() throws {
        let cases: [(String, QueryValue)] = [
            ("none", .null), ("null", .null), ("None", .null), ("NULL", .null), ("true", .boolean(true)),
            ("True", .boolean(true)), ("false", .boolean(false)), ("0", .integer(0)), ("42", .integer(42)),
            ("-7", .integer(-7)), ("007", .integer(7)), ("1.5", .number(1.5)), ("-0.25", .number(-0.25)),
            ("9223372036854775807", .integer(Int.max)), ("-9223372036854775808", .integer(Int.min)),
            ("9223372036854775808", .number(9_223_372_036_854_775_808)),
            ("1234567890123456789012345678901234567890", .number(1.2345678901234568e39)),
            // A token is a number only when all of it is.
            ("7b0e5f21-0c6e-4a8e-9f55-1d2e3f4a5b6c", .bare("7b0e5f21-0c6e-4a8e-9f55-1d2e3f4a5b6c")),
            ("12345678-1234-1234-1234-123456789012", .bare("12345678-1234-1234-1234-123456789012")),
            ("1234e567", .bare("1234e567")), ("1.", .bare("1.")), (".5", .bare(".5")), ("+5", .bare("+5")),
            ("1.2.3", .bare("1.2.3")), ("2024-05-01T10:00:00+00:00", .bare("2024-05-01T10:00:00+00:00")),
            ("Approved", .bare("Approved")), ("where", .bare("where")),
            (#""""#, .string("")), ("''", .string("")), (#""none""#, .string("none")), ("'42'", .string("42")),
            (#""a b\tc""#, .string(#"a b\tc"#)), ("\"é ü 日本\"", .string("é ü 日本")),
        ]
        for (spelling, value) in cases {
            #expect(try Self.filter("a is \(spelling)") == Self.equal("a", value), "\(spelling)")
        }
    }

    @Test("escapes in both kinds of quote: \\\" \\' \\\\ are undone, any other backslash is kept")
    func escapes() throws {
        #expect(try Self.filter(#"a is "say \"hi\"""#) == Self.equal("a", .string(#"say "hi""#)))
        #expect(try Self.filter(#"a is 'it\'s'"#) == Self.equal("a", .string("it's")))
        #expect(try Self.filter(#"a is "it's""#) == Self.equal("a", .string("it's")))
        #expect(try Self.filter(#"a is 'say "hi"'"#) == Self.equal("a", .string(#"say "hi""#)))
        #expect(try Self.filter(#"a is "\'""#) == Self.equal("a", .string("'")))
        #expect(try Self.filter(#"a is '\"'"#) == Self.equal("a", .string("\"")))
        #expect(try Self.filter(#"a is "back\\slash""#) == Self.equal("a", .string(#"back\slash"#)))
        #expect(try Self.filter(#"a is 'back\\slash'"#) == Self.equal("a", .string(#"back\slash"#)))
        #expect(try Self.filter(#"a is "C:\shots\010""#) == Self.equal("a", .string(#"C:\shots\010"#)))
        #expect(try Self.filter(#"a is "ends with \\""#) == Self.equal("a", .string(#"ends with \"#)))
    }

    @Test("keywords ignore case")
    func caseInsensitiveKeywords() throws {
        let expected = FtrackQuery(projections: [Self.path("id")], entityType: "Project",
                                   filter: Self.equal("name", .string("x")))
        #expect(try FtrackQuery.parse(#"SELECT id FROM Project WHERE name IS "x""#) == expected)
        #expect(try FtrackQuery.parse(#"Select id From Project Where name Is "x""#) == expected)
        #expect(try FtrackQuery.parse("PROJECT where a IS_NOT 1 AND b NOT_LIKE 'x' OR c IN (1) ORDER BY a DESC OFFSET 1 LIMIT 2")
            == FtrackQuery(entityType: "PROJECT",
                           filter: .or([.and([Self.compare("a", .notEqual, .integer(1)), Self.compare("b", .notLike, .string("x"))]),
                                        .membership(Self.path("c"), negated: false, [.integer(1)])]),
                           ordering: [QueryOrdering(path: Self.path("a"), descending: true)], offset: 1, limit: 2))
        // Attribute names and the type keep their case.
        #expect(try FtrackQuery.parse("assetVersion where Asset.Name is 1")
            == FtrackQuery(entityType: "assetVersion", filter: Self.equal("Asset.Name", .integer(1))))
    }

    @Test("whitespace of any kind, or none, between tokens")
    func whitespace() throws {
        let expected = try FtrackQuery.parse("select id from Project where (a is 1) limit 2")
        #expect(try FtrackQuery.parse("  select\tid\nfrom\r\nProject   where(a is 1)limit 2  ") == expected)
        #expect(try FtrackQuery.parse("select id from Project where (a=1) limit 2") == expected)
    }

    @Test("order by several keys, each ascending unless 'desc', with or without a 'where'")
    func ordering() throws {
        #expect(try FtrackQuery.parse("Project order by name")
            == FtrackQuery(entityType: "Project", ordering: [QueryOrdering(path: Self.path("name"))]))
        #expect(try FtrackQuery.parse("select id from AssetVersion where version > 1 order by asset.name asc, version desc, id")
            == FtrackQuery(projections: [Self.path("id")], entityType: "AssetVersion",
                           filter: Self.compare("version", .greater, .integer(1)),
                           ordering: [QueryOrdering(path: Self.path("asset.name")),
                                      QueryOrdering(path: Self.path("version"), descending: true),
                                      QueryOrdering(path: Self.path("id"))]))
        #expect(try FtrackQuery.parse("Project order by a DESC limit 3")
            == FtrackQuery(entityType: "Project", ordering: [QueryOrdering(path: Self.path("a"), descending: true)], limit: 3))
    }

    @Test("offset and limit in either order, each optional")
    func paging() throws {
        #expect(try FtrackQuery.parse("Project offset 10 limit 20") == FtrackQuery(entityType: "Project", offset: 10, limit: 20))
        #expect(try FtrackQuery.parse("Project limit 20 offset 10") == FtrackQuery(entityType: "Project", offset: 10, limit: 20))
        #expect(try FtrackQuery.parse("Project offset 10") == FtrackQuery(entityType: "Project", offset: 10))
        #expect(try FtrackQuery.parse("Project limit 0") == FtrackQuery(entityType: "Project", limit: 0))
        #expect(try FtrackQuery.parse("Project where a is 1 limit 5 offset 0")
            == FtrackQuery(entityType: "Project", filter: Self.equal("a", .integer(1)), offset: 0, limit: 5))
    }

    @Test("a limit over the page size is lowered to it, silently")
    func limitLowered() throws {
        #expect(try FtrackQuery.parse("Project limit 5000").limit == 1_000)
        #expect(try FtrackQuery.parse("Project limit 1000").limit == 1_000)
        #expect(try FtrackQuery.parse("Project limit 9223372036854775807").limit == 1_000)
        #expect(try FtrackQuery.parse("Project limit 50", limits: QueryLimits(limit: 20)).limit == 20)
        #expect(try FtrackQuery.parse("Project offset 5000").offset == 5_000)
    }

    @Test("a word is a keyword only where the grammar expects one")
    func keywordsAsNames() throws {
        #expect(try FtrackQuery.parse("select limit, order.by from Project where limit is 1 and offset.x is 2 order by limit desc")
            == FtrackQuery(projections: [Self.path("limit"), Self.path("order.by")], entityType: "Project",
                           filter: .and([Self.equal("limit", .integer(1)), Self.equal("offset.x", .integer(2))]),
                           ordering: [QueryOrdering(path: Self.path("limit"), descending: true)]))
        #expect(try Self.filter("and is 1") == Self.equal("and", .integer(1)))
        #expect(try Self.filter("from = 1 or is is 2") == .or([Self.equal("from", .integer(1)), Self.equal("is", .integer(2))]))
        #expect(try Self.filter("desc has (asc is 1)") == .exists(Self.path("desc"), Self.equal("asc", .integer(1))))
        #expect(try FtrackQuery.parse("select from from Project").projections == [Self.path("from")])
    }

    @Test("values that look like SQL are plain values")
    func sqlLookingValues() throws {
        #expect(try Self.filter(#"name is "x'; DROP TABLE versions; --""#) == Self.equal("name", .string("x'; DROP TABLE versions; --")))
        #expect(try Self.filter(#"name is 'x"; DELETE FROM users; --'"#) == Self.equal("name", .string(#"x"; DELETE FROM users; --"#)))
        #expect(try Self.filter(#"name like "%' OR '1'='1""#) == Self.compare("name", .like, .string("%' OR '1'='1")))
        // Unquoted, the same text is not a value at all.
        #expect(Self.refusal("Project where name is x; DROP TABLE versions") != nil)
    }

    // MARK: Limits

    @Test("a query longer than the length limit is refused before it is read")
    func lengthLimit() {
        let text = "Project where name is \"" + String(repeating: "x", count: 20_000) + "\""
        let error = Self.refusal(text)
        #expect(error?.message.contains("longer than 16384 characters") == true)
        #expect(error?.position == 16_384)
        #expect(throws: Never.self) { try FtrackQuery.parse("Project where a is 1", limits: QueryLimits(length: 20)) }
        #expect(Self.refusal("Project where a is 12", limits: QueryLimits(length: 20)) != nil)
        // Counted in Unicode scalars, not bytes: 23 scalars (31 bytes) fit a limit of 25.
        #expect(throws: Never.self) {
            try FtrackQuery.parse("X where a is '\(String(repeating: "é", count: 8))'", limits: QueryLimits(length: 25))
        }
    }

    @Test("nesting deeper than the depth limit is refused, even 10,000 levels, without recursing that deep")
    func depthLimit() {
        let roomy = QueryLimits(length: 1_000_000)
        let allowed = String(repeating: "(", count: 32) + "a is 1" + String(repeating: ")", count: 32)
        #expect(throws: Never.self) { try FtrackQuery.parse("X where " + allowed) }
        let one = String(repeating: "(", count: 33) + "a is 1" + String(repeating: ")", count: 33)
        #expect(Self.refusal("X where " + one)?.message.contains("nested more than 32") == true)

        let parentheses = String(repeating: "(", count: 10_000) + "a is 1" + String(repeating: ")", count: 10_000)
        let deepError = Self.refusal("X where " + parentheses, limits: roomy)
        #expect(deepError?.message.contains("depth limit") == true)
        #expect(deepError?.position == 8 + 32)
        // Unclosed, too: the refusal comes before the parser looks for the end.
        #expect(Self.refusal("X where " + String(repeating: "(", count: 10_000), limits: roomy)?.message
            .contains("depth limit") == true)
        #expect(Self.refusal("X where " + String(repeating: "not ", count: 10_000) + "a is 1", limits: roomy)?.message
            .contains("depth limit") == true)
        #expect(Self.refusal("X where " + String(repeating: "not ", count: 33) + "a is 1")?.message
            .contains("depth limit") == true)
        #expect(throws: Never.self) { try FtrackQuery.parse("X where " + String(repeating: "not ", count: 32) + "a is 1") }
        #expect(Self.refusal("X where " + String(repeating: "a has (", count: 5_000) + "b is 1"
                             + String(repeating: ")", count: 5_000), limits: roomy)?.message.contains("depth limit") == true)
        // Mixed: parentheses, 'not' and 'any' all count.
        #expect(Self.refusal("X where (not a any (b is 1))", limits: QueryLimits(depth: 2))?.message.contains("depth limit") == true)
        #expect(throws: Never.self) { try FtrackQuery.parse("X where (not a any (b is 1))", limits: QueryLimits(depth: 3)) }
        // Under the default limits a 10,000-deep query is already too long.
        #expect(Self.refusal("X where " + parentheses) != nil)
    }

    @Test("paths, 'in' lists, conditions and projections each have a limit")
    func listLimits() {
        let limits = QueryLimits(pathLength: 3, inList: 4, conditions: 3, projections: 2)
        #expect(throws: Never.self) {
            try FtrackQuery.parse("select a.b.c, d from X where a.b.c in (1,2,3,4) and b is 1 and c is 2 order by a.b.c",
                                  limits: limits)
        }
        let path = Self.refusal("X where a.b.c.d is 1", limits: limits)
        #expect(path?.message.contains("more than 3 names") == true)
        #expect(path?.position == 14)
        #expect(Self.refusal("select a.b.c.d from X", limits: limits)?.message.contains("pathLength") == true)
        #expect(Self.refusal("X order by a.b.c.d", limits: limits)?.message.contains("pathLength") == true)

        let list = Self.refusal("X where a in (1,2,3,4,5)", limits: limits)
        #expect(list?.message.contains("more than 4 values") == true)
        #expect(list?.position == 22)

        let conditions = Self.refusal("X where a is 1 and b is 2 or c has (d is 3)", limits: limits)
        #expect(conditions?.message.contains("more than 3 conditions") == true)
        #expect(conditions?.position == 36)

        let projections = Self.refusal("select a, b, c from X", limits: limits)
        #expect(projections?.message.contains("more than 2 selected attributes") == true)
        #expect(projections?.position == 13)

        // The default limits, at scale: a 1,001-value list and 201 conditions.
        let values = (0...1_000).map(String.init).joined(separator: ",")
        #expect(Self.refusal("X where id in (\(values))")?.message.contains("inList") == true)
        let many = (0...200).map { "a is \($0)" }.joined(separator: " or ")
        #expect(Self.refusal("X where " + many)?.message.contains("conditions") == true)
    }

    @Test("offset and limit are non-negative whole numbers that fit")
    func pagingRefusals() {
        let cases: [(String, String)] = [
            ("Project limit -1", "'limit' must not be negative"),
            ("Project offset -5", "'offset' must not be negative"),
            ("Project limit 1.5", "'limit' must be a whole number"),
            ("Project limit 1234567890123456789012345678901234567890", "'limit' is too large"),
            ("Project offset 99999999999999999999", "'offset' is too large"),
            ("Project limit", "expected a number after 'limit', found end of query"),
            ("Project limit ten", "expected a number after 'limit', found 'ten'"),
            ("Project limit '5'", "expected a number after 'limit'"),
            ("Project limit 5 limit 6", "'limit' is given twice"),
            ("Project offset 5 limit 6 offset 1", "'offset' is given twice"),
        ]
        for (text, message) in cases {
            let error = Self.refusal(text)
            #expect(error?.message.contains(message) == true, "\(text) → \(String(describing: error))")
        }
    }

    // MARK: Malformed queries

    @Test("malformed queries are refused with a message that says what and where")
    func malformed() throws {
        let cases: [(String, String, Int)] = [
            ("", "the query is empty", 0),
            ("   ", "the query is empty", 3),
            ("Project where a is", "expected a value after 'is', found end of query", 18),
            ("Project where a =", "expected a value after '=', found end of query", 17),
            ("Project where a equals 1", "unknown operator 'equals'", 16),
            ("Project where a is \"open", "unterminated string", 19),
            ("Project where a is 'open\\'", "unterminated string", 19),
            ("Project where a is \"x\\", "unterminated string", 19),
            ("Project where (a is 1", "expected ')' to close the '(' at character 15, found end of query", 21),
            ("Project where b has (a is 1", "expected ')'", 27),
            ("Project where a is 1)", "unmatched ')'", 20),
            ("Project where", "expected a condition after 'where', found end of query", 13),
            ("Project where order by a", "expected a condition after 'where', found 'order'", 14),
            ("Project where limit 5", "expected a condition after 'where', found 'limit'", 14),
            ("Project where ()", "expected a condition after '(', found ')'", 15),
            ("Project where a is 1 and", "expected a condition after 'and', found end of query", 24),
            ("Project where a is 1 or or b is 2", "expected a condition after 'or', found 'or'", 24),
            ("Project where not", "expected a condition after 'not', found end of query", 17),
            ("Project where a is 1 b is 2", "expected 'and', 'or', 'order by', 'offset', 'limit' or end of query, found 'b'", 21),
            ("Project where a", "expected an operator after 'a', found end of query", 15),
            ("Project where a 5", "expected an operator after 'a', found '5'", 16),
            ("Project where a is not null", "write 'is_not'", 16),
            ("Project where a not in (1)", "write 'not_in'", 16),
            ("Project where a not like 'x'", "write 'not_like'", 16),
            ("Project where a in 1", "expected '(' after 'in', found '1'", 19),
            ("Project where a in (1", "expected ',' or ')' to close the list opened at character 20", 21),
            ("Project where a in (1,)", "expected a value after ',', found ')'", 22),
            ("Project where a in (,)", "expected a value after '(', found ','", 20),
            ("Project where a has b is 1", "expected '(' after 'has', found 'b'", 20),
            ("Project where a is and b is 1", "expected a value after 'is', found 'and'", 19),
            ("Project where a is (1)", "expected a value after 'is', found '('", 19),
            ("Project where a..b is 1", "not an attribute path", 16),
            ("Project where a.b. is 1", "it has an empty name", 18),
            ("Project where .a is 1", "it has an empty name", 14),
            ("Project where a-b.c is 1", "it has the name 'a-b'", 14),
            ("Project where 5 is 1", "expected a condition after 'where', found '5'", 14),
            ("Project where \"a\" is 1", "expected a condition after 'where', found the string \"a\"", 14),
            ("Project where a is 1 $", "unexpected character '$'", 21),
            ("Project where a ! 1", "unexpected character '!'", 16),
            ("Project where a is 1;", "unexpected character ';'", 20),
            ("Project where a is \u{7}", "unexpected character U+0007", 19),
            ("Project where a is 1\(String(repeating: "0", count: 400))", "is too large", 19),
            ("Project order name", "expected 'by' after 'order', found 'name'", 14),
            ("Project order by", "expected an attribute to order by after 'by', found end of query", 16),
            ("Project order by a,", "expected an attribute to order by after ',', found end of query", 19),
            ("Project order by a desc asc", "expected ',', 'offset', 'limit' or end of query, found 'asc'", 24),
            ("Project limit 5 where a is 1", "expected 'offset' or end of query, found 'where'", 16),
            ("Project limit 5 order by a", "expected 'offset' or end of query, found 'order'", 16),
            ("Project Shot", "expected 'where', 'order by', 'offset', 'limit' or end of query, found 'Shot'", 8),
            ("select", "expected an attribute after 'select', found end of query", 6),
            ("select from Project", "expected an attribute after 'select', found 'from'", 7),
            ("select id Project", "expected ',' or 'from' after the selected attributes, found 'Project'", 10),
            ("select id, from Project", "expected ',' or 'from' after the selected attributes, found 'Project'", 16),
            ("select id from", "expected an entity type after 'from', found end of query", 14),
            ("select id from where a is 1", "expected an entity type after 'from', found 'where'", 15),
            ("select id from a.b", "a name of letters, digits and '_'", 15),
            ("where a is 1", "expected 'select' or an entity type, found 'where'", 0),
            ("(a is 1)", "expected 'select' or an entity type, found '('", 0),
            ("from", "expected 'select' or an entity type, found 'from'", 0),
            ("Project where a is 'x' and b in (1", "expected ',' or ')'", 34),
        ]
        for (text, message, position) in cases {
            let error = Self.refusal(text)
            #expect(error?.message.contains(message) == true, "\(text) → \(String(describing: error))")
            #expect(error?.position == position, "\(text) → \(String(describing: error))")
            #expect(error?.description.contains("(at character \(position + 1))") == true)
        }
        // An exponent is not a number form, so this is an unquoted value, not an overflow.
        #expect(try Self.filter("a is 1e999999") == Self.equal("a", .bare("1e999999")))
    }

    @Test("a message quotes a long token shortened")
    func longTokensShortened() {
        let long = String(repeating: "x", count: 5_000)
        let error = Self.refusal("Project where a \(long) 1")
        #expect(error?.message.contains("unknown operator '\(String(repeating: "x", count: 40))…'") == true)
        #expect((error?.message.count ?? .max) < 200)
    }

    // MARK: Fuzzing

    /// SplitMix64: a fixed seed gives the same run everywhere, so a failure can be replayed.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let fuzzSeeds = [
        #"select context_type, id, name from Project where name is "My Project" limit 2"#,
        "select version from AssetVersion where id is 7b0e5f21-0c6e-4a8e-9f55-1d2e3f4a5b6c offset 0 limit 500",
        "select id from Project where id in (6b3526b4-1111-4ffa-b84a-7460322f4d67,7b0e5f21-0c6e-4a8e-9f55-1d2e3f4a5b6c)",
        #"select id from ReviewSession where (id is "6b3526b4") order by name desc, id limit 3 offset 1"#,
        "Shot where not (a is 1 or b has (c any (d not_in (1, 'x\\'y', none)))) and e >= -1.5",
    ]

    static let fuzzTokens = [
        "select", "from", "where", "order", "by", "asc", "desc", "offset", "limit", "and", "or", "not", "in", "not_in", "has",
        "any", "is", "is_not", "like", "not_like", "after", "before", "none", "null", "true", "false", "(", ")", ",", "=",
        "!=", "<", ">", "<=", ">=", "!", "\"", "'", "\\", "\"x\"", "'y'", "a", "a.b", "a..b", ".", "-", "1", "-1", "1.5",
        "99999999999999999999999", "7b0e5f21-0c6e", "Project", " ", "\t", "é", "\u{0}", "👍🏽", ";", "$",
    ]

    @Test("20,000 random token soups and mutated queries each parse or throw FtrackQueryError")
    func fuzz() {
        var random = SplitMix64(state: 0xDA11_1E5)
        let alphabet = Array("abcxyz_019-.:+()=!<>,'\" \\\té".unicodeScalars)
        let limits = QueryLimits(depth: 6, pathLength: 3, inList: 5, conditions: 8, projections: 4, limit: 50)
        var parsed = 0
        for iteration in 0..<20_000 {
            var text: String
            if iteration.isMultiple(of: 2) {
                let count = Int.random(in: 0...24, using: &random)
                text = (0..<count).map { _ in
                    Self.fuzzTokens[Int.random(in: 0..<Self.fuzzTokens.count, using: &random)]
                }.joined(separator: Bool.random(using: &random) ? " " : "")
            } else {
                var scalars = Array(Self.fuzzSeeds[Int.random(in: 0..<Self.fuzzSeeds.count, using: &random)].unicodeScalars)
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    let position = Int.random(in: 0...scalars.count, using: &random)
                    switch Int.random(in: 0..<3, using: &random) {
                    case 0 where position < scalars.count: scalars.remove(at: position)
                    case 1 where position + 1 < scalars.count: scalars.swapAt(position, position + 1)
                    default: scalars.insert(alphabet[Int.random(in: 0..<alphabet.count, using: &random)], at: position)
                    }
                }
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars)
                text = String(view)
            }
            for limitsToUse in [QueryLimits.standard, limits] {
                do {
                    let query = try FtrackQuery.parse(text, limits: limitsToUse)
                    parsed += 1
                    #expect((query.limit ?? 0) <= limitsToUse.limit)
                    #expect(query.projections.count <= limitsToUse.projections)
                } catch {
                    // Typed throws: the only thing that can arrive here is an FtrackQueryError.
                    #expect(error.position >= 0 && error.position <= text.unicodeScalars.count, "\(text) → \(error)")
                    #expect(!error.message.isEmpty)
                }
            }
        }
        // The mutations are mild enough that some still parse: the run exercises success too.
        #expect(parsed > 100)
    }
}
