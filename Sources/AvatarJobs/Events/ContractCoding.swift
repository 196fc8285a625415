import Foundation

/// The one JSON encoding of everything the worker writes (result events, ledger records): sorted keys for stable
/// bytes, ISO 8601 UTC times with milliseconds, no escaped slashes in URLs.
public enum ContractCoding {
    /// An encoder configured for the contract.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(timestampStyle))
        }
        return encoder
    }

    /// A decoder that reads what ``encoder()`` writes, and timestamps with or without fractional seconds.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = try? Date(text, strategy: timestampStyle) { return date }
            if let date = try? Date(text, strategy: .iso8601) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not an RFC 3339 time")
        }
        return decoder
    }

    private static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    /// An event encoded as one JSON document.
    public static func encode(_ event: AvatarResultEvent) throws -> [UInt8] {
        Array(try encoder().encode(event))
    }

    /// Reads a result event.
    public static func decodeEvent(_ bytes: [UInt8]) throws -> AvatarResultEvent {
        try decoder().decode(AvatarResultEvent.self, from: Data(bytes))
    }
}
