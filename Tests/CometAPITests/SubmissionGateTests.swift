import CometAPI
import Testing
import TestSupport

@Suite("Submission gate on account errors")
struct SubmissionGateTests {
    typealias Gate = SubmissionGate<InstantClock.Instant>
    let start = InstantClock.Instant(offset: .zero)

    func at(_ seconds: Int) -> InstantClock.Instant { start.advanced(by: .seconds(seconds)) }

    @Test("open gate lets everything through; other errors do not close it")
    func open() {
        var gate = Gate(probeInterval: .seconds(60))
        let permission = gate.permission(at: start)
        let closedByOther = gate.record(.other, at: start)
        let closedByAccepted = gate.record(.accepted, at: start)
        #expect(permission == .submit)
        #expect(!closedByOther && !closedByAccepted)
        #expect(gate.isOpen)
    }

    @Test("an account error closes it; after the interval exactly one probe goes; acceptance reopens")
    func closeProbeReopen() {
        var gate = Gate(probeInterval: .seconds(60))
        let closed = gate.record(.accountError(code: 1101), at: start)
        let closedAgain = gate.record(.accountError(code: 1101), at: at(1))
        let early = gate.permission(at: at(30))
        let probe = gate.permission(at: at(60))
        let duringProbe = gate.permission(at: at(61))
        let reopenedByLateSuccess = gate.record(.accepted, at: at(61))
        let reopened = gate.recordProbe(.accepted, at: at(62))
        let after = gate.permission(at: at(62))
        #expect(closed)
        #expect(!closedAgain, "already closed: no second alert")
        #expect(early == .wait(until: at(60)))
        #expect(probe == .probe)
        #expect(duringProbe == .wait(until: nil))
        #expect(!reopenedByLateSuccess, "a late ordinary success does not reopen")
        #expect(reopened)
        #expect(after == .submit)
    }

    @Test("a failed probe closes it for another interval; an inconclusive one allows the next probe at once")
    func probeFailures() {
        var gate = Gate(probeInterval: .seconds(60))
        gate.record(.accountError(code: 1102), at: start)
        let firstProbe = gate.permission(at: at(60))
        gate.recordProbe(.accountError(code: 1102), at: at(61))
        let waiting = gate.permission(at: at(100))
        let secondProbe = gate.permission(at: at(121))
        gate.recordProbe(.other, at: at(122))
        let thirdProbe = gate.permission(at: at(122))
        let reopened = gate.recordProbe(.accepted, at: at(200))
        #expect(firstProbe == .probe)
        #expect(waiting == .wait(until: at(121)))
        #expect(secondProbe == .probe)
        #expect(thirdProbe == .probe)
        #expect(reopened && gate.isOpen)
    }
}
