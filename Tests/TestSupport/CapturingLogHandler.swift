import Logging
import Synchronization

/// A log handler that keeps every rendered line (message and metadata) so tests can search all log output, e.g.
/// to prove that a secret never appears.
public final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    /// An empty capture.
    public init() {}

    /// Every line logged so far, each as `level message key=value …`.
    public var all: [String] { lines.withLock { $0 } }

    /// A logger at `trace` level that writes into this capture.
    public func logger(label: String = "captured") -> Logger {
        var logger = Logger(label: label) { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    fileprivate func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            let rendered = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            let error = event.error.map { " error=\(String(describing: $0))" } ?? ""
            capture.append("\(event.level) \(event.message) \(rendered) source=\(event.source)\(error)")
        }
    }
}
