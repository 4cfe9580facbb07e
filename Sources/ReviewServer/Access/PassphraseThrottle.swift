import Foundation

/// Slows down guessing: after 5 wrong passphrases from one address for one session (or
/// link) within 15 minutes, further tries are refused until the oldest failure ages out.
actor PassphraseThrottle {
    static let allowedFailures = 5
    static let window: TimeInterval = 15 * 60

    private var failures: [String: [Date]] = [:]

    /// Seconds to wait before the next try from `key`, or `nil` when it may try now.
    func retryAfter(_ key: String, now: Date = Date()) -> Int? {
        let recent = prune(key, now: now)
        guard recent.count >= Self.allowedFailures, let oldest = recent.first else { return nil }
        return max(1, Int((oldest.addingTimeInterval(Self.window).timeIntervalSince(now)).rounded(.up)))
    }

    func recordFailure(_ key: String, now: Date = Date()) {
        failures[key, default: []].append(now)
    }

    func recordSuccess(_ key: String) {
        failures[key] = nil
    }

    private func prune(_ key: String, now: Date) -> [Date] {
        let recent = (failures[key] ?? []).filter { now.timeIntervalSince($0) < Self.window }
        failures[key] = recent.isEmpty ? nil : recent
        return recent
    }
}
