/// The fuzzer's seeded generator (SplitMix64): the same seed gives the same messages on every machine and Swift
/// version, which the standard library's generator does not promise, so a printed seed reproduces a run.
struct FuzzRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }

    /// A uniform index below `count`.
    mutating func index(_ count: Int) -> Int { Int.random(in: 0..<count, using: &self) }

    /// One of `elements`.
    mutating func pick<T>(_ elements: [T]) -> T { elements[index(elements.count)] }

    /// True with probability `probability`.
    mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &self) < probability }

    /// One case of `weighted`, chosen in proportion to its weight.
    mutating func weighted<T>(_ weighted: [(T, Int)]) -> T {
        var roll = index(weighted.reduce(0) { $0 + $1.1 })
        for (value, weight) in weighted {
            if roll < weight { return value }
            roll -= weight
        }
        return weighted[weighted.count - 1].0
    }
}
