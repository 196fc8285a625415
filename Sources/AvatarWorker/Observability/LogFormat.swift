import Logging

/// How the worker's log lines are written to stderr: `text` (swift-log's stream handler, for people) or `json` (one
/// JSON object per line, for log pipelines; see ``JSONLogHandler``). Both carry the same metadata keys
/// (``JobLogContext``).
///
/// A struct with static members rather than an enum, so a format (logfmt) can be added without breaking callers.
public struct LogFormat: Sendable, Hashable, CustomStringConvertible {
    /// The name `--log-format` takes.
    public let name: String

    private init(name: String) { self.name = name }

    /// swift-log's `StreamLogHandler` on stderr.
    public static let text = LogFormat(name: "text")
    /// ``JSONLogHandler`` on stderr.
    public static let json = LogFormat(name: "json")
    /// Every format, in `--help` order.
    public static let all: [LogFormat] = [.text, .json]

    /// The format called `name`, or nil.
    public init?(named name: String) {
        guard let format = Self.all.first(where: { $0.name == name }) else { return nil }
        self = format
    }

    /// A handler of this format for a logger labelled `label`, at `level`.
    public func makeHandler(
        label: String, level: Logger.Level, metadataProvider: Logger.MetadataProvider? = nil
    ) -> any LogHandler {
        var handler: any LogHandler = self == .json
            ? JSONLogHandler(label: label, metadataProvider: metadataProvider)
            : StreamLogHandler.standardError(label: label, metadataProvider: metadataProvider)
        handler.logLevel = level
        return handler
    }

    public var description: String { name }
}
