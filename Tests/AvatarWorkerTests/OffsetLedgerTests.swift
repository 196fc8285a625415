import Testing
import TestSupport
@testable import AvatarWorker

@Suite("OffsetLedger")
struct OffsetLedgerTests {
    /// The obvious (slow) definition the ledger must agree with.
    struct Model {
        var received: Set<Int64> = []
        var durable: Set<Int64> = []

        var committable: Int64? {
            guard let highest = received.max() else { return nil }
            return received.filter { !durable.contains($0) }.min() ?? highest + 1
        }
    }

    @Test func emptyLedgerHasNothingToStore() {
        var ledger = OffsetLedger()
        #expect(ledger.committableOffset == nil)
        #expect(ledger.offsetToStore() == nil)
        #expect(ledger.markDurable(3) == .unknown)
    }

    @Test func outOfOrderCompletionsHoldTheOffsetAtTheLowestPending() {
        var ledger = OffsetLedger()
        for offset: Int64 in 10...14 { #expect(ledger.received(offset) == .accepted) }
        #expect(ledger.committableOffset == 10)
        #expect(ledger.markDurable(12) == .recorded)
        #expect(ledger.markDurable(11) == .recorded)
        #expect(ledger.committableOffset == 10)
        #expect(ledger.markDurable(10) == .recorded)
        #expect(ledger.committableOffset == 13)
        #expect(ledger.markDurable(14) == .recorded)
        #expect(ledger.markDurable(13) == .recorded)
        #expect(ledger.committableOffset == 15)
        #expect(ledger.pendingCount == 0)
    }

    @Test func gapsDoNotHoldTheOffsetBack() {
        var ledger = OffsetLedger()
        ledger.received(5)
        ledger.received(9)
        ledger.markDurable(5)
        #expect(ledger.committableOffset == 9)
        ledger.markDurable(9)
        #expect(ledger.committableOffset == 10)
        #expect(ledger.received(20) == .accepted)
        #expect(ledger.committableOffset == 20)
    }

    @Test func duplicatesAndRedeliveriesNeverLowerTheOffset() {
        var ledger = OffsetLedger()
        for offset: Int64 in 0...5 { ledger.received(offset) }
        ledger.markDurable(0)
        ledger.markDurable(1)
        ledger.markDurable(4)
        #expect(ledger.committableOffset == 2)
        // Rewind to the committed offset 2, everything from there is delivered again.
        #expect(ledger.received(2) == .duplicate)
        #expect(ledger.received(4) == .alreadyDurable)
        #expect(ledger.received(1) == .alreadyDurable)
        #expect(ledger.committableOffset == 2)
        #expect(ledger.markDurable(4) == .alreadyDurable)
        #expect(ledger.markDurable(0) == .alreadyDurable)
        #expect(ledger.markDurable(99) == .unknown)
    }

    @Test func offsetToStoreReportsOnlyProgress() {
        var ledger = OffsetLedger()
        ledger.received(0)
        ledger.received(1)
        #expect(ledger.offsetToStore() == 0)
        #expect(ledger.offsetToStore() == nil)
        ledger.markDurable(1)
        #expect(ledger.offsetToStore() == nil)
        ledger.markDurable(0)
        #expect(ledger.offsetToStore() == 2)
        ledger.reset()
        #expect(ledger.committableOffset == nil)
        ledger.received(7)
        #expect(ledger.offsetToStore() == 7)
    }

    @Test(arguments: 0..<40)
    func agreesWithTheModelUnderRandomOrders(seed: Int) {
        var random = SeededRandom(seed: UInt64(seed))
        var ledger = OffsetLedger()
        var model = Model()
        var next: Int64 = Int64.random(in: 0...1000, using: &random)
        var stored: Int64 = .min
        for _ in 0..<400 {
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<4:
                next += Int64.random(in: 1...3, using: &random)  // gaps from compaction or markers
                #expect(ledger.received(next) == .accepted)
                model.received.insert(next)
            case 4:
                guard let old = model.received.randomElement(using: &random) else { continue }
                let expected: OffsetLedger.ReceiveOutcome = model.durable.contains(old) ? .alreadyDurable : .duplicate
                #expect(ledger.received(old) == expected)
            default:
                let pending = model.received.subtracting(model.durable)
                guard let offset = pending.randomElement(using: &random) else { continue }
                #expect(ledger.markDurable(offset) == .recorded)
                model.durable.insert(offset)
            }
            #expect(ledger.committableOffset == model.committable)
            if let offset = ledger.offsetToStore() {
                #expect(offset > stored)
                stored = offset
            }
        }
        for offset in model.received.subtracting(model.durable).shuffled(using: &random) {
            ledger.markDurable(offset)
        }
        #expect(ledger.committableOffset == next + 1)
        #expect(ledger.pendingCount == 0)
    }
}
