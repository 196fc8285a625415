import AvatarWorker
import Testing

/// The core's seeded generator is Vigna's SplitMix64, value for value.
@Suite("PipelineRandom")
struct PipelineRandomTests {
    @Test func matchesTheReferenceSequence() {
        var zero = PipelineRandom(seed: 0)
        #expect([zero.next(), zero.next(), zero.next()] == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])
        var other = PipelineRandom(seed: 1_234_567)
        #expect([other.next(), other.next(), other.next()] == [0x599E_D017_FB08_FC85, 0x2C73_F084_5854_0FA5, 0x883E_BCE5_A3F2_7C77])
    }

    @Test func aSeedReplaysAndSeedsDiffer() {
        var first = PipelineRandom(seed: 99)
        var second = PipelineRandom(seed: 99)
        var third = PipelineRandom(seed: 100)
        let a = (0..<8).map { _ in first.next() }
        #expect(a == (0..<8).map { _ in second.next() })
        #expect(a != (0..<8).map { _ in third.next() })
    }
}
