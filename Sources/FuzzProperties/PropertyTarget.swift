/// A property a fuzz target checks on each input: the names the runner prints and the check itself.
public struct PropertyTarget: Sendable {
    /// The target's name, as `scripts/fuzz` and the corpus folder call it.
    public let name: String
    /// The violations for one input; empty when every property holds.
    public let violations: @Sendable (UnsafeRawBufferPointer) -> [String]

    /// The JSON reader's target (``JSONRoundTripProperty``).
    public static let strictJSON = PropertyTarget(name: "strict-json", violations: JSONRoundTripProperty.violations)
    /// The media probes' target (``MediaProbeProperty``).
    public static let mediaProbes = PropertyTarget(name: "media-probes", violations: MediaProbeProperty.violations)

    /// Runs the check and stops the process on a violation, which is how libFuzzer learns of one: it then writes the
    /// input to a `crash-…` file and exits non-zero.
    public func enforce(_ bytes: UnsafeRawBufferPointer) {
        let found = violations(bytes)
        if !found.isEmpty { fatalError("\(name) property violated: \(found.joined(separator: "; "))") }
    }
}
