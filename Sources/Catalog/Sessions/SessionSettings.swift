import SQLKit

/// The review settings a session has, with their keys in the API.
///
/// Every level of them shares one shape, through ``SessionSettingValues``: the settings in
/// force (``SessionSettings``), a session's own overrides of its project's defaults
/// (``SessionSettingOverrides``), and a change to those overrides (``SessionSettingsUpdate``);
/// a project's defaults hold the settings its new sessions inherit.
public enum SessionSetting: String, CodingKey, CaseIterable, Sendable {
    /// Collaborators may download the original files.
    case downloadOriginal = "download_original"
    /// Collaborators may download the review proxies.
    case downloadProxy = "download_proxy"
    /// Collaborators must enter the session's passphrase.
    case requirePassphrase = "require_passphrase"
    /// A session-wide link lets visitors join by entering a name.
    case shareLinkEnabled = "share_link_enabled"
    /// Collaborators may comment.
    case allowComments = "allow_comments"
    /// Collaborators see each other's comments.
    case commentsVisibleToOthers = "comments_visible_to_others"
    /// Collaborators may make the session's PDF report and download its CSV, OTIO and EDL
    /// (staff always may); what those show a collaborator is what the visibility rule lets
    /// them see.
    case allowExports = "allow_exports"

    /// The setting's column in `projects` and `review_sessions`: its key, except that
    /// `comments_visible_to_others` is stored as `comments_visible` (released columns keep
    /// their names).
    var column: String { self == .commentsVisibleToOthers ? "comments_visible" : rawValue }
}

/// The review settings a session uses, each either set on the session or inherited from
/// its project's defaults.
public typealias SessionSettings = SessionSettingValues<Bool>

/// Per-session overrides of the project's defaults: `nil` inherits.
public typealias SessionSettingOverrides = SessionSettingValues<Bool?>

/// Changes to a session's own settings: absent (`nil`) leaves one alone, `null` (`.some(nil)`)
/// goes back to inheriting the project's.
public typealias SessionSettingsUpdate = SessionSettingValues<Bool??>

/// One value of `Value` for each ``SessionSetting`` (which says what each setting means),
/// coded under the settings' API keys as ``SessionSettingValue`` says for `Value`.
public struct SessionSettingValues<Value: Sendable & Hashable>: Sendable, Hashable {
    public var downloadOriginal: Value
    public var downloadProxy: Value
    public var requirePassphrase: Value
    public var shareLinkEnabled: Value
    public var allowComments: Value
    public var commentsVisibleToOthers: Value
    public var allowExports: Value

    /// The value of `setting`.
    public subscript(setting: SessionSetting) -> Value {
        switch setting {
        case .downloadOriginal: downloadOriginal
        case .downloadProxy: downloadProxy
        case .requirePassphrase: requirePassphrase
        case .shareLinkEnabled: shareLinkEnabled
        case .allowComments: allowComments
        case .commentsVisibleToOthers: commentsVisibleToOthers
        case .allowExports: allowExports
        }
    }
}

extension SessionSettingValues {
    /// Each setting's value from `value`: how every level is made from another.
    init(_ value: (SessionSetting) throws -> Value) rethrows {
        self.init(downloadOriginal: try value(.downloadOriginal), downloadProxy: try value(.downloadProxy),
                  requirePassphrase: try value(.requirePassphrase), shareLinkEnabled: try value(.shareLinkEnabled),
                  allowComments: try value(.allowComments), commentsVisibleToOthers: try value(.commentsVisibleToOthers),
                  allowExports: try value(.allowExports))
    }

    /// The settings set here, and `base`'s for the others: a session's overrides over its
    /// project's defaults, or a change over what it changes.
    public func resolved<Base>(over base: SessionSettingValues<Base>) -> SessionSettingValues<Base> where Value == Base? {
        SessionSettingValues<Base> { self[$0] ?? base[$0] }
    }
}

