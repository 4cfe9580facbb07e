import Foundation

/// Reads a peer process's pipe to its end on a thread of its own that holds the handle,
/// handing on each chunk as it comes, then calling `end` at EOF (when the peer exits).
///
/// Not `readabilityHandler`: its dispatch source outlived the handle when a peer was stopped
/// (the pipes go with the process object), and libdispatch then crashed the whole test
/// process draining a closed descriptor. A blocking read simply ends at EOF.
public func readToEnd(_ handle: FileHandle, chunk: @escaping @Sendable (Data) -> Void, end: @escaping @Sendable () -> Void = {}) {
    Thread.detachNewThread {
        while true {
            let data = handle.availableData
            if data.isEmpty { break }
            chunk(data)
        }
        end()
    }
}
