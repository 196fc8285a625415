/// Waits until `condition` holds, checking it now and then every `interval`; throws ``TestTimeout`` naming `what`
/// once `limit` has passed without it holding. The one way tests wait for a condition.
///
/// For facts that become true asynchronously and outside the test's control (a child process's progress, a broker's
/// state, a server finishing a request the client already gave up on), so a test asserts the outcome instead of a
/// timing. It is not a way to let time pass: it returns as soon as the condition holds, and `limit` only bounds a
/// test that would otherwise hang. The condition runs in the caller's isolation, so it may read and write the
/// caller's state (an actor's, or a local variable that collects what the last check saw).
public func waitUntil(
    _ what: String, within limit: Duration = .seconds(10), checkingEvery interval: Duration = .milliseconds(50),
    isolation: isolated (any Actor)? = #isolation,
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now.advanced(by: limit)
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw TestTimeout(what: what, limit: limit) }
        try await Task.sleep(for: interval)
    }
}
