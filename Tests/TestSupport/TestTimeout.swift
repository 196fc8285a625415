/// A test step took longer than its limit.
public struct TestTimeout: Error, CustomStringConvertible {
    /// What was being waited for.
    public let what: String
    /// The limit.
    public let limit: Duration

    /// A timeout waiting `limit` for `what` (a support target's own waits report through it too).
    public init(what: String, limit: Duration) {
        self.what = what
        self.limit = limit
    }

    /// "timed out after …".
    public var description: String { "timed out after \(limit) waiting for \(what)" }
}

/// Runs `body`, cancelling it and throwing ``TestTimeout`` when it takes longer than `limit`.
///
/// A guard against hangs, not a way to wait for time to pass: passing tests finish as soon as `body` does.
public func withTimeout<T: Sendable>(
    _ limit: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw TestTimeout(what: what, limit: limit)
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw TestTimeout(what: what, limit: limit) }
        return first
    }
}
