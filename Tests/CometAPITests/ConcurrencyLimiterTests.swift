import CometAPI
import Testing

@Suite("Concurrency limiter (AIMD)")
struct ConcurrencyLimiterTests {
    @Test("grants up to the limit, then refuses until a release")
    func grants() throws {
        var limiter = ConcurrencyLimiter(configuration: .init(initial: 2, ceiling: 10))
        let first = limiter.acquire()
        let second = limiter.acquire()
        let third = limiter.acquire()
        #expect(first != nil && second != nil)
        #expect(third == nil)
        let released = limiter.release(try #require(first))
        let releasedTwice = limiter.release(try #require(first))
        #expect(released && !releasedTwice)
        let fourth = limiter.acquire()
        #expect(fourth != nil)
    }

    @Test("accepted creates grow the limit additively up to the ceiling")
    func additiveIncrease() throws {
        var limiter = ConcurrencyLimiter(configuration: .init(initial: 2, ceiling: 4))
        for _ in 0..<20 {
            let permitGranted = limiter.acquire()
        let permit = try #require(permitGranted)
            limiter.recordAccepted(permit)
            limiter.release(permit)
        }
        #expect(limiter.currentLimit == 4)
        var slow = ConcurrencyLimiter(configuration: .init(initial: 4, ceiling: 100))
        for _ in 0..<4 {
            let permitGranted = slow.acquire()
        let permit = try #require(permitGranted)
            slow.recordAccepted(permit)
        }
        #expect(slow.limit > 4.9 && slow.limit < 5.1, "one slot per window of successes")
    }

    @Test("a 1303 halves the limit once per epoch, never below the floor")
    func multiplicativeDecrease() throws {
        var limiter = ConcurrencyLimiter(configuration: .init(initial: 8, floor: 2, ceiling: 8))
        var permits: [ConcurrencyLimiter.Permit] = []
        while let permit = limiter.acquire() { permits.append(permit) }
        #expect(permits.count == 8)
        let firstShrank = limiter.recordThrottled(permits[0])
        #expect(firstShrank)
        #expect(limiter.currentLimit == 4)
        let secondShrank = limiter.recordThrottled(permits[1])
        #expect(!secondShrank, "same epoch: one signal")
        #expect(limiter.currentLimit == 4)
        for permit in permits.dropFirst(2) { limiter.release(permit) }
        let laterGranted = limiter.acquire()
        let later = try #require(laterGranted)
        let laterShrank = limiter.recordThrottled(later)
        #expect(laterShrank)
        #expect(limiter.currentLimit == 2)
        let againGranted = limiter.acquire()
        let again = try #require(againGranted)
        limiter.recordThrottled(again)
        #expect(limiter.currentLimit == 2, "floor")
        #expect(limiter.inFlight == 0)
    }

    @Test("a new ceiling clamps the limit")
    func ceilingChange() {
        var limiter = ConcurrencyLimiter(configuration: .init(initial: 10, ceiling: 10))
        limiter.setCeiling(3)
        #expect(limiter.currentLimit == 3)
    }

    @Test("the shared limiter makes waiters wait for a release, in order")
    func sharedWaits() async throws {
        let shared = SharedConcurrencyLimiter(configuration: .init(initial: 1, ceiling: 1))
        let held = try await shared.acquire()
        let waiter = Task { try await shared.acquire() }
        while shared.waiting == 0 { await Task.yield() }
        #expect(shared.tryAcquire() == nil, "a waiter is queued, so no one jumps the queue")
        shared.release(held)
        let granted = try await waiter.value
        #expect(shared.snapshot.inFlight == 1)
        shared.release(granted)
        #expect(shared.snapshot.inFlight == 0)
    }

    @Test("a cancelled waiter gets CancellationError and takes no slot")
    func sharedCancellation() async throws {
        let shared = SharedConcurrencyLimiter(configuration: .init(initial: 1, ceiling: 1))
        let held = try await shared.acquire()
        let waiter = Task { try await shared.acquire() }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        shared.release(held)
        #expect(shared.snapshot.inFlight == 0)
        #expect(shared.tryAcquire() != nil)
    }
}
