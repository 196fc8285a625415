/// Kling's generation mode: `std` (faster, cheaper, the default) or `pro` (higher quality, slower).
///
/// An enum because the API defines exactly these two; the poll scheduler uses the mode to pick its first delay.
public enum AvatarMode: String, Sendable, Codable, Hashable, CaseIterable {
    case std
    case pro
}
