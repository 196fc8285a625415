import Kafka
import Logging
import Synchronization
import TestSupport
import Testing
@testable import AvatarWorker

/// The worker's partition-count watcher: what it reports from the counts it reads, and that an assignment beyond
/// the known count makes it check at once rather than at its next interval.
@Suite("PartitionCountWatcher")
struct PartitionCountWatcherTests {
    /// Counts a test sets, and the counts the watcher reported.
    final class Cluster: Sendable {
        let counts = Mutex<(jobs: Int, tasks: Int)?>((jobs: 4, tasks: 4))
        let reports = Mutex<[Int]>([])

        func watcher(known: Int, interval: Duration = .seconds(3600)) -> PartitionCountWatcher {
            PartitionCountWatcher(
                known: known, jobsTopic: "avatar.jobs", interval: interval, logger: Logger(label: "test"),
                read: {
                    guard let counts = self.counts.withLock({ $0 }) else { throw KafkaError(code: .timedOut, operation: "metadata") }
                    return counts
                },
                report: { count in self.reports.withLock { $0.append(count) } })
        }

        var reported: [Int] { reports.withLock { $0 } }
    }

    @Test("reports the smaller of the jobs and tasks counts, only above the known count, never lower")
    func reportsGrowthOnly() async {
        let cluster = Cluster()
        let watcher = cluster.watcher(known: 4)
        await watcher.check()
        #expect(cluster.reported.isEmpty, "no growth")
        cluster.counts.withLock { $0 = (jobs: 8, tasks: 4) }
        await watcher.check()
        #expect(cluster.reported.isEmpty, "the jobs topic grew but its ledger partitions do not exist yet")
        cluster.counts.withLock { $0 = (jobs: 8, tasks: 8) }
        await watcher.check()
        #expect(cluster.reported == [8])
        #expect(watcher.knownCount == 8)
        cluster.counts.withLock { $0 = nil }
        await watcher.check()
        cluster.counts.withLock { $0 = (jobs: 6, tasks: 6) }
        await watcher.check()
        #expect(cluster.reported == [8], "a failed read and a smaller count report nothing")
    }

    @Test("an assigned jobs partition beyond the known count makes it check now, not at the next interval")
    func assignmentBeyondTheCountWakesIt() async throws {
        let cluster = Cluster()
        cluster.counts.withLock { $0 = (jobs: 6, tasks: 6) }
        let watcher = cluster.watcher(known: 4)
        let running = Task { try await watcher.run() }
        defer { running.cancel() }
        watcher.rebalanceNoticed(.assigned([
            KafkaAssignedPartition(topicPartition: KafkaTopicPartition(topic: "avatar.jobs", partition: 1), epoch: 1),
        ]))
        watcher.rebalanceNoticed(.assigned([
            KafkaAssignedPartition(topicPartition: KafkaTopicPartition(topic: "other", partition: 9), epoch: 1),
        ]))
        #expect(cluster.reported.isEmpty, "partitions within the count, or of another topic, are no sign of growth")
        watcher.rebalanceNoticed(.assigned([
            KafkaAssignedPartition(topicPartition: KafkaTopicPartition(topic: "avatar.jobs", partition: 5), epoch: 2),
        ]))
        try await waitUntil("the watcher reports the new count") { cluster.reported == [6] }
        running.cancel()
        try await running.value
    }
}
