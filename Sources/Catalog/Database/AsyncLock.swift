/// A first-come, first-served lock for async code: one holder at a time, the others
/// suspended (not blocking threads) until their turn.
///
/// The catalog runs every unit of work (a read, or a write transaction) under it, so that
/// the statements of one never interleave with another's on the shared connection.
actor AsyncLock {
    private var isHeld = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        guard isHeld else {
            isHeld = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            isHeld = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}
