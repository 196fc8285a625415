import Synchronization
import Testing
@testable import AvatarWorker

/// A shutdown's wait for a call it cannot cancel: it answers when the work ends, or when the limit comes first.
@Suite("boundedWait")
struct BoundedWaitTests {
    @Test("work that ends is reported finished")
    func finished() async {
        let ran = Mutex(false)
        #expect(await boundedWait(.seconds(600)) { ran.withLock { $0 = true } })
        #expect(ran.withLock { $0 })
    }

    @Test("work that never ends is left behind once the limit passes")
    func leftBehind() async {
        let (never, _) = AsyncStream<Void>.makeStream()
        #expect(await boundedWait(.milliseconds(50)) { for await _ in never {} } == false)
    }
}
