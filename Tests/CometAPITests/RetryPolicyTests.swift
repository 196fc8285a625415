import CometAPI
import Foundation
import Testing
import TestSupport

@Suite("Retry policy: backoff, jitter, Retry-After, bounds")
struct RetryPolicyTests {
    let policy = RetryPolicy.exponentialJitter(maximumAttempts: 5, baseDelay: .seconds(1), maximumDelay: .seconds(8))
    let now = Date(timeIntervalSince1970: 1_000_000)

    func error(_ kind: CometAPIError.Kind, retryAfter: RetryAfter? = nil) -> CometAPIError {
        CometAPIError(kind: kind, operation: .createAvatarTask, message: "test", retryAfter: retryAfter)
    }

    @Test("the jitter window doubles per attempt and is capped")
    func windows() {
        #expect((1...6).map(policy.window(forAttempt:)) == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(8), .seconds(8)])
    }

    @Test("full jitter stays inside the window and spreads over it")
    func jitter() {
        var random = SeededRandom(seed: 7)
        var delays: [Duration] = []
        for _ in 0..<200 {
            guard case .retry(let delay) = policy.decision(after: error(.transient), attempt: 3, now: now, deadline: nil, using: &random) else {
                Issue.record("expected a retry")
                return
            }
            delays.append(delay)
        }
        #expect(delays.allSatisfy { $0 >= .zero && $0 <= .seconds(4) })
        #expect(delays.contains { $0 < .seconds(1) })
        #expect(delays.contains { $0 > .seconds(3) })
    }

    @Test("Retry-After raises the wait, as seconds or as a date")
    func retryAfter() {
        var random = SeededRandom(seed: 1)
        #expect(policy.decision(after: error(.throttled, retryAfter: .seconds(20)), attempt: 1, now: now, deadline: nil, using: &random) == .retry(after: .seconds(20)))
        let date = RetryAfter.date(now.addingTimeInterval(12))
        #expect(policy.decision(after: error(.throttled, retryAfter: date), attempt: 1, now: now, deadline: nil, using: &random) == .retry(after: .seconds(12)))
    }

    @Test("permanent, account and ambiguous errors are never retried", arguments: [
        CometAPIError.Kind.permanent, .account, .ambiguous,
    ])
    func notRetryable(kind: CometAPIError.Kind) {
        var random = SeededRandom(seed: 1)
        #expect(policy.decision(after: error(kind), attempt: 1, now: now, deadline: nil, using: &random) == .giveUp(.notRetryable(kind)))
    }

    @Test("attempts and the deadline bound retries")
    func bounds() {
        var random = SeededRandom(seed: 1)
        #expect(policy.decision(after: error(.transient), attempt: 5, now: now, deadline: nil, using: &random) == .giveUp(.attemptsExhausted(5)))
        let decision = policy.decision(
            after: error(.throttled, retryAfter: .seconds(30)), attempt: 1, now: now, deadline: now.addingTimeInterval(10), using: &random
        )
        #expect(decision == .giveUp(.deadlineTooClose(wanted: .seconds(30))))
    }

    @Test("run retries transient errors on the given clock and returns the success")
    func runRetries() async throws {
        let clock = InstantClock()
        var random = SeededRandom(seed: 3)
        var attempts: [Int] = []
        let value = try await policy.run(clock: clock, random: &random) { (attempt: Int) async throws(CometAPIError) -> String in
            attempts.append(attempt)
            if attempt < 3 { throw error(.throttled, retryAfter: .seconds(2)) }
            return "done"
        }
        #expect(value == "done")
        #expect(attempts == [1, 2, 3])
        #expect(clock.sleeps.count == 2)
        #expect(clock.sleeps.allSatisfy { $0 >= .seconds(2) })
    }

    @Test("run gives up at once on a permanent error")
    func runPermanent() async {
        let clock = InstantClock()
        var random = SeededRandom(seed: 3)
        var attempts = 0
        await #expect(throws: CometAPIError.self) {
            try await policy.run(clock: clock, random: &random) { (_: Int) async throws(CometAPIError) -> Int in
                attempts += 1
                throw error(.permanent)
            }
        }
        #expect(attempts == 1)
        #expect(clock.sleeps.isEmpty)
    }
}
