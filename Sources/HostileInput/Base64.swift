import Foundation

/// Standard base64 with padding, as the job contract wants inline media.
enum Base64 {
    static func encode(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
}
