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
    let apply: @Sendable (inout WorkerConfiguration, ConfigurationInput) throws(ConfigurationError) -> Void

    init(
        _ name: String,
        _ summary: String,
        default defaultValue: String,
        apply: @escaping @Sendable (inout WorkerConfiguration, ConfigurationInput) throws(ConfigurationError) -> Void
    ) {
        self.name = name
        self.summary = summary
        self.defaultValue = defaultValue
        self.apply = apply
    }

    /// An option whose value is parsed by `parse` (one of `ConfigurationInput`'s parsers) and stored at `path`.
    /// (The closure's error type is untyped because closures do not infer typed throws.)
    static func stored<Value>(
        _ name: String, _ summary: String, default defaultValue: String,
        at path: WritableKeyPath<WorkerConfiguration, Value> & Sendable,
        _ parse: @escaping @Sendable (ConfigurationInput) throws -> Value
    ) -> ConfigurationOption {
        ConfigurationOption(name, summary, default: defaultValue) { config, input throws(ConfigurationError) in
            do {
                config[keyPath: path] = try parse(input)
            } catch let error as ConfigurationError {
                throw error
            } catch {
                // The parsers throw only ConfigurationError; anything else still names option, value and source.
                throw input.invalid(expected: "a valid value (\(error))")
            }
        }
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

/// One value for one option, with where it came from; its parsers throw `ConfigurationError.invalidValue` naming
/// the option, the value, what was expected and the source.
struct ConfigurationInput: Sendable {
    let option: String
    let value: String
    let source: ConfigurationSource

    private var trimmed: String { value.trimmingCharacters(in: .whitespaces) }

    func invalid(expected: String) -> ConfigurationError {
        .invalidValue(option: option, value: value, expected: expected, source: source)
    }

    func text() throws(ConfigurationError) -> String {
        guard !trimmed.isEmpty else { throw invalid(expected: "a non-empty value") }
        return trimmed
    }

    func number<Number: LosslessStringConvertible & Comparable>(in range: ClosedRange<Number>)
        throws(ConfigurationError) -> Number
    {
        guard let number = Number(trimmed), range.contains(number) else {
            throw invalid(expected: "a number in \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    func boolean() throws(ConfigurationError) -> Bool {
        switch trimmed.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw invalid(expected: "true or false")
        }
    }

    /// A positive duration: a number with unit `ms`, `s`, `m` or `h` (`500ms`, `30s`, `10m`, `1.5h`), or a plain
    /// number of seconds.
    func duration() throws(ConfigurationError) -> Duration {
        let text = trimmed.lowercased()
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var number = text
        var scale = 1.0
        if let unit = units.first(where: { text.hasSuffix($0.suffix) }) {
            number = String(text.dropLast(unit.suffix.count))
            scale = unit.seconds
        }
        guard let amount = Double(number), amount.isFinite, amount > 0 else {
            throw invalid(expected: "a positive duration such as 500ms, 30s, 10m, 1h (or plain seconds)")
        }
        return .seconds(amount * scale)
    }
}
