#if canImport(Glibc)
import Glibc
#endif

/// Caps glibc's malloc at two arenas for every `avatar-worker` process, unless `MALLOC_ARENA_MAX` says otherwise.
///
/// glibc gives threads arenas of their own, up to eight per core. A worker's threads (NIO's event loops, librdkafka's,
/// Swift's cooperative pool) all allocate and free the core's jobs, so memory freed in one arena is not reused by
/// the allocations of another and the heap grows far past what is live. `bench capacity` at 100,000 tasks in flight
/// measured 317 MB of heap with glibc's default and 141 MB with two arenas (364 MB and 188 MB resident), with the
/// same CPU per poll within the run-to-run spread. There is no package for this; it is one `mallopt` call, made
/// first thing in `main`, and `MallocArenasTests` checks the choice. Swift's Glibc module leaves out `<malloc.h>`, so
/// `mallopt` is looked up with `dlsym` and `M_ARENA_MAX` is the value that header defines.
enum MallocArenas {
    /// `M_ARENA_MAX` of glibc's `<malloc.h>`.
    static let arenaMaxParameter: Int32 = -8

    /// The arenas allowed when the environment does not say.
    static let defaultLimit: Int32 = 2

    /// The cap to set: nil when `MALLOC_ARENA_MAX` is set, which glibc reads itself (the operator's choice wins).
    static func limit(environment: [String: String]) -> Int32? {
        environment["MALLOC_ARENA_MAX"] == nil ? defaultLimit : nil
    }

    /// Sets the cap for this process; returns whether one was set and glibc accepted it.
    @discardableResult
    static func apply(environment: [String: String]) -> Bool {
        #if canImport(Glibc)
        guard let limit = limit(environment: environment),
              let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt")  // RTLD_DEFAULT
        else { return false }
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        return unsafeBitCast(symbol, to: Mallopt.self)(arenaMaxParameter, limit) == 1
        #else
        return false
        #endif
    }
}
