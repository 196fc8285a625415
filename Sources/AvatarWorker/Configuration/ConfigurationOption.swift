import Foundation

/// One option of `WorkerConfiguration`: its names in every layer, its default, and how a text value is applied.
///
/// The flag is `--<name>`, the environment variable `AVATAR_WORKER_<NAME>` (dashes as underscores, upper case),
/// the config-file key `<name>`. The CLI builds its flags and `--help` text from `WorkerConfiguration.options`.
public struct ConfigurationOption: Sendable {
    /// The option's name: flag without dashes, and config-file key.
    public let name: String
    /// What the option is for.
    public let summary: String
    /// The default as text (as `--help` shows it).
    public let defaultValue: String
    let apply: @Sendable (inout WorkerConfiguration, String, ConfigurationSource) throws(ConfigurationError) -> Void

    init(
        _ name: String,
        _ summary: String,
        default defaultValue: String,
        apply: @escaping @Sendable (inout WorkerConfiguration, String, ConfigurationSource)
            throws(ConfigurationError) -> Void
    ) {
        self.name = name
        self.summary = summary
        self.defaultValue = defaultValue
        self.apply = apply
    }

    /// The environment variable that sets the option.
    public var environmentVariable: String { Self.environmentPrefix + Self.environmentSuffix(of: name) }

    /// Prefix of every worker environment variable.
    public static let environmentPrefix = "AVATAR_WORKER_"

    /// `jobs-topic` → `JOBS_TOPIC`.
    static func environmentSuffix(of name: String) -> String {
        name.uppercased().replacingOccurrences(of: "-", with: "_")
    }
}

/// Parsers for option values; each throws `ConfigurationError.invalidValue` naming the option, value and source.
enum ConfigurationValue {
    static func text(_ option: String, _ value: String, _ source: ConfigurationSource) throws(ConfigurationError)
        -> String
    {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else {
            throw .invalidValue(option: option, value: value, expected: "a non-empty value", source: source)
        }
        return trimmed
    }

    static func integer(
        _ option: String, _ value: String, _ source: ConfigurationSource, in range: ClosedRange<Int>
    ) throws(ConfigurationError) -> Int {
        guard let number = Int(value.trimmingCharacters(in: .whitespaces)), range.contains(number) else {
            throw .invalidValue(
                option: option, value: value,
                expected: "an integer in \(range.lowerBound)...\(range.upperBound)", source: source
            )
        }
        return number
    }

    static func decimal(
        _ option: String, _ value: String, _ source: ConfigurationSource, in range: ClosedRange<Double>
    ) throws(ConfigurationError) -> Double {
        guard let number = Double(value.trimmingCharacters(in: .whitespaces)), range.contains(number) else {
            throw .invalidValue(
                option: option, value: value,
                expected: "a number in \(range.lowerBound)...\(range.upperBound)", source: source
            )
        }
        return number
    }

    static func boolean(_ option: String, _ value: String, _ source: ConfigurationSource) throws(ConfigurationError)
        -> Bool
    {
        switch value.trimmingCharacters(in: .whitespaces).lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default:
            throw .invalidValue(option: option, value: value, expected: "true or false", source: source)
        }
    }

    /// A positive duration: a number with unit `ms`, `s`, `m` or `h` (`500ms`, `30s`, `10m`, `1.5h`), or a plain
    /// number of seconds.
    static func duration(_ option: String, _ value: String, _ source: ConfigurationSource) throws(ConfigurationError)
        -> Duration
    {
        let text = value.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var number = text
        var scale = 1.0
        if let unit = units.first(where: { text.hasSuffix($0.suffix) }) {
            number = String(text.dropLast(unit.suffix.count))
            scale = unit.seconds
        }
        guard let amount = Double(number), amount.isFinite, amount > 0 else {
            throw .invalidValue(
                option: option, value: value,
                expected: "a positive duration such as 500ms, 30s, 10m, 1h (or plain seconds)", source: source
            )
        }
        return .seconds(amount * scale)
    }
}
