import Foundation

/// Runs a blocking librdkafka call (commit, flush, transaction step, metadata or watermark request) on a thread of its
/// own and awaits its result, so no cooperative-pool thread is ever blocked on the network.
///
/// One short-lived thread per call: these calls are rare and take milliseconds to seconds, far more than a thread
/// start costs. `package` so that `KafkaDevelopment`'s embedded broker waits for its child the same way.
package enum BlockingCall {
    /// Runs `body` on a new thread named `name` and returns its result or error.
    package static func run<T: Sendable>(
        _ name: String, _ body: @escaping @Sendable () throws(KafkaError) -> T
    ) async throws(KafkaError) -> T {
        let result: Result<T, KafkaError> = await withCheckedContinuation { continuation in
            let thread = Thread {
                do throws(KafkaError) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            thread.name = name
            thread.start()
        }
        return try result.get()
    }
}
