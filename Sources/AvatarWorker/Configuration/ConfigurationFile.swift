import Foundation

/// Reads the optional JSON configuration file into a layer of (option, value, source) triples.
///
/// The file is a JSON object: option names map to strings, numbers or booleans (numbers of seconds are fine for
/// durations), and `"kafka"` maps to an object of librdkafka properties. Anything else is a
/// `ConfigurationError.malformedConfigFile` that says what was found.
enum ConfigurationFile {
    /// A JSON value as the file may hold it.
    private enum Value: Decodable {
        case scalar(String)
        case object([String: Value])
        case other

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let flag = try? container.decode(Bool.self) {
                self = .scalar(flag ? "true" : "false")
            } else if let whole = try? container.decode(Int.self) {
                self = .scalar(String(whole))
            } else if let number = try? container.decode(Double.self) {
                self = .scalar(String(number))
            } else if let text = try? container.decode(String.self) {
                self = .scalar(text)
            } else if let object = try? container.decode([String: Value].self) {
                self = .object(object)
            } else {
                self = .other
            }
        }
    }

    static func read(path: String) throws(ConfigurationError) -> WorkerConfiguration.Layer {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadableFile(
                option: WorkerConfiguration.configFileOption, path: path, reason: error.localizedDescription
            )
        }
        guard let root = try? JSONDecoder().decode(Value.self, from: data) else {
            throw .malformedConfigFile(path: path, reason: "not valid JSON")
        }
        guard case .object(let object) = root else {
            throw .malformedConfigFile(path: path, reason: "the top level must be a JSON object")
        }
        var layer: WorkerConfiguration.Layer = []
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            if key == "kafka" {
                guard case .object(let properties) = value else {
                    throw .malformedConfigFile(path: path, reason: "\"kafka\" must be an object of properties")
                }
                for (property, propertyValue) in properties.sorted(by: { $0.key < $1.key }) {
                    let name = WorkerConfiguration.kafkaPrefix + property
                    layer.append((name, try scalar(propertyValue, key: name, path: path), .file(path: path, key: name)))
                }
            } else {
                layer.append((key, try scalar(value, key: key, path: path), .file(path: path, key: key)))
            }
        }
        return layer
    }

    private static func scalar(_ value: Value, key: String, path: String) throws(ConfigurationError) -> String {
        guard case .scalar(let text) = value else {
            throw .malformedConfigFile(path: path, reason: "\"\(key)\" must be a string, number or boolean")
        }
        return text
    }
}
