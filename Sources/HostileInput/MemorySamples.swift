import Foundation

/// The worker's resident memory over a run, read from `/proc/<pid>/status` (`VmRSS`), and the rule that calls it
/// flat: the last sample may exceed the first one taken after warm-up by at most `allowedGrowth`, or by half of
/// it, whichever is more. A leak per message grows without bound over 100,000 messages and breaks that; the
/// allocator keeping freed pages for reuse does not.
public struct MemorySamples: Sendable {
    /// Resident bytes in sampling order.
    public private(set) var bytes: [Int] = []
    /// Samples before this index are warm-up (the first messages, librdkafka's buffers filling).
    public var warmUpCount = 0

    public init() {}

    /// The resident set of process `pid` in bytes, nil when it cannot be read (the process ended).
    public static func residentBytes(of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return nil }
        return kilobytes * 1024
    }

    mutating func append(_ sample: Int) { bytes.append(sample) }

    /// The first sample after warm-up (the baseline), the peak and the last.
    public var first: Int? { bytes.count > warmUpCount ? bytes[warmUpCount] : bytes.first }
    public var peak: Int? { bytes.max() }
    public var last: Int? { bytes.last }

    /// Why memory did not stay flat, nil when it did.
    public func violation(allowedGrowth: Int) -> String? {
        guard let first, let last else { return "no memory samples were taken" }
        let limit = first + max(allowedGrowth, first / 2)
        guard last > limit else { return nil }
        return "memory grew from \(Self.megabytes(first)) to \(Self.megabytes(last)) (limit \(Self.megabytes(limit)))"
    }

    static func megabytes(_ bytes: Int) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
}
