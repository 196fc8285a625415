import Foundation

/// What a command needs to know about its stdout to choose between live, human output and plain JSON lines: whether
/// it is a terminal, and its size (so live lines never wrap, which would break redrawing them in place).
struct Terminal: Sendable, Hashable {
    /// Columns.
    var width: Int
    /// Rows.
    var height: Int

    /// The terminal stdout is attached to, or nil when stdout is a pipe or file.
    static func standardOutput() -> Terminal? {
        guard isatty(STDOUT_FILENO) == 1 else { return nil }
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else {
            return Terminal(width: 80, height: 24)
        }
        return Terminal(width: Int(size.ws_col), height: max(Int(size.ws_row), 3))
    }

    /// `text` cut to fit one line of this terminal (one column spare, so the cursor never wraps).
    func fit(_ text: String) -> String {
        let room = max(width - 1, 1)
        guard text.count > room else { return text }
        return String(text.prefix(max(room - 1, 0))) + "…"
    }
}
