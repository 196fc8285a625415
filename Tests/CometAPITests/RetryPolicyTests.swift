import CometAPI
import Foundation
import Testing
import TestSupport

@Suite("Retry policy: backoff, jitter, Retry-After, bounds")
struct RetryPolicyTests {
    let policy = RetryPolicy.exponentialJitter(maximumAttempts: 5, baseDelay: .seconds(1), maximumDelay: .seconds(8))
    let now = Date(timeIntervalSince1970: 1_000_000)

    @Test("the jitter window doubles per attempt and is capped")
    func windows() {
        #expect((1...6).map(policy.window(forAttempt:)) == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(8), .seconds(8)])
    }

    @Test("full jitter stays inside the window and spreads over it")
    func jitter() {
        var random = SeededRandom(seed: 7)
        var delays: [Duration] = []
        for _ in 0..<200 {
            guard case .retry(let delay) = policy.decision(afterAttempt: 3, retryAfter: nil, now: now, deadline: nil, using: &random) else {
                Issue.record("expected a retry")
                return
            }
            delays.append(delay)
        }
        #expect(delays.allSatisfy { $0 >= .zero && $0 <= .seconds(4) })
        #expect(delays.contains { $0 < .seconds(1) })
        #expect(delays.contains { $0 > .seconds(3) })
    }

    @Test("Retry-After raises the wait; RetryAfter as seconds or as a date gives the delay to pass")
    func retryAfter() {
        var random = SeededRandom(seed: 1)
        #expect(policy.decision(afterAttempt: 1, retryAfter: .seconds(20), now: now, deadline: nil, using: &random) == .retry(after: .seconds(20)))
        let date = RetryAfter.date(now.addingTimeInterval(12))
        #expect(date.delay(from: now) == .seconds(12))
        #expect(policy.decision(afterAttempt: 1, retryAfter: date.delay(from: now), now: now, deadline: nil, using: &random) == .retry(after: .seconds(12)))
    }

    @Test("attempts and the deadline bound retries")
    func bounds() {
        var random = SeededRandom(seed: 1)
        #expect(policy.decision(afterAttempt: 5, retryAfter: nil, now: now, deadline: nil, using: &random) == .giveUp(.attemptsExhausted(5)))
        let decision = policy.decision(
            afterAttempt: 1, retryAfter: .seconds(30), now: now, deadline: now.addingTimeInterval(10), using: &random)
        #expect(decision == .giveUp(.deadlineTooClose(wanted: .seconds(30))))
    }

    @Test("the same seed gives the same delays")
    func replayable() {
        var first = SeededRandom(seed: 42)
        var second = SeededRandom(seed: 42)
        let one = (1...5).map { policy.delay(afterAttempt: $0, using: &first) }
        let two = (1...5).map { policy.delay(afterAttempt: $0, using: &second) }
        #expect(one == two)
    }
}
