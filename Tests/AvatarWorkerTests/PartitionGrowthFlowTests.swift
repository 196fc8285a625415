import AvatarJobs
import AvatarWorker
import CometAPISimulator
import Foundation
import Kafka
import KafkaDevelopment
import Testing
import TestSupport
import WorkerTestSupport

/// A running worker learning a larger jobs partition count, end to end against Tansu and the simulator.
///
/// Tansu 0.6 does not implement CreatePartitions (nor does librdkafka's mock cluster), so the topics cannot grow
/// under a running worker here. The worker starts instead as it stands right after a growth it has not noticed:
/// `--jobs-partitions 2` on four-partition topics, so partitions 2 and 3 are assigned without a share. The worker's
/// own partition-count check must learn the count, the core must compute the shares again and release the new
/// partitions after the growth hold, and the jobs of those partitions must complete.
@Suite("Partition growth through an in-process worker", .serialized)
struct PartitionGrowthFlowTests {
    @Test("jobs of partitions beyond the count the worker started with complete once it learnt the count")
    func newPartitionsTakeJobs() async throws {
        try await withEmbeddedBroker { broker in
            try await withSimulator(SimulatorConfiguration(taskSeconds: 0.2...0.3, mediaChecks: .sizeOnly)) { simulator in
                let topics = try await WorkerTopics.create(on: broker, partitions: 4)
                var configuration = try testWorkerConfiguration(broker: broker, simulator: simulator, topics: topics)
                configuration.jobsPartitions = 2
                configuration.partitionCheckInterval = .milliseconds(300)
                configuration.partitionGrowthHold = .milliseconds(300)
                try await withWorker(configuration) { worker in
                    try await waitUntil("every partition shared over four", within: .seconds(60)) {
                        let partitions = worker.service.status?.partitions ?? []
                        return partitions.count == 4 && partitions.allSatisfy { $0.share == 5 }
                    }
                    let producer = try KafkaProducer(configuration: broker.producerConfiguration())
                    var jobIDs: [String] = []
                    for partition: Int32 in [2, 3] {
                        for index in 0..<2 {
                            let jobID = UniqueName.make("grown-\(partition)-\(index)")
                            jobIDs.append(jobID)
                            _ = try await producer.send(KafkaProducerMessage(
                                topic: topics.jobs, partition: partition, key: Array(jobID.utf8), value: sampleJob(jobID)))
                        }
                    }
                    await producer.close()
                    let results = try resultEvents(
                        try await waitForRecords(jobIDs.count, topic: topics.results, partitions: 4, broker: broker))
                    #expect(Set(results.map(\.jobID)) == Set(jobIDs))
                    #expect(results.allSatisfy { $0.type == .succeeded })
                    let ledger = try await readAll(topic: topics.tasks, partitions: 4, broker: broker)
                    #expect(Set(ledger.filter { $0.value != nil }.map(\.partition)) == [2, 3],
                            "the ledger records went to the jobs' own partitions")
                }
            }
        }
    }
}
