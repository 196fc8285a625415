import Logging

/// Logging for the client commands: warnings and errors only (a broker that cannot be reached, a partition that
/// cannot be read) on stderr, so their stdout stays the output and their stderr stays short. `run` sets up its own.
enum ClientLogging {
    /// Sets the level once per process (swift-log allows one bootstrap); later calls do nothing.
    static func configure() { _ = configured }

    private static let configured: Void = {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
    }()
}
