/// Runs `body` with `resource` and always runs `stop` on it afterwards, also when `body` throws: the shape of every
/// `with…` helper that starts a server or a process for a test.
public func withResource<Resource: Sendable, T: Sendable>(
    _ resource: Resource, stoppedBy stop: (Resource) async -> Void, _ body: (Resource) async throws -> T
) async throws -> T {
    do {
        let result = try await body(resource)
        await stop(resource)
        return result
    } catch {
        await stop(resource)
        throw error
    }
}
