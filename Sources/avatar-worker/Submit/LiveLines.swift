import Foundation

/// A block of lines at the bottom of a terminal that is redrawn in place: the cursor goes back up over the block
/// and every line is cleared and rewritten, in one write, so the block never flickers or scrolls. Lines are cut to
/// the terminal's width (a wrapped line would make the block taller than the cursor moves back) and the block to
/// its height.
struct LiveLines {
    /// The terminal drawn on.
    let terminal: Terminal
    private var drawn = 0

    /// A renderer for `terminal`; nothing is drawn yet.
    init(terminal: Terminal) {
        self.terminal = terminal
    }

    /// Replaces the block with `lines` (and `footer`, always shown).
    mutating func draw(_ lines: [String], footer: String) {
        let room = max(terminal.height - 2, 1)
        var shown = lines
        if shown.count + 1 > room {
            shown = Array(lines.prefix(max(room - 2, 0))) + ["  … and \(lines.count - max(room - 2, 0)) more"]
        }
        shown.append(footer)
        var output = drawn > 0 ? "\u{1B}[\(drawn)A" : ""
        for line in shown { output += "\r\u{1B}[2K" + terminal.fit(line) + "\n" }
        for _ in shown.count..<max(drawn, shown.count) { output += "\r\u{1B}[2K\n" }
        drawn = max(drawn, shown.count)
        FileHandle.standardOutput.write(Data(output.utf8))
    }
}
