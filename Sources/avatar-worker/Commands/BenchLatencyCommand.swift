import ArgumentParser
import ChaosHarness
import Foundation
import Kafka

/// `avatar-worker bench latency`: the time the worker itself adds to a job at a steady arrival rate, from its own
/// `avatar_worker_stage_latency_seconds` histogram: `intake_to_create` (message received to its create handed to the
/// HTTP client, the submitting record's ledger write and acknowledgement inside) and `decided_to_acked` (terminal
/// poll answer to its result event acknowledged by Kafka).
///
/// Jobs arrive at `--rate` per second in 10 ms ticks for `--seconds`; tasks end at once. The histogram is scraped
/// after `--warmup` seconds and after the last result, and the difference is the steady-state window. Quantiles are
/// estimated within the histogram's buckets (1 ms wide or finer below 10 ms) as Prometheus's `histogram_quantile`
/// does; the maximum is given as the bucket bound it lies under. The baseline beside them is the same run's
/// `create` and poll call durations (the API's share), so the worker's share is seen against the round trips it
/// cannot shorten.
struct BenchLatencyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latency",
        abstract: "p50/p99/max of consumed→create sent and terminal poll→result acked at a steady 500 jobs/s.")

    @OptionGroup var workerOptions: BenchWorkerArguments

    @Option(help: "Jobs per second.")
    var rate = 500

    @Option(help: "Seconds of arrivals.")
    var seconds = 40

    @Option(help: "Seconds of arrivals left out of the figures (the group join and first fills).")
    var warmup = 10

    @Option(help: "Partitions of each topic.")
    var partitions: Int32 = 4

    @Option(help: "The broker: tansu (the embedded Tansu) or mock (librdkafka's mock cluster, in memory).")
    var broker: ChaosBrokerKind = .tansu

    @Option(help: "Records per second the broker probe writes (acks=all, as the worker's producers), for the broker's own acknowledgement latency.")
    var probeRate = 100


    func validate() throws {
        guard rate > 0, seconds > warmup, warmup >= 0, partitions > 0, probeRate > 0 else {
            throw ValidationError("--rate, --partitions and --probe-rate must be positive and --seconds above --warmup")
        }
    }

    func run() async throws {
        let runID = UUID().uuidString.prefix(6).lowercased()
        let prefix = "lat-\(runID)"
        let total = rate * seconds
        let declared = BenchRig.Topics(prefix: prefix, partitions: partitions)
        try await BenchRig.with(taskSeconds: "0-0", name: "latency", broker: broker, mockTopics: [declared]) { rig in
            let topics = try await rig.createTopics(prefix: prefix, partitions: partitions)
            let arguments = rig.baseWorkerArguments(topics: topics, workerID: "\(prefix)-worker") + [
                "--first-poll-delay-std", "1s", "--poll-interval", "1s",
                "--poll-requests-per-second", "\(rate * 4)", "--poll-burst", "\(rate * 4)",
                "--fleet-in-flight-cap", "\(rate * 10)", "--max-concurrent-creates", "32", "--max-concurrent-polls", "32",
            ] + workerOptions.arguments
            let results = try await rig.resultsReader(topic: topics.results, group: "\(prefix)-reader")
            let worker = try await rig.startWorker(arguments, name: "\(prefix)-worker")
            try await worker.waitUntilReady()
            benchSay("bench latency: \(rate) jobs/s for \(seconds) s (the first \(warmup) s left out), \(partitions) partitions, tasks that end at once; broker \(broker.rawValue); \(benchBuildNote)")
            benchSay("worker: \(worker.command)")
            benchSay("  (differs from the defaults: a 1 s first poll and interval so tasks end within the run, a poll budget of 4× the rate, a fleet cap of 10 s of arrivals, 32 concurrent creates and polls, the log level)")
            let producer = try rig.makeProducer()
            var early = HistogramSnapshots()
            let started = ContinuousClock.now
            let paced = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    var sent = 0
                    var tick = 0
                    while sent < total {
                        tick += 1
                        let due = min(total, rate * tick / 100)
                        let batch = sent..<due
                        sent = due
                        group.addTask { try await rig.produceJobs(batch, prefix: prefix, to: topics, producer: producer) }
                        try await Task.sleep(until: started.advanced(by: .milliseconds(10 * tick)), clock: .continuous)
                    }
                    try await group.waitForAll()
                }
            }
            let scraper = Task {
                try await Task.sleep(until: started.advanced(by: .seconds(warmup)), clock: .continuous)
                return HistogramSnapshots(try await worker.metrics())
            }
            let probe = BrokerProbe(rate: probeRate, topic: topics.dlq, from: started.advanced(by: .seconds(warmup)))
            let probing = Task { try await probe.run(producer: try rig.makeProducer()) }
            var terminal = 0
            do {
                while let batch = try await results.next() {
                    terminal += batch.filter { $0.header("event-type")?.text != "submitted" }.count
                    if terminal >= total { break }
                }
                try await paced.value
                early = try await scraper.value
            } catch {
                paced.cancel()
                scraper.cancel()
                probing.cancel()
                await worker.stop(grace: .seconds(5))
                throw error
            }
            let arrivals = (ContinuousClock.now - started).seconds
            let late = HistogramSnapshots(try await worker.metrics())
            probing.cancel()
            let acknowledgements = try await probing.value
            await worker.stop()
            await results.close()
            await producer.close()
            let window = late.subtracting(early)
            benchSay(String(format: "%d jobs, every result read back %.1f s after the first arrival", total, arrivals))
            report("job consumed → create sent (intake_to_create)", window.intake)
            report("terminal poll → result acked (decided_to_acked)", window.decided)
            benchSay("  beside them, the API's own share in the same window:")
            report("create call (request → answer)", window.create)
            report("poll call (request → answer)", window.poll)
            benchSay("  and the broker's own write latency in the same window (the baseline of both stages, each of which awaits one write):")
            reportSamples("broker probe: a record sent → acked (acks=all)", acknowledgements)
            let p99s = [window.intake.quantile(0.99), window.decided.quantile(0.99)].compactMap { $0 }
            let met = p99s.count == 2 && p99s.allSatisfy { $0 <= 0.010 }
            benchSay("target p99 <= 10 ms for both stages: \(met ? "met" : "NOT met")")
        }
    }

    /// The four histograms read at one scrape.
    struct HistogramSnapshots {
        var intake = HistogramSnapshot(buckets: [], count: 0, sum: 0)
        var decided = HistogramSnapshot(buckets: [], count: 0, sum: 0)
        var create = HistogramSnapshot(buckets: [], count: 0, sum: 0)
        var poll = HistogramSnapshot(buckets: [], count: 0, sum: 0)

        init() {}

        init(_ text: PrometheusText) {
            intake = text.histogram("avatar_worker_stage_latency_seconds", where: ["stage": "intake_to_create"])
            decided = text.histogram("avatar_worker_stage_latency_seconds", where: ["stage": "decided_to_acked"])
            create = text.histogram("avatar_worker_create_duration_seconds", where: ["outcome": "created"])
            poll = text.histogram("avatar_worker_poll_duration_seconds")
        }

        func subtracting(_ earlier: HistogramSnapshots) -> HistogramSnapshots {
            var result = HistogramSnapshots()
            result.intake = intake.subtracting(earlier.intake)
            result.decided = decided.subtracting(earlier.decided)
            result.create = create.subtracting(earlier.create)
            result.poll = poll.subtracting(earlier.poll)
            return result
        }
    }

    /// Sends one small record every `1 / rate` s to `topic` (the run's dead-letter topic, which nothing reads here)
    /// with the same producer settings as the worker's (acks=all, idempotent, librdkafka's default linger) and
    /// measures each one's send → acknowledgement time. Samples before `from` are left out, as the warm-up of the
    /// worker's histograms is. Runs until cancelled, then returns the samples in seconds.
    struct BrokerProbe: Sendable {
        let rate: Int
        let topic: String
        let from: ContinuousClock.Instant

        func run(producer: KafkaProducer) async throws -> [Double] {
            var samples: [Double] = []
            let period = Duration.seconds(1) / rate
            var next = ContinuousClock.now
            while !Task.isCancelled {
                let sent = ContinuousClock.now
                let message = KafkaProducerMessage(topic: topic, partition: 0, key: Array("bench-probe".utf8), value: Array("{}".utf8))
                if (try? await producer.send(message)) != nil, sent >= from { samples.append((ContinuousClock.now - sent).seconds) }
                next = next.advanced(by: period)
                try? await Task.sleep(until: max(next, ContinuousClock.now), clock: .continuous)
            }
            await producer.close()
            return samples
        }
    }

    /// The `q` quantile of ascending `sorted` by nearest rank: the smallest sample with at least `q` of all samples at
    /// or below it (`q` 1 is the maximum); nil when there is none.
    static func nearestRank(_ q: Double, of sorted: [Double]) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count, max(1, rank)) - 1]
    }

    private func reportSamples(_ label: String, _ samples: [Double]) {
        let sorted = samples.sorted()
        func quantile(_ q: Double) -> String {
            Self.nearestRank(q, of: sorted).map { String(format: "%.2f ms", $0 * 1e3) } ?? "-"
        }
        let mean = sorted.isEmpty ? "-" : String(format: "%.2f ms", sorted.reduce(0, +) / Double(sorted.count) * 1e3)
        benchSay("  \(label.padding(toLength: 50, withPad: " ", startingAt: 0)) n=\(sorted.count) p50 \(quantile(0.5)), p99 \(quantile(0.99)), max \(quantile(1)), mean \(mean)")
    }

    private func report(_ label: String, _ histogram: HistogramSnapshot) {
        func milliseconds(_ value: Double?) -> String {
            guard let value else { return "-" }
            return value.isFinite ? String(format: "%.2f ms", value * 1e3) : "above the top bucket"
        }
        benchSay("  \(label.padding(toLength: 50, withPad: " ", startingAt: 0)) n=\(Int(histogram.count)) p50 \(milliseconds(histogram.quantile(0.5))), p99 \(milliseconds(histogram.quantile(0.99))), max <= \(milliseconds(histogram.maximumBound)), mean \(milliseconds(histogram.mean))")
    }
}
