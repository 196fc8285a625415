import Foundation

/// A moment given on the command line (`--since`): an RFC 3339 time (`2026-04-27T10:00:00Z`), a date
/// (`2026-04-27`, midnight UTC), or an age before now (`90s`, `30m`, `2h`, `7d`).
enum PointInTime {
    /// The moment `text` names, relative ones counted back from `now`; nil when it names none.
    static func parse(_ text: String, now: Date) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        if let unit = trimmed.last.flatMap({ units[$0] }), let amount = Double(trimmed.dropLast()), amount >= 0 {
            return now.addingTimeInterval(-amount * unit)
        }
        if let date = try? Date(trimmed, strategy: .iso8601) { return date }
        if let date = try? Date(trimmed, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        if let date = try? Date(trimmed, strategy: Date.ISO8601FormatStyle().year().month().day()) { return date }
        return nil
    }

    /// What `--since` accepts, for error messages.
    static let accepted = "an RFC 3339 time (2026-04-27T10:00:00Z), a date (2026-04-27) or an age (90s, 30m, 2h, 7d)"
}
