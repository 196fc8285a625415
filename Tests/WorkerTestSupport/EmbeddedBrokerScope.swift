import Foundation
import KafkaDevelopment
import TestSupport

/// Runs `body` with a fresh embedded Tansu broker and always stops it afterwards, also when `body` throws.
///
/// The broker binary is the one `scripts/setup` put into this checkout's `tools/bin` (or `$AVATAR_DEV_TANSU`).
/// Even a crashing test process cannot leave it behind: ``EmbeddedBroker`` ties its life to this process.
public func withEmbeddedBroker<T: Sendable>(_ body: (EmbeddedBroker) async throws -> T) async throws -> T {
    let local = PackageRoot.toolsBin.appendingPathComponent("tansu").path
    let broker = try await EmbeddedBroker.start(
        tansuPath: FileManager.default.isExecutableFile(atPath: local) ? local : nil)
    do {
        let result = try await body(broker)
        await broker.stop()
        return result
    } catch {
        await broker.stop()
        throw error
    }
}
