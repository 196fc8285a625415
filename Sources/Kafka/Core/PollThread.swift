import Foundation
import Synchronization

/// A dedicated thread that runs a client's polling loop (delivery reports, rebalances, consumer messages) so that
/// blocking librdkafka polls never occupy a thread of Swift's cooperative pool.
///
/// `body` is called once and must return soon after ``isStopping`` becomes true (it polls with short timeouts).
/// ``stop()`` waits until it has returned, so the owner can then destroy the handle safely.
final class PollThread: Sendable {
    private let stopRequested = Atomic<Bool>(false)
    private let stopped = Atomic<Bool>(false)
    private let exited = DispatchSemaphore(value: 0)

    /// Starts the thread right away.
    init(name: String, body: @escaping @Sendable (PollThread) -> Void) {
        let thread = Thread { [self] in
            body(self)
            exited.signal()
        }
        thread.name = name
        thread.start()
    }

    /// True once ``stop()`` was called: the loop should return.
    var isStopping: Bool { stopRequested.load(ordering: .acquiring) }

    /// Asks the loop to return and waits until it has (idempotent; later calls return at once).
    func stop() {
        stopRequested.store(true, ordering: .releasing)
        if stopped.exchange(true, ordering: .acquiringAndReleasing) { return }
        exited.wait()
    }
}
