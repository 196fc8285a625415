/// The pipeline core's random source (jitter of polls and backoffs): SplitMix64, seeded.
///
/// Hand-written because the core must be a value whose every random choice replays from one seed (the simulation
/// prints a failing seed and runs it again), and neither the standard library nor the mirrored packages offer a
/// seedable generator. SplitMix64 is Vigna's: ten lines, full period 2^64, statistically strong enough for jitter.
/// `PipelineRandomTests` pins its output for known seeds. Not for anything security-related.
public struct PipelineRandom: RandomNumberGenerator, Sendable, Hashable {
    private var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
