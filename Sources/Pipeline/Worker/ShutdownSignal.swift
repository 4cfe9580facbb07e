import Synchronization

/// A one-way flag a worker's parts watch to stop: raised once, read from any thread.
final class ShutdownSignal: Sendable {
    private let raised = Atomic<Bool>(false)

    func raise() {
        raised.store(true, ordering: .releasing)
    }

    var isRaised: Bool { raised.load(ordering: .acquiring) }
}
