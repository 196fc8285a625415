/// Materialising `JSONValue`s with the strict parser.
extension JSONValue {
    /// Parses `bytes` as one JSON document and materialises every string in it.
    /// - Throws: ``JSONSyntaxError`` naming the first refusal and its byte offset.
    package init(
        parsing bytes: some Collection<UInt8>, invalidUnicode: InvalidUnicodePolicy = .refuse
    ) throws(JSONSyntaxError) {
        func parse(_ buffer: UnsafeBufferPointer<UInt8>) -> Result<JSONValue, JSONSyntaxError> {
            Result { () throws(JSONSyntaxError) in
                let raw = UnsafeRawBufferPointer(buffer)
                return try JSONValue(JSONParser.parse(raw, invalidUnicode: invalidUnicode), in: raw, invalidUnicode: invalidUnicode)
            }
        }
        let result = bytes.withContiguousStorageIfAvailable(parse) ?? Array(bytes).withUnsafeBufferPointer(parse)
        self = try result.get()
    }

    /// The owned value of a parsed node whose strings point into `bytes`.
    /// - Throws: ``JSONSyntaxError`` for the first string inside that cannot be materialised.
    package init(
        _ node: JSONNode, in bytes: UnsafeRawBufferPointer, invalidUnicode: InvalidUnicodePolicy = .refuse
    ) throws(JSONSyntaxError) {
        switch node {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .number(let double, let integer): self = integer.map(JSONValue.integer) ?? .double(double)
        case .string(let span): self = .string(try JSONParser.string(span, in: bytes, invalidUnicode: invalidUnicode))
        case .array(let elements):
            var values: [JSONValue] = []
            values.reserveCapacity(elements.count)
            for element in elements { values.append(try JSONValue(element, in: bytes, invalidUnicode: invalidUnicode)) }
            self = .array(values)
        case .object(let members):
            var values: [String: JSONValue] = [:]
            values.reserveCapacity(members.count)
            for member in members { values[member.key] = try JSONValue(member.value, in: bytes, invalidUnicode: invalidUnicode) }
            self = .object(values)
        }
    }
}
