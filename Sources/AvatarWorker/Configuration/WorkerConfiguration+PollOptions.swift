extension WorkerConfiguration {
    static let pollOptions: [ConfigurationOption] = [
        ConfigurationOption("first-poll-delay-std", "delay from submission to the first poll, std mode", default: "15s")
        { config, value, source throws(ConfigurationError) in
            config.pollPolicy.firstPollDelayStd = try ConfigurationValue.duration("first-poll-delay-std", value, source)
        },
        ConfigurationOption("first-poll-delay-pro", "delay from submission to the first poll, pro mode", default: "30s")
        { config, value, source throws(ConfigurationError) in
            config.pollPolicy.firstPollDelayPro = try ConfigurationValue.duration("first-poll-delay-pro", value, source)
        },
        ConfigurationOption("poll-interval", "interval between polls of a young task", default: "10s")
        { config, value, source throws(ConfigurationError) in
            config.pollPolicy.interval = try ConfigurationValue.duration("poll-interval", value, source)
        },
        ConfigurationOption("poll-slow-after", "task age after which the interval grows", default: "5m")
        { config, value, source throws(ConfigurationError) in
            config.pollPolicy.slowDownAfter = try ConfigurationValue.duration("poll-slow-after", value, source)
        },
        ConfigurationOption("poll-slow-interval", "interval a long task settles at (the cap)", default: "30s")
        { config, value, source throws(ConfigurationError) in
            config.pollPolicy.slowInterval = try ConfigurationValue.duration("poll-slow-interval", value, source)
        },
        ConfigurationOption("poll-jitter", "fraction (0..<1) by which poll delays are spread", default: "0.2")
        { config, value, source throws(ConfigurationError) in
            config.pollPolicy.jitter = try ConfigurationValue.decimal("poll-jitter", value, source, in: 0...0.9)
        },
        ConfigurationOption("poll-requests-per-second", "global budget of poll requests per second", default: "20")
        { config, value, source throws(ConfigurationError) in
            config.pollLimits.requestsPerSecond = try ConfigurationValue.decimal(
                "poll-requests-per-second", value, source, in: 0.01...100_000)
        },
        ConfigurationOption("poll-burst", "poll requests allowed at once after an idle spell", default: "20")
        { config, value, source throws(ConfigurationError) in
            config.pollLimits.burst = try ConfigurationValue.integer("poll-burst", value, source, in: 1...100_000)
        },
        ConfigurationOption("max-concurrent-polls", "poll requests in flight at once", default: "16")
        { config, value, source throws(ConfigurationError) in
            config.pollLimits.maxConcurrentPolls = try ConfigurationValue.integer(
                "max-concurrent-polls", value, source, in: 1...10_000)
        },
    ]
}
