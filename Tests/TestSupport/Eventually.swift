/// Re-checks `condition` every `interval` until it holds or `timeout` passes; returns whether it held.
///
/// For facts that become true asynchronously on a loaded machine (a server finishing a request the client already
/// gave up on), so a test asserts the outcome instead of a timing.
public func eventually(
    timeout: Duration = .seconds(10), interval: Duration = .milliseconds(20),
    _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while true {
        if try await condition() { return true }
        if ContinuousClock.now >= deadline { return false }
        try? await Task.sleep(for: interval)
    }
}
