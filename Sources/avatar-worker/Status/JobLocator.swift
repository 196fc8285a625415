import AvatarJobs
import Kafka

/// Finds jobs by id from Kafka alone, in the order their life runs backwards: the terminal event on the results
/// topic, else the live ledger record on the tasks partition the id maps to, else the job message on that jobs
/// partition after the workers' committed offset.
///
/// Ids map to partitions with the configured `partitioner` (the one `submit` and the workers' result publisher use);
/// the ledger partition is the job's partition by the contract. Each partition is scanned once for all the ids that
/// map to it, newest records first and at most `limit` records, so a lookup on a large topic costs what the recent
/// past holds, not the whole history.
struct JobLocator: Sendable {
    /// Where to look.
    let settings: ClientSettings
    /// Most records read per partition and topic.
    let limit: Int

    /// The location of every job in `jobIDs`, in that order.
    func locate(_ jobIDs: [String]) async throws -> [JobLocation] {
        let configuration = settings.readerConfiguration()
        let admin = try KafkaAdmin(configuration: configuration)
        let partitioner = try settings.partitioner()
        let jobsPartitions = try await admin.partitionCount(of: settings.jobsTopic)
        let resultsPartitions = try await admin.partitionCount(of: settings.resultsTopic)
        let scanner = PartitionScanner(configuration: configuration, limit: limit)
        var locations = jobIDs.map {
            JobLocation(jobID: $0, jobsPartition: partitioner.partition(of: $0, partitionCount: jobsPartitions))
        }

        // 1. Results: the newest event of each job; a terminal one ends the search, a progress one is kept.
        var progress: [String: AvatarResultEvent] = [:]
        let byResultsPartition = Dictionary(grouping: jobIDs) { partitioner.partition(of: $0, partitionCount: resultsPartitions) }
        for (partition, ids) in byResultsPartition.sorted(by: { $0.key < $1.key }) {
            let (found, range) = try await scanner.newest(keys: Set(ids), topic: settings.resultsTopic, partition: partition)
            for index in locations.indices where ids.contains(locations[index].jobID) {
                locations[index].scanned.append(range)
                guard let record = found[locations[index].jobID] else { continue }
                guard let value = record.value, let event = try? ContractCoding.decodeEvent(value) else {
                    locations[index].notes.append("unreadable result record at \(range.topic)[\(partition)]@\(record.offset)")
                    continue
                }
                if event.type.isTerminal {
                    locations[index].place = .ended(event, partition: partition, offset: record.offset)
                } else {
                    progress[event.jobID] = event
                }
            }
        }

        // 2. Ledger: the newest record of each remaining job on its own partition.
        let remaining = locations.indices.filter { !locations[$0].isFound }
        for (partition, indices) in Dictionary(grouping: remaining, by: { locations[$0].jobsPartition }).sorted(by: { $0.key < $1.key }) {
            let ids = Set(indices.map { locations[$0].jobID })
            let (found, range) = try await scanner.newest(keys: ids, topic: settings.tasksTopic, partition: partition)
            for index in indices {
                locations[index].scanned.append(range)
                guard let record = found[locations[index].jobID] else { continue }
                guard let value = record.value else {
                    locations[index].notes.append(
                        "its ledger record was ended by a tombstone at \(range.topic)[\(partition)]@\(record.offset), "
                            + "but its terminal event is not in the scanned results")
                    continue
                }
                guard let ledger = try? AvatarTaskRecord.decode(value) else {
                    locations[index].notes.append("unreadable ledger record at \(range.topic)[\(partition)]@\(record.offset)")
                    continue
                }
                locations[index].place = .inFlight(ledger, ledgerOffset: record.offset, progress: progress[ledger.jobID])
            }
        }

        // 3. Jobs: the job message after the group's committed offset, i.e. not taken by a worker yet.
        let waiting = locations.indices.filter { !locations[$0].isFound }
        let committed = waiting.isEmpty ? [:] : try await admin.committedOffsets(
            group: settings.group, topic: settings.jobsTopic, partitions: Array(Set(waiting.map { locations[$0].jobsPartition })))
        for index in waiting {
            let partition = locations[index].jobsPartition
            let start = committed[partition]
            let jobID = locations[index].jobID
            let (found, range) = try await scanner.first(topic: settings.jobsTopic, partition: partition, from: start) {
                $0.keyText == jobID
            }
            locations[index].scanned.append(range)
            if let found { locations[index].place = .waiting(offset: found.offset, committedOffset: start) }
        }
        return locations
    }
}
