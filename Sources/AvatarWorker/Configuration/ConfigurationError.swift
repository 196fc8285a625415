/// Where a configuration value came from, so an error can say where to fix it.
public enum ConfigurationSource: Sendable, Hashable, CustomStringConvertible {
    /// A command-line flag.
    case flag(String)
    /// An environment variable.
    case environment(String)
    /// A key of the JSON configuration file at `path`.
    case file(path: String, key: String)

    public var description: String {
        switch self {
        case .flag(let name): "flag --\(name)"
        case .environment(let variable): "environment variable \(variable)"
        case .file(let path, let key): "key \"\(key)\" of config file \(path)"
        }
    }
}

/// Why the worker's configuration cannot be loaded. Every case names the option and, where there is one, the bad
/// value and where it came from; none ever contains the API key.
public enum ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A value does not parse or is out of range.
    case invalidValue(option: String, value: String, expected: String, source: ConfigurationSource)
    /// A name that is not an option (a typo, most likely).
    case unknownOption(name: String, source: ConfigurationSource)
    /// A file named by an option cannot be read.
    case unreadableFile(option: String, path: String, reason: String)
    /// The configuration file is not a JSON object of option names to scalars (and `kafka` to an object).
    case malformedConfigFile(path: String, reason: String)
    /// Options that are valid alone but not together.
    case inconsistent(options: [String], reason: String)
    /// The API key source exists but holds no key.
    case emptyAPIKey(source: String)
    /// No API key was configured where one is required.
    case missingAPIKey

    public var description: String {
        switch self {
        case .invalidValue(let option, let value, let expected, let source):
            "invalid value \"\(value)\" for option \(option) (from \(source)): expected \(expected)"
        case .unknownOption(let name, let source):
            "unknown option \"\(name)\" (from \(source)); see `avatar-worker run --help` for the options"
        case .unreadableFile(let option, let path, let reason):
            "cannot read \(path) given by option \(option): \(reason)"
        case .malformedConfigFile(let path, let reason):
            "config file \(path) is not usable: \(reason)"
        case .inconsistent(let options, let reason):
            "options \(options.joined(separator: ", ")) do not fit together: \(reason)"
        case .emptyAPIKey(let source):
            "the API key from \(source) is empty"
        case .missingAPIKey:
            "no CometAPI key: set COMETAPI_KEY or pass --api-key-file"
        }
    }
}
