import Foundation

/// Names for topics, groups and transactional ids that no other test (running in parallel, or earlier against the
/// same broker) uses.
public enum UniqueName {
    /// `prefix-` followed by 8 random hex digits, e.g. `jobs-3f9a0c12`.
    public static func make(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }
}
