#if LIBFUZZER
/// libFuzzer's own driver, called from a fuzz target's entry point.
///
/// SwiftPM links every executable with `main` pointing at the module's entry symbol, so a target cannot leave `main`
/// to libFuzzer as C targets do; instead its entry (an `@_cdecl("<module>_main")` function) hands argc/argv to
/// `LLVMFuzzerRunDriver`, which parses libFuzzer's flags and calls back once per input. Compiled only with
/// `-DLIBFUZZER` (`scripts/fuzz`), where `-sanitize=fuzzer` links libFuzzer.
public enum LibFuzzerDriver {
    /// Runs libFuzzer with the process's arguments and `callback`; returns its exit status.
    public static func run(
        argc: CInt, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt {
        var count = argc
        var vector = argv
        return LLVMFuzzerRunDriver(&count, &vector, callback)
    }
}

@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt
#endif
