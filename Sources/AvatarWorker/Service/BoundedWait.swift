import Synchronization

/// Waits for `work` at most `limit`: true when it finished, false when the limit came first (the work then goes on
/// unwatched, which is what a shutdown wants of a call it cannot cancel, such as librdkafka's consumer close).
///
/// Hand-written because a task group waits for every child, including one stuck in a blocking call; here the work
/// runs in its own task and whichever of it and the timer ends first answers.
func boundedWait(_ limit: Duration, _ work: @escaping @Sendable () async -> Void) async -> Bool {
    let answered = Mutex(false)
    return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
        let answer: @Sendable (Bool) -> Void = { finished in
            let first = answered.withLock { done in
                defer { done = true }
                return !done
            }
            if first { continuation.resume(returning: finished) }
        }
        let timer = Task {
            try? await Task.sleep(for: limit)
            answer(false)
        }
        Task {
            await work()
            timer.cancel()
            answer(true)
        }
    }
}
