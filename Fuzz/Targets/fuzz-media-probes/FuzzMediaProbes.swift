import Foundation
import FuzzProperties

#if LIBFUZZER
/// The libFuzzer entry: SwiftPM points `main` at `fuzz_media_probes_main`; libFuzzer's driver takes over from there and
/// calls the property once per input (see `LibFuzzerDriver`).
@_cdecl("fuzz_media_probes_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    LibFuzzerDriver.run(argc: argc, argv: argv) { data, size in
        PropertyTarget.mediaProbes.enforce(UnsafeRawBufferPointer(start: data, count: size))
        return 0
    }
}
#else
/// Without libFuzzer: replays the files and folders given as arguments through the same property.
@main
enum FuzzMediaProbes {
    static func main() {
        exit(CorpusReplay.run(.mediaProbes, paths: Array(CommandLine.arguments.dropFirst())))
    }
}
#endif
