@testable import AvatarWorker
import Testing

/// The timer loop's wake-up: a wait must end after its timeout even when the timeout fires before the waiter is in
/// place (the race that stopped a worker's polling with 10,000 tasks in flight).
@Suite struct WakeSignalTests {
    @Test("waits whose timeout is already over all return (a timeout before the waiter is never lost)",
          .timeLimit(.minutes(1)))
    func zeroTimeouts() async {
        let signal = WakeSignal()
        for _ in 0..<500 { await signal.wait(timeout: .zero) }
    }

    @Test("a signal before the wait makes it return at once; signals collapse into one", .timeLimit(.minutes(1)))
    func signalsBeforeTheWait() async {
        let signal = WakeSignal()
        signal.signal()
        signal.signal()
        await signal.wait(timeout: .seconds(3600))
        let woken = Task { await signal.wait(timeout: .seconds(3600)) }
        signal.signal()
        await woken.value
    }
}
