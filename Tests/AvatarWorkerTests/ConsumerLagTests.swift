import Testing

@testable import AvatarWorker

@Suite("Consumer lag")
struct ConsumerLagTests {
    @Test("Lag is the high watermark minus the committed offset, never negative")
    func committed() {
        #expect(ConsumerLag.of(high: 120, low: 0, committed: 100) == 20)
        #expect(ConsumerLag.of(high: 100, low: 0, committed: 100) == 0)
        #expect(ConsumerLag.of(high: 90, low: 0, committed: 100) == 0)
    }

    @Test("A group that committed nothing lags by every message still in the partition")
    func nothingCommitted() {
        #expect(ConsumerLag.of(high: 120, low: 20, committed: nil) == 100)
        #expect(ConsumerLag.of(high: 120, low: 20, committed: -1001) == 100)
        #expect(ConsumerLag.of(high: 0, low: -1, committed: nil) == 0)
    }
}
