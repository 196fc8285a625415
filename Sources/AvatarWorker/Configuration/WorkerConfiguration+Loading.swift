import CometAPI
import Foundation

extension WorkerConfiguration {
    /// Option naming the JSON configuration file (flag `--config-file`, `AVATAR_WORKER_CONFIG_FILE`).
    public static let configFileOption = "config-file"
    /// Prefix of pass-through librdkafka properties in flags and the config file (`kafka.session.timeout.ms`).
    public static let kafkaPrefix = "kafka."
    /// Environment variable holding the API key.
    public static let apiKeyVariable = "COMETAPI_KEY"

    /// Loads the configuration: defaults < config file < environment < flags, then `validate()`.
    ///
    /// - `flags`: option name → value as the CLI parsed them (`"jobs-topic"`, `"kafka.linger.ms"`,
    ///   `"config-file"`); only flags the user actually passed.
    /// - `environment`: `AVATAR_WORKER_<OPTION>` sets an option, `AVATAR_WORKER_KAFKA_<PROPERTY>` a librdkafka
    ///   property (underscores become dots, lower case: `…_KAFKA_SESSION_TIMEOUT_MS` → `session.timeout.ms`),
    ///   `AVATAR_WORKER_CONFIG_FILE` the config file, `COMETAPI_KEY` the API key.
    /// - the config file: a JSON object of option names to strings, numbers or booleans, and `"kafka"` to an object
    ///   of librdkafka properties.
    ///
    /// The API key: a key file passed as a flag wins, then `COMETAPI_KEY`, then a key file from the environment or
    /// config file. Unknown option names are errors (typos must not pass silently).
    public static func load(
        flags: [String: String] = [:],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> WorkerConfiguration {
        var config = WorkerConfiguration()
        let configFileVariable = ConfigurationOption.environmentPrefix
            + ConfigurationOption.environmentSuffix(of: configFileOption)
        if let path = flags[configFileOption] ?? environment[configFileVariable] {
            try config.apply(ConfigurationFile.read(path: path))
        }
        let fileKeyFile = config.apiKeyFile
        try config.apply(environmentLayer(environment))
        let environmentKeyFile = config.apiKeyFile
        try config.apply(flags.filter { $0.key != configFileOption }.map { ($0.key, $0.value, .flag($0.key)) })
        try config.resolveAPIKey(
            flagKeyFile: flags["api-key-file"] != nil ? config.apiKeyFile : nil,
            environmentKey: environment[apiKeyVariable],
            otherKeyFile: environmentKeyFile ?? fileKeyFile
        )
        try config.validate()
        return config
    }

    /// One layer as (name, value, source) triples, names as in flags.
    typealias Layer = [(name: String, value: String, source: ConfigurationSource)]

    /// The `AVATAR_WORKER_…` variables as a layer. The prefix belongs to `run`'s options alone: every unknown variable
    /// under it is refused, so a typo in a deployment is an error rather than a silent default. Development tools
    /// (failpoints, the embedded broker, the test harness) use `AVATAR_DEV_…`, which this loader never reads.
    static func environmentLayer(_ environment: [String: String]) -> Layer {
        let prefix = ConfigurationOption.environmentPrefix
        let kafkaPrefix = prefix + "KAFKA_"
        let configFileVariable = prefix + ConfigurationOption.environmentSuffix(of: configFileOption)
        var layer: Layer = []
        for (variable, value) in environment.sorted(by: { $0.key < $1.key }) where variable.hasPrefix(prefix) {
            guard variable != configFileVariable else { continue }
            if variable.hasPrefix(kafkaPrefix) {
                let property = variable.dropFirst(kafkaPrefix.count).lowercased()
                    .replacingOccurrences(of: "_", with: ".")
                layer.append((Self.kafkaPrefix + property, value, .environment(variable)))
            } else if let option = options.first(where: { $0.environmentVariable == variable }) {
                layer.append((option.name, value, .environment(variable)))
            } else {
                layer.append((String(variable.dropFirst(prefix.count)), value, .environment(variable)))
            }
        }
        return layer
    }

    /// Applies one layer on top of the current values.
    mutating func apply(_ layer: Layer) throws(ConfigurationError) {
        for (name, value, source) in layer {
            if name.hasPrefix(Self.kafkaPrefix) {
                let property = String(name.dropFirst(Self.kafkaPrefix.count))
                guard !property.isEmpty else { throw .unknownOption(name: name, source: source) }
                kafka[property] = value
            } else if let option = Self.options.first(where: { $0.name == name }) {
                try option.apply(&self, ConfigurationInput(option: name, value: value, source: source))
            } else {
                throw .unknownOption(name: name, source: source)
            }
        }
    }

    private mutating func resolveAPIKey(
        flagKeyFile: String?, environmentKey: String?, otherKeyFile: String?
    ) throws(ConfigurationError) {
        if let flagKeyFile {
            apiKey = try Self.readKey(file: flagKeyFile)
        } else if let environmentKey {
            do {
                apiKey = try APIKey(environmentKey, source: Self.apiKeyVariable)
            } catch {
                throw .emptyAPIKey(source: Self.apiKeyVariable)
            }
        } else if let otherKeyFile {
            apiKey = try Self.readKey(file: otherKeyFile)
        }
    }

    private static func readKey(file path: String) throws(ConfigurationError) -> APIKey {
        let contents: String
        do {
            contents = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadableFile(option: "api-key-file", path: path, reason: error.localizedDescription)
        }
        do {
            return try APIKey(contents, source: path)
        } catch {
            throw .emptyAPIKey(source: path)
        }
    }
}
