extension WorkerConfiguration {
    static let pollOptions: [ConfigurationOption] = [
        .stored("first-poll-delay-std", "delay from submission to the first poll, std mode", default: "15s",
                at: \.pollPolicy.firstPollDelayStd) { try $0.duration() },
        .stored("first-poll-delay-pro", "delay from submission to the first poll, pro mode", default: "30s",
                at: \.pollPolicy.firstPollDelayPro) { try $0.duration() },
        .stored("poll-interval", "interval between polls of a young task", default: "10s",
                at: \.pollPolicy.interval) { try $0.duration() },
        .stored("poll-slow-after", "task age after which the interval grows", default: "5m",
                at: \.pollPolicy.slowDownAfter) { try $0.duration() },
        .stored("poll-slow-interval", "interval a long task settles at (the cap)", default: "30s",
                at: \.pollPolicy.slowInterval) { try $0.duration() },
        .stored("poll-jitter", "fraction (0...0.9) by which poll delays are spread", default: "0.2",
                at: \.pollPolicy.jitter) { try $0.number(in: 0...0.9) },
        .stored("poll-requests-per-second", "global budget of poll requests per second", default: "20",
                at: \.pollLimits.requestsPerSecond) { try $0.number(in: 0.01...100_000) },
        .stored("poll-burst", "poll requests allowed at once after an idle spell", default: "20",
                at: \.pollLimits.burst) { try $0.number(in: 1...100_000) },
        .stored("max-concurrent-polls", "poll requests in flight at once", default: "16",
                at: \.pollLimits.maxConcurrentPolls) { try $0.number(in: 1...10_000) },
    ]
}
