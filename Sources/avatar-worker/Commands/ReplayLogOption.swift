import ArgumentParser

/// The replay log's topic (`topics create` makes it, `dlq replay` writes it): compacted, keyed by dead-letter
/// position, named after the dead-letter topic unless told otherwise, so one setting serves both commands.
struct ReplayLogOption: ParsableArguments {
    @Option(name: .customLong("replay-log-topic"), help: "Compacted log of replayed dead letters (default: <dlq-topic>.replays).")
    var name: String?

    /// The topic for `settings`.
    func topic(for settings: ClientSettings) -> String { name ?? "\(settings.dlqTopic).replays" }
}
