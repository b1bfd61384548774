import Foundation

/// A parsed XML element: local name (namespace prefix removed, lowercased), text and children.
///
/// Report XML is small and flat, so a tree is the simplest faithful model; names are folded so
/// that `<Feedback>`, `<feedback>` and `<dmarc:feedback>` all read alike.
final class XMLNode {
    /// Local name, lowercased.
    let name: String
    /// Concatenated character data, untrimmed.
    var text = ""
    /// Child elements in document order.
    var children: [XMLNode] = []

    init(name: String) { self.name = name }

    /// The first child named `name` (lowercase).
    func child(_ name: String) -> XMLNode? { children.first { $0.name == name } }

    /// Every child named `name`.
    func all(_ name: String) -> [XMLNode] { children.filter { $0.name == name } }

    /// The trimmed text of the child at `path` (`"date_range/begin"`), or `nil` when absent or empty.
    func value(_ path: String) -> String? {
        var node: XMLNode? = self
        for part in path.split(separator: "/") { node = node?.child(String(part)) }
        guard let text = node?.text.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }
}
