@testable import Kafka
import Testing

@Suite("PartitionFlowState")
struct PartitionFlowStateTests {
    let p0 = KafkaTopicPartition(topic: "jobs", partition: 0)
    let p1 = KafkaTopicPartition(topic: "jobs", partition: 1)
    let p2 = KafkaTopicPartition(topic: "jobs", partition: 2)

    @Test("each assignment gets a new, larger epoch, also for a partition assigned again")
    func epochs() {
        var state = PartitionFlowState()
        let first = state.beginAssignment([p0, p1])
        #expect(state.completeAssignment([p0, p1]) == nil)
        state.completeRevocation([p0])
        let second = state.beginAssignment([p0])
        #expect(Set(first.values).count == 2)
        #expect(second[p0]! > first.values.max()!)
        #expect(state.epochs == [p0: second[p0]!, p1: first[p1]!])
        #expect(state.epochs(of: [p1, p2]) == [p1: first[p1]!])
    }

    @Test("back-pressure pauses what is not paused and resumes exactly that")
    func backpressure() {
        var state = PartitionFlowState()
        _ = state.beginAssignment([p0, p1, p2])
        _ = state.completeAssignment([p0, p1, p2])
        #expect(state.applicationPause([p1]) == .pause([p1]))
        #expect(state.beginBackpressure() == .pause([p0, p2]))
        #expect(state.beginBackpressure() == nil)
        #expect(state.endBackpressure() == .resume([p0, p2]))
        #expect(state.endBackpressure() == nil)
        #expect(state.pausedByApplication == [p1])
    }

    @Test("an application resume under back-pressure keeps the partition paused until the iterator returns")
    func resumeUnderBackpressure() {
        var state = PartitionFlowState()
        _ = state.beginAssignment([p0, p1])
        _ = state.completeAssignment([p0, p1])
        _ = state.applicationPause([p0])
        _ = state.beginBackpressure()
        #expect(state.applicationResume([p0]) == nil)
        #expect(state.endBackpressure() == .resume([p0, p1]))
    }

    @Test("an application pause under back-pressure takes the partition over without a second pause call")
    func pauseUnderBackpressure() {
        var state = PartitionFlowState()
        _ = state.beginAssignment([p0, p1])
        _ = state.completeAssignment([p0, p1])
        _ = state.beginBackpressure()
        #expect(state.applicationPause([p0]) == nil)
        #expect(state.endBackpressure() == .resume([p1]))
        #expect(state.applicationResume([p0]) == .resume([p0]))
    }

    @Test("a pause before assignment is applied on assignment; revocation forgets it")
    func pauseBeforeAssignment() {
        var state = PartitionFlowState()
        _ = state.beginAssignment([p0])
        #expect(state.applicationPause([p0]) == nil)
        #expect(state.completeAssignment([p0]) == .pause([p0]))
        state.completeRevocation([p0])
        #expect(state.pausedByApplication.isEmpty)
        _ = state.beginAssignment([p0])
        #expect(state.completeAssignment([p0]) == nil)
    }

    @Test("partitions assigned during back-pressure are paused on arrival and resumed with the rest")
    func assignmentDuringBackpressure() {
        var state = PartitionFlowState()
        _ = state.beginAssignment([p0])
        _ = state.completeAssignment([p0])
        _ = state.beginBackpressure()
        _ = state.beginAssignment([p1])
        #expect(state.completeAssignment([p1]) == .pause([p1]))
        state.completeRevocation([p0])
        #expect(state.endBackpressure() == .resume([p1]))
    }

    @Test("pausing twice, resuming unpaused or unassigned partitions asks librdkafka for nothing")
    func idempotentCalls() {
        var state = PartitionFlowState()
        _ = state.beginAssignment([p0])
        _ = state.completeAssignment([p0])
        #expect(state.applicationPause([p0]) == .pause([p0]))
        #expect(state.applicationPause([p0]) == nil)
        #expect(state.applicationResume([p1]) == nil)
        #expect(state.applicationResume([p0]) == .resume([p0]))
        #expect(state.applicationResume([p0]) == nil)
        #expect(state.beginBackpressure() == .pause([p0]))
        state.completeRevocation([p0])
        #expect(state.endBackpressure() == nil)
    }
}
