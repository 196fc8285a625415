import Testing
import TestSupport
@testable import AvatarWorker

@Suite("PollPolicy, its error backoff and RequestBudget")
struct PollPolicyTests {
    @Test func intervalGrowsForLongTasksAndIsCapped() {
        let policy = PollPolicy()
        #expect(policy.nominalInterval(afterRunningFor: .seconds(30)) == .seconds(10))
        #expect(policy.nominalInterval(afterRunningFor: .seconds(300)) == .seconds(10))
        #expect(policy.nominalInterval(afterRunningFor: .seconds(450)) == .seconds(20))
        #expect(policy.nominalInterval(afterRunningFor: .seconds(600)) == .seconds(30))
        #expect(policy.nominalInterval(afterRunningFor: .seconds(36_000)) == .seconds(30))
    }

    @Test func firstPollDependsOnMode() {
        let policy = PollPolicy()
        #expect(policy.nominalFirstPollDelay(for: .std) < policy.nominalFirstPollDelay(for: .pro))
    }

    @Test func jitterStaysWithinItsFractionAndIsRepeatable() {
        let policy = PollPolicy(jitter: 0.2)
        var first = SeededRandom(seed: 7)
        var second = SeededRandom(seed: 7)
        var seen: Set<Duration> = []
        for _ in 0..<200 {
            let delay = policy.nextInterval(afterRunningFor: .seconds(1), using: &first)
            #expect(delay >= .seconds(8) && delay <= .seconds(12))
            #expect(delay == policy.nextInterval(afterRunningFor: .seconds(1), using: &second))
            seen.insert(delay)
        }
        #expect(seen.count > 100)
    }

    @Test func backoffGrowsIsCappedAndRespectsRetryAfter() {
        let policy = PollPolicy(errorBackoff: .exponentialJitter(
            maximumAttempts: .max, baseDelay: .seconds(1), maximumDelay: .seconds(8)))
        var random = SeededRandom(seed: 1)
        for attempt in 1...10 {
            let ceiling = min(8.0, Double(1 << (attempt - 1)))
            for _ in 0..<50 {
                let delay = policy.delayAfterError(consecutiveErrors: attempt, retryAfter: nil, using: &random)
                #expect(delay >= .zero && delay <= .seconds(ceiling))
            }
        }
        #expect(policy.delayAfterError(consecutiveErrors: 1, retryAfter: .seconds(30), using: &random) == .seconds(30))
        #expect(policy.delayAfterError(consecutiveErrors: 1_000, retryAfter: nil, using: &random) <= .seconds(8))
    }

    @Test func budgetAllowsABurstThenRefillsAtItsRate() {
        let clock = ManualClock()
        var budget = RequestBudget(requestsPerSecond: 2, burst: 3, now: clock.now)
        #expect(budget.take(at: clock.now) == nil)
        #expect(budget.take(at: clock.now) == nil)
        #expect(budget.take(at: clock.now) == nil)
        #expect(budget.take(at: clock.now) == .milliseconds(500))
        let later = clock.now.advanced(by: .milliseconds(500))
        #expect(budget.take(at: later) == nil)
        #expect(budget.available(at: later.advanced(by: .seconds(60))) == 3)
    }
}