extension SessionSettingValues where Value: ExpressibleByNilLiteral {
    /// Settings that set nothing but those given.
    public init(downloadOriginal: Value = nil, downloadProxy: Value = nil, requirePassphrase: Value = nil,
                shareLinkEnabled: Value = nil, allowComments: Value = nil, commentsVisibleToOthers: Value = nil,
                allowExports: Value = nil) {
        self.downloadOriginal = downloadOriginal
        self.downloadProxy = downloadProxy
        self.requirePassphrase = requirePassphrase
        self.shareLinkEnabled = shareLinkEnabled
        self.allowComments = allowComments
        self.commentsVisibleToOthers = commentsVisibleToOthers
        self.allowExports = allowExports
    }
}

extension SessionSettingValues: Codable where Value: SessionSettingValue {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: SessionSetting.self)
        try self.init { try Value.decodeSetting(from: container, forKey: $0) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: SessionSetting.self)
        for setting in SessionSetting.allCases {
            try self[setting].encodeSetting(to: &container, forKey: setting)
        }
    }
}

/// A session setting's value at one of its levels, and how it is read and written there:
/// in force (`Bool`), always present; an override (`Bool?`), absent or `null` when it
/// inherits; a change (`Bool??`), absent when it leaves the setting alone and `null` when it
/// goes back to inheriting.
public protocol SessionSettingValue: Codable, Sendable, Hashable {
    /// What a JSON `null` stands for at this level, if anything.
    static var settingForNull: Self? { get }
    /// The value under `key`, as this level reads it.
    static func decodeSetting<Key: CodingKey>(from container: KeyedDecodingContainer<Key>, forKey key: Key) throws -> Self
    /// Writes the value under `key`; at an optional level, `nil` writes nothing.
    func encodeSetting<Key: CodingKey>(to container: inout KeyedEncodingContainer<Key>, forKey key: Key) throws
}

extension Bool: SessionSettingValue {
    public static var settingForNull: Bool? { nil }

    public static func decodeSetting<Key: CodingKey>(from container: KeyedDecodingContainer<Key>, forKey key: Key) throws -> Bool {
        try container.decode(Bool.self, forKey: key)
    }

    public func encodeSetting<Key: CodingKey>(to container: inout KeyedEncodingContainer<Key>, forKey key: Key) throws {
        try container.encode(self, forKey: key)
    }
}

/// One level up: absent is `nil`, and `null` is what it stands for one level down (nothing
/// for an override, going back to inheriting for a change).
extension Optional: SessionSettingValue where Wrapped: SessionSettingValue {
    public static var settingForNull: Self? { .some(nil) }

    public static func decodeSetting<Key: CodingKey>(from container: KeyedDecodingContainer<Key>, forKey key: Key) throws -> Self {
        guard container.contains(key) else { return nil }
        return try container.decodeNil(forKey: key) ? Wrapped.settingForNull : Wrapped.decodeSetting(from: container, forKey: key)
    }

    public func encodeSetting<Key: CodingKey>(to container: inout KeyedEncodingContainer<Key>, forKey key: Key) throws {
        guard let value = self else { return }
        if value == Wrapped.settingForNull {
            try container.encodeNil(forKey: key)
        } else {
            try value.encodeSetting(to: &container, forKey: key)
        }
    }
}

/// The settings as the catalog stores them: a column each beside the other columns of a row of
/// `projects` (the defaults) or `review_sessions` (the overrides, `NULL` inheriting).
extension SessionSettingValues where Value: Codable {
    /// The settings as column values, to write with their row.
    var columns: [(String, any SQLExpression)] {
        SessionSetting.allCases.map { ($0.column, SQLBind(self[$0])) }
    }
}

extension SQLRow {
    /// The session settings stored in this row of `Row`'s table, their columns' names led by
    /// `prefix` (in a join).
    ///
    /// - Throws: ``CatalogError/Code/damaged`` when they cannot be read, as ``decode(_:)``.
    func settings<Row: TableRow, Value: Codable>(of _: Row.Type, prefix: String = "") throws -> SessionSettingValues<Value> {
        try reading(Row.self) { try SessionSettingValues { try decode(column: prefix + $0.column, as: Value.self) } }
    }
}
