import Kafka

/// Bounded scans of one partition for records with given keys, for `status`: newest first (the latest record of a
/// key decides: a job's last event, its ledger record or tombstone), or forward from an offset (the next copy of a
/// job still waiting to be consumed). Every scan reads at most `limit` records and reports the range it read.
struct PartitionScanner: Sendable {
    /// Reader settings.
    let configuration: KafkaConfiguration
    /// Most records one scan reads.
    let limit: Int
    /// Records per backwards window: a window is one read, newest windows first.
    var window: Int = 2000

    /// The newest record of each of `keys` in `topic[partition]`, reading backwards window by window until every key
    /// was seen, `limit` records were read or the beginning was reached.
    func newest(keys: Set<String>, topic: String, partition: Int32) async throws -> (found: [String: KafkaConsumerMessage], range: ScannedRange) {
        let reader = try KafkaPartitionReader(configuration: configuration)
        let watermarks = try await reader.queryWatermarks(topic: topic, partition: partition)
        var found: [String: KafkaConsumerMessage] = [:]
        func keep(_ records: [KafkaConsumerMessage]) {
            for record in records {
                guard let key = record.keyText, keys.contains(key) else { continue }
                if let seen = found[key], seen.offset > record.offset { continue }
                found[key] = record
            }
        }
        // The end as fetch responses report it (a queried high watermark can be low on some brokers): what lies
        // between is the newest of all and is read first.
        let end = try await reader.read(topic: topic, partition: partition, from: watermarks.high) { keep($0) }
        var from = watermarks.high
        var read = Int(end - watermarks.high)
        while from > watermarks.low, read < limit, !keys.isSubset(of: found.keys) {
            let size = Int64(min(window, limit - read))
            let start = max(watermarks.low, from - size)
            var windowFound: [KafkaConsumerMessage] = []
            _ = try await reader.read(topic: topic, partition: partition, from: start, until: from) { windowFound += $0 }
            // Within a window the newest record of a key wins; a key already found in a newer window stays.
            let newer = found
            keep(windowFound.filter { record in record.keyText.map { newer[$0] == nil } ?? false })
            read += Int(from - start)
            from = start
        }
        let range = ScannedRange(
            topic: topic, partition: partition, from: from, to: end,
            skippedOlder: from > watermarks.low && !keys.isSubset(of: found.keys))
        return (found, range)
    }

    /// The first record `matching` in `topic[partition]` at or after `start` (the beginning when nil), reading
    /// forward at most `limit` records in small batches (job messages may carry megabytes of inline media).
    func first(
        topic: String, partition: Int32, from start: Int64?, matching: (KafkaConsumerMessage) -> Bool
    ) async throws -> (found: KafkaConsumerMessage?, range: ScannedRange) {
        let reader = try KafkaPartitionReader(configuration: configuration)
        let watermarks = try await reader.queryWatermarks(topic: topic, partition: partition)
        let from = max(start ?? watermarks.low, watermarks.low)
        var found: KafkaConsumerMessage?
        let stop = from + Int64(limit)
        struct Found: Error {}
        var to = from
        do {
            to = try await reader.read(topic: topic, partition: partition, from: from, until: stop, batchSize: 8) { records in
                if let match = records.first(where: matching) {
                    found = match
                    throw Found()
                }
            }
        } catch is Found {
            to = (found?.offset ?? from) + 1
        }
        // The end as fetch responses report it decides whether anything newer was left (see `newest`).
        var skippedNewer = false
        if found == nil, to >= stop {
            skippedNewer = try await reader.read(topic: topic, partition: partition, from: max(to, watermarks.high)) { _ in } > to
        }
        return (found, ScannedRange(topic: topic, partition: partition, from: from, to: to, skippedNewer: skippedNewer))
    }
}
