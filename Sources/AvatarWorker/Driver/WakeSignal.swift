import Synchronization

/// Wakes one waiting loop (the driver's timer loop) when there is work, without losing a signal sent while it was busy.
///
/// `signal()` before `wait` makes the next `wait` return at once; several signals collapse into one. `wait(timeout:)`
/// also returns after the timeout, so the loop runs its periodic duties without being told. A timeout that fires
/// before the waiter is in place counts as a signal too: the timer loop's waits are often a millisecond (the poll
/// budget refilling), and a lost timeout left the loop asleep with polls due and nothing else to wake it, which
/// stopped all polling of a worker (`bench recovery` with 10,000 tasks). A late timeout of an earlier wait may make
/// the next one return early; the loop re-checks the time, so that costs one iteration.
final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Marks work pending and wakes the waiter, if any.
    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns when signalled (also before the call) or after `timeout`, whichever comes first.
    func wait(timeout: Duration) async {
        var timer: Task<Void, Never>?
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state in
                if state.pending {
                    state.pending = false
                    return true
                }
                state.waiter = continuation
                return false
            }
            if resumeNow {
                continuation.resume()
                return
            }
            // Started only once the waiter is in place, so its timeout always finds something to wake.
            timer = Task {
                try? await Task.sleep(for: timeout)
                self.signal()
            }
        }
        timer?.cancel()
    }
}
