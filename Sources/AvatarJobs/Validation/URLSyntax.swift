/// The URL rule of the job schema (`$defs/http_url`), checked byte by byte so both validators agree exactly:
/// `http` or `https` (any case), `//`, a host of unreserved/sub-delim/percent characters or a bracketed IPv6
/// literal, an optional 1–5 digit port, then an optional path/query/fragment of printable ASCII; at most 2048
/// characters; no `user:password@`.
enum URLSyntax {
    /// Returns `nil` when `url` is acceptable, else the error for `field`.
    static func check(_ url: String, field: String, limits: ValidationLimits) -> JobValidationError? {
        let bytes = Array(url.utf8)
        func error(_ code: JobValidationError.Code, _ message: String, limit: String? = nil) -> JobValidationError {
            JobValidationError(code: code, field: field, message: message, limit: limit, valueSeen: redacted(url))
        }
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else {
            return error(.urlInvalid, "not an absolute URL")
        }
        let scheme = String(decoding: bytes[..<colon], as: UTF8.self).lowercased()
        guard scheme == "http" || scheme == "https" else {
            return error(.urlUnsupportedScheme, "scheme '\(scheme)' is not http or https", limit: "http, https")
        }
        guard url.unicodeScalars.count <= limits.maximumURLLength else {
            return error(.urlInvalid, "URL is longer than \(limits.maximumURLLength) characters",
                         limit: "\(limits.maximumURLLength) characters")
        }
        guard bytes.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            return error(.urlInvalid, "URL contains whitespace, control or non-ASCII characters (percent-encode them)")
        }
        guard bytes.count > colon + 2, bytes[colon + 1] == UInt8(ascii: "/"), bytes[colon + 2] == UInt8(ascii: "/") else {
            return error(.urlInvalid, "expected '//' after '\(scheme):'")
        }
        let authorityStart = colon + 3
        let authorityEnd = bytes[authorityStart...].firstIndex { $0 == 0x2F || $0 == 0x3F || $0 == 0x23 } ?? bytes.count
        let authority = bytes[authorityStart..<authorityEnd]
        if authority.contains(UInt8(ascii: "@")) {
            return error(.urlHasCredentials, "URL carries credentials (user@host); pass media without them")
        }
        guard isValidAuthority(authority) else {
            return error(.urlInvalid, "URL has no valid host[:port]")
        }
        return nil
    }

    private static func isValidAuthority(_ authority: ArraySlice<UInt8>) -> Bool {
        var hostEnd = authority.endIndex
        if authority.first == UInt8(ascii: "[") {
            guard let close = authority.firstIndex(of: UInt8(ascii: "]")), close > authority.startIndex + 1 else { return false }
            guard authority[(authority.startIndex + 1)..<close].allSatisfy(isIPv6LiteralByte) else { return false }
            hostEnd = close + 1
        } else {
            hostEnd = authority.firstIndex(of: UInt8(ascii: ":")) ?? authority.endIndex
            guard hostEnd > authority.startIndex, authority[authority.startIndex..<hostEnd].allSatisfy(isHostByte) else {
                return false
            }
        }
        let rest = authority[hostEnd...]
        if rest.isEmpty { return true }
        let port = rest.dropFirst()
        return rest.first == UInt8(ascii: ":") && (1...5).contains(port.count) && port.allSatisfy { (0x30...0x39).contains($0) }
    }

    private static func isHostByte(_ byte: UInt8) -> Bool {
        switch byte {
        // A-Z a-z 0-9 - . _ ~ % ! $ & ' ( ) * + , ; =
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2D, 0x2E, 0x5F, 0x7E, 0x25, 0x21, 0x24, 0x26...0x2C, 0x3B, 0x3D: true
        default: false
        }
    }

    private static func isIPv6LiteralByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x46, 0x61...0x66, UInt8(ascii: ":"), UInt8(ascii: "."): true
        default: false
        }
    }

    /// The URL for error messages, without a query string (which may hold signatures) and cut to 200 characters.
    static func redacted(_ url: String) -> String {
        let base = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        let credentialFree = base.replacing(/\/\/[^\/@]*@/, with: "//***@")
        return credentialFree.count > 200 ? String(credentialFree.prefix(200)) + "…" : credentialFree
    }
}
