/// One ftrack entity type as Dailies serves it: which catalog rows it lists, and how each of
/// its attributes reads from them, in SQL.
///
/// SQL here is written by us, never by a caller: `$` in a template stands for the alias the
/// query gives the type's rows (`t0`, `t1` …); values from a query are always bound.
struct EntityType: Sendable {
    /// The name on the wire (`ReviewSessionObject`).
    let name: String
    /// What follows `FROM`: a table, or a parenthesised `SELECT` for a type made of several.
    let source: String
    /// Which of `source`'s rows a query lists (removed ones are left out); `nil`: all. A
    /// reference still reaches a row outside it: a deleted invitee's statuses name them.
    let listed: String?
    /// The attributes, in the order the schema lists them.
    let attributes: [Attribute]
    /// What `T where …` selects (the client asks for these): ftrack sends `["id"]` for most.
    let defaultProjections: [String]
    /// Who may list the type's rows beyond their own (see ``Access``).
    let access: Access

    enum Access: Sendable {
        /// Every staff member.
        case staff
        /// Admins; other staff see only the row that is themselves (`$.id` is theirs).
        case adminOrSelf
    }

    func attribute(_ name: String) -> Attribute? { attributes.first { $0.name == name } }
}

/// One attribute of an ``EntityType``.
struct Attribute: Sendable {
    enum Kind: Sendable {
        /// A value of the row, read by `sql`.
        case scalar(ScalarType, sql: String)
        /// One entity of another type, by the key `sql` reads; a polymorphic reference (a
        /// note's author: a user or a collaborator) has one target per type.
        case reference([ReferenceTarget])
        /// Every listed entity of `type` whose `key` (an attribute of that type) is this row's
        /// id, and that meets `condition` (a template over the child's alias), if any.
        case collection(type: String, key: String, condition: String?)
    }

    let name: String
    let kind: Kind
    /// What the client fills in on `create` when its caller did not (`"{uid}"`: a new uuid).
    var defaultValue: DefaultValue? = nil
    /// Computed by the server: never written.
    var isComputed = false
    /// Set at creation only.
    var isImmutable = false
    /// Written, never read or queried (a passphrase).
    var isWriteOnly = false

    enum DefaultValue: Sendable {
        case string(String)
        case boolean(Bool)
        case integer(Int)
    }

    var scalarType: ScalarType? {
        if case .scalar(let type, _) = kind { return type }
        return nil
    }
}

/// Where a reference leads: an entity of `type` whose id `sql` (a template over the
/// referring row) reads; NULL when the reference does not lead there.
struct ReferenceTarget: Sendable {
    let type: String
    let sql: String
}

/// How a scalar reads and compares.
enum ScalarType: Sendable, Hashable {
    case string
    case integer
    case number
    case boolean
    /// Stored as milliseconds since 1970; on the wire `{"__type__": "datetime", "value": …}`.
    case datetime
    /// A UUID, stored as its upper-case string, sent lower case.
    case id

    /// The JSON schema fragment `query_schemas` gives.
    var schemaType: String {
        switch self {
        case .string, .datetime, .id: "string"
        case .integer: "integer"
        case .number: "number"
        case .boolean: "boolean"
        }
    }
}
