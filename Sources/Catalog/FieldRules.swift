/// The limits of each field the catalog takes, named once: the catalog's checks use them,
/// and so does the API's OpenAPI document, which states them to clients.
public enum FieldRules {
    /// Names and titles of people, projects, versions and sessions.
    public static let name = TextRule.name()
    /// Optional one-line labels: shot, asset, task, client-facing names.
    public static let label = TextRule.optionalName()
    /// A project's short code, such as `ABC`.
    public static let projectCode = TextRule.optionalName(maximum: 32)
    /// A name on a project's status list.
    public static let statusName = TextRule.name(maximum: 64)
    /// How many statuses one list holds.
    public static let statusesPerList = 1...50
    /// How many staff one task or version may have assigned.
    public static let assignees = 0...50
    /// A note's text.
    public static let noteText = TextRule(minimum: 1, maximum: 10_000, notOnly: .blanks)
    /// A batched mail's window, in seconds.
    public static let notificationWindow = 5...86_400
    /// A reason for review.
    public static let reason = TextRule.text(maximum: 2000)
    /// A session's description.
    public static let description = TextRule.text()
    /// The message of an invitation email.
    public static let inviteMessage = TextRule.text(maximum: 5000)
    /// A comment's text: several lines, not blank.
    public static let commentText = TextRule(minimum: 1, maximum: 10_000, notOnly: .blanks)
    /// A version's number (`v003` is 3).
    public static let versionNumber = 0...99_999
    /// How many days a new session's schedule runs.
    public static let shareDays = 1...3650
    /// How many versions one request may add to a session.
    public static let versionsPerRequest = 1...1000
    /// How many private networks webhooks may be allowed to reach.
    public static let allowedNetworks = 0...100
    /// A page of a list.
    public static let pageLimit = 1...Page.maximumLimit
}
