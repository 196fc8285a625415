import Foundation
import StrictJSON

/// Finds a job's `job_id` in a message that cannot be read as a job, so a failure event (and the DLQ entry) can
/// still be keyed to the job the producer meant.
public enum JobIDRecovery {
    /// The `job_id` of `message`, if one with valid syntax can be found.
    ///
    /// First the message is parsed as JSON and `job_id` read from the top-level object; when the JSON is broken
    /// (truncated, bad escape elsewhere), the bytes are searched for the first `"job_id"` key followed by a plain
    /// string literal. Cost is linear in the message; nothing is decoded.
    public static func recover(from message: [UInt8]) -> String? {
        message.withUnsafeBytes { bytes -> String? in
            if let root = try? JSONParser.parse(bytes) {
                guard case .object(let members) = root,
                      let member = members.first(where: { $0.key == "job_id" }),
                      case .string(let span) = member.value,
                      let id = try? JSONParser.string(span, in: bytes)
                else { return nil }
                return JobIDRule.isValid(id, maximumLength: JobIDRule.maximumJobIDLength) ? id : nil
            }
            return scan(bytes)
        }
    }

    private static func scan(_ bytes: UnsafeRawBufferPointer) -> String? {
        let key = Array("\"job_id\"".utf8)
        var searchStart = 0
        while searchStart < bytes.count,
              let quote = memchr(bytes.baseAddress! + searchStart, 0x22, bytes.count - searchStart) {
            let keyStart = bytes.baseAddress!.distance(to: UnsafeRawPointer(quote))
            searchStart = keyStart + 1
            guard bytes.count - keyStart >= key.count,
                  memcmp(bytes.baseAddress! + keyStart, key, key.count) == 0
            else { continue }
            var index = keyStart + key.count
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { continue }
            index += 1
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { continue }
            let start = index + 1
            var end = start
            while end < bytes.count, end - start <= JobIDRule.maximumJobIDLength, JobIDRule.isAllowed(bytes[end]) { end += 1 }
            guard end < bytes.count, bytes[end] == UInt8(ascii: "\""), end > start,
                  end - start <= JobIDRule.maximumJobIDLength
            else { continue }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
        return nil
    }
}
