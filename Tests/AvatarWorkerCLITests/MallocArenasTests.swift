@testable import avatar_worker
import Testing

/// The malloc arena cap every `avatar-worker` process sets in `main` (see `MallocArenas`).
@Suite("Malloc arenas")
struct MallocArenasTests {
    @Test("two arenas unless MALLOC_ARENA_MAX is set; glibc accepts the call")
    func choice() {
        #expect(MallocArenas.limit(environment: [:]) == 2)
        #expect(MallocArenas.limit(environment: ["PATH": "/usr/bin"]) == 2)
        #expect(MallocArenas.limit(environment: ["MALLOC_ARENA_MAX": "8"]) == nil, "the operator's choice wins")
        #expect(MallocArenas.apply(environment: [:]))
        #expect(!MallocArenas.apply(environment: ["MALLOC_ARENA_MAX": "4"]))
    }
}
