import ArgumentParser

/// How a reading command prints: for a person on a terminal, JSON lines for a pipe, or either on request.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// Text (or a table) when stdout is a terminal, else JSON lines.
    case auto
    /// Text (or a table) always.
    case text
    /// JSON lines always.
    case json

    /// Whether to print for a person.
    var usesText: Bool {
        switch self {
        case .auto: Terminal.standardOutput() != nil
        case .text: true
        case .json: false
        }
    }
}
