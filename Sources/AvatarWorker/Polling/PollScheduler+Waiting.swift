extension PollScheduler {
    /// Suspends until the scheduler's state changes (`wakeWaiters`), `instant` is reached on the clock, or the
    /// calling task is cancelled. Spurious wake-ups are fine: `next()` re-evaluates from scratch.
    func waitForChange(until instant: C.Instant?) async {
        let id = nextWaiterID
        nextWaiterID += 1
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                waiters[id] = continuation
                if let instant {
                    let clock = self.clock
                    timers[id] = Task {
                        do {
                            try await clock.sleep(until: instant, tolerance: nil)
                        } catch {
                            return
                        }
                        self.resumeWaiter(id)
                    }
                }
            }
        } onCancel: {
            Task { await self.resumeWaiter(id) }
        }
    }

    /// Resumes one waiter and cancels its timer; a no-op when it already resumed.
    func resumeWaiter(_ id: UInt64) {
        timers.removeValue(forKey: id)?.cancel()
        waiters.removeValue(forKey: id)?.resume()
    }

    /// Resumes every waiter so each re-evaluates the heap, budget and concurrency after a change.
    func wakeWaiters() {
        for id in Array(waiters.keys) {
            resumeWaiter(id)
        }
    }
}

extension PollScheduler {
    /// How many `next()` calls are suspended (tests wait for this before they change state).
    var waiterCount: Int { waiters.count }
}
