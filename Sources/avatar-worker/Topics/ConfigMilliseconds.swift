import Foundation
import ArgumentParser

/// A topic config duration on the command line (`0`, `500ms`, `30s`, `10m`, `1h`, `7d`), kept as the whole
/// milliseconds Kafka's `*.ms` configs take, and printed back the same short way.
struct ConfigMilliseconds: ExpressibleByArgument, Sendable, Hashable, CustomStringConvertible {
    /// The value in milliseconds (-1 only from a broker: "forever").
    let value: Int64

    init(_ value: Int64) { self.value = value }

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(suffix: String, milliseconds: Double)] = [
            ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
        ]
        var number = text
        var scale = 1000.0  // a plain number is seconds, as the worker's own durations
        if let unit = units.first(where: { text.hasSuffix($0.suffix) }) {
            number = String(text.dropLast(unit.suffix.count))
            scale = unit.milliseconds
        }
        guard let amount = Double(number), amount.isFinite, amount >= 0, amount * scale < Double(Int64.max) else { return nil }
        value = Int64((amount * scale).rounded())
    }

    static var defaultCompletionKind: CompletionKind { .default }

    /// `0`, `250ms`, `45s`, `10m`, `1h`, `7d` (the largest unit that divides it), or `forever` for -1.
    var description: String {
        if value < 0 { return "forever" }
        for (suffix, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000)]
        where value >= size && value % size == 0 {
            return "\(value / size)\(suffix)"
        }
        return value == 0 ? "0" : "\(value)ms"
    }
}
