import Foundation
import Logging
import Synchronization

/// A swift-log handler writing one JSON object per line (`--log-format json`), for log pipelines that parse lines.
///
/// Each line has `time` (RFC 3339, UTC, milliseconds), `level`, `label` (the logger's), `message`, `source` (the
/// module), `error` when the call passed one, and the metadata as top-level keys: the metadata provider's, then the
/// logger's, then the call's (later wins). Metadata keeps its shape: strings stay strings, arrays and dictionaries
/// become JSON arrays and objects. A metadata key that collides with one of the fixed keys is written as
/// `metadata.<key>` so it can never forge the level or the message. Lines go to `write` whole, one call per line;
/// the default writes to stderr under a lock so lines from concurrent tasks never interleave.
public struct JSONLogHandler: LogHandler {
    /// The keys every line has; metadata never overwrites them.
    public static let fixedKeys: Set<String> = ["time", "level", "label", "message", "source", "error"]

    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let write: @Sendable (String) -> Void

    /// A handler for `label` writing each line (with its newline) through `write`.
    public init(
        label: String, metadataProvider: Logger.MetadataProvider? = nil,
        write: @escaping @Sendable (String) -> Void = JSONLogHandler.standardError
    ) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadataProvider?.get() ?? [:]
        merged.merge(metadata) { $1 }
        merged.merge(event.metadata ?? [:]) { $1 }
        var fields: [String: Any] = [:]
        for (key, value) in merged {
            fields[Self.fixedKeys.contains(key) ? "metadata.\(key)" : key] = Self.json(value)
        }
        fields["time"] = Date().formatted(Self.timeFormat)
        fields["level"] = event.level.rawValue
        fields["label"] = label
        fields["message"] = "\(event.message)"
        fields["source"] = event.source
        if let error = event.error { fields["error"] = String(describing: error) }
        guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return }
        write(String(decoding: data, as: UTF8.self) + "\n")
    }

    /// RFC 3339 in UTC with milliseconds: `2026-12-01T22:30:00.123Z`.
    static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    /// A metadata value as a JSON-serialisable value of the same shape.
    static func json(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        case .array(let values): values.map(json)
        case .dictionary(let values): values.mapValues(json)
        }
    }

    /// Writes `line` to stderr in one `write(2)` per line, serialised across threads.
    public static let standardError: @Sendable (String) -> Void = { line in
        standardErrorLock.withLock { _ in FileHandle.standardError.write(Data(line.utf8)) }
    }

    private static let standardErrorLock = Mutex(())
}
