import Foundation

/// The independent validator of the agreement tests: Python's `jsonschema` (Draft 2020-12, with format checks),
/// run once over many instances.
public enum SchemaValidator {
    /// The schema file `schemas/<name>`.
    public static func schemaURL(_ name: String) -> URL {
        PackageRoot.url.appendingPathComponent("schemas").appendingPathComponent(name)
    }

    private static let script = """
    import json, sys
    from jsonschema import Draft202012Validator
    schema = json.load(open(sys.argv[1]))
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    for line in sys.stdin.buffer:
        try:
            instance = json.loads(line)
        except Exception as error:
            print(json.dumps(["not JSON: %s" % error])); continue
        print(json.dumps(sorted(e.json_path + ": " + e.message[:200] for e in validator.iter_errors(instance))))
    """

    /// The schema errors of each instance (empty = valid), in order. Each instance must be one line of JSON
    /// (no raw newlines; JSON escapes them inside strings anyway).
    public static func errors(schema: String, instances: [[UInt8]]) throws -> [[String]] {
        var input = Data()
        for instance in instances {
            precondition(!instance.contains(0x0A), "instances are passed as JSON lines")
            input.append(contentsOf: instance)
            input.append(0x0A)
        }
        let output = try ExternalTool.check("python3", ["-c", script, schemaURL(schema).path], stdin: input)
        let lines = String(decoding: output, as: UTF8.self).split(separator: "\n")
        return try lines.map { line in try JSONDecoder().decode([String].self, from: Data(line.utf8)) }
    }
}
