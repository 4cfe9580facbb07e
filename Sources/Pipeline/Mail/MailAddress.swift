/// A mailbox: an address and, for people, the name shown with it (`Dana Client <dana@client.example>`).
public struct MailAddress: Sendable, Hashable {
    /// The address, `local@domain`, in ASCII.
    public var address: String
    /// The name shown with it, any Unicode; `nil` for the bare address.
    public var displayName: String?

    /// The mailbox `address`, shown as `displayName` when given.
    public init(_ address: String, displayName: String? = nil) {
        self.address = address
        self.displayName = displayName
    }

    /// The domain after the last `@`, or `nil` when there is none.
    public var domain: String? {
        address.lastIndex(of: "@").map { String(address[address.index(after: $0)...]) }
    }
}
