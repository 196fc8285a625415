/// What a terminal shows after receiving some output: a minimal emulator of the sequences live output uses (`\r`,
/// `\n`, cursor up `ESC [ n A`, clear line `ESC [ 2 K`), so a test checks the final screen and every line ever
/// written instead of raw bytes.
struct TerminalScreen {
    /// The rows as they stand at the end (trailing blank rows dropped).
    private(set) var finalLines: [String] = []
    /// Every line as it stood each time the cursor left it (the history of live lines).
    private(set) var writtenLines: [String] = []
    /// How many times the cursor moved up to redraw.
    private(set) var redraws = 0

    init(_ output: String) {
        var rows: [String] = [""]
        var row = 0
        var scalars = Array(output.unicodeScalars)[...]
        func leaveRow() {
            if !rows[row].isEmpty { writtenLines.append(rows[row]) }
        }
        while let scalar = scalars.popFirst() {
            switch scalar {
            case "\u{1B}":
                guard scalars.first == "[" else { continue }
                scalars.removeFirst()
                var digits = ""
                while let next = scalars.first, next.properties.numericType != nil { digits.unicodeScalars.append(next); scalars.removeFirst() }
                guard let command = scalars.popFirst() else { break }
                if command == "A" {
                    leaveRow()
                    row = max(row - (Int(digits) ?? 1), 0)
                    redraws += 1
                } else if command == "K" {
                    rows[row] = ""
                }
            case "\r":
                break  // every line is rewritten whole after a clear, so the column never matters here
            case "\n":
                leaveRow()
                row += 1
                if row == rows.count { rows.append("") }
            default:
                rows[row].unicodeScalars.append(scalar)
            }
        }
        while rows.last?.isEmpty == true { rows.removeLast() }
        finalLines = rows
    }
}
