import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses report XML into an ``XMLNode`` tree with Foundation's `XMLParser`, refusing anything
/// dangerous.
///
/// - Any markup declaration (`<!DOCTYPE`, `<!ENTITY`, `<!ELEMENT`, `<!ATTLIST`, `<!NOTATION`) is
///   refused before parsing, so neither external entities (XXE) nor entity expansion (billion
///   laughs) can happen; `shouldResolveExternalEntities` stays `false` as well, and the
///   delegate aborts on any entity declaration the scan might have missed.
/// - Only UTF-8 (or ASCII) input is accepted; a UTF-16 document is refused (reports are UTF-8).
/// - Element names are folded to lowercase local names (namespaces such as RFC 9990's
///   `urn:ietf:params:xml:ns:dmarc-2.0` or none at all read alike).
enum SafeXMLParser {
    /// The root element of `data`.
    ///
    /// - Throws: ``ReportsError/markupDeclaration(what:declaration:)``,
    ///   ``ReportsError/malformedXML(what:detail:)``.
    static func parse(_ data: Data, what: String) throws -> XMLNode {
        if let declaration = markupDeclaration(in: data) {
            throw ReportsError.markupDeclaration(what: what, declaration: declaration)
        }
        if data.count >= 2, (data[data.startIndex] == 0xFE && data[data.startIndex + 1] == 0xFF)
            || (data[data.startIndex] == 0xFF && data[data.startIndex + 1] == 0xFE) || data.contains(0) {
            throw ReportsError.malformedXML(what: what, detail: "not UTF-8 (UTF-16 or NUL bytes)")
        }
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        parser.shouldReportNamespacePrefixes = false
        let builder = TreeBuilder()
        parser.delegate = builder
        let ok = parser.parse()
        if let refused = builder.refused { throw ReportsError.markupDeclaration(what: what, declaration: refused) }
        if ok, let open = builder.stack.last {
            // Foundation's parser on Linux accepts a document that simply stops: a cut-off
            // report must not be read as a shorter one.
            throw ReportsError.malformedXML(what: what, detail: "document ends inside <\(open.name)> (truncated)")
        }
        guard ok, let root = builder.root else {
            let message = parser.parserError.map { ($0 as NSError).localizedDescription } ?? "no root element"
            throw ReportsError.malformedXML(
                what: what, detail: "line \(parser.lineNumber), column \(parser.columnNumber): \(message)")
        }
        return root
    }

    /// The first markup declaration in `data` (`<!` followed by a letter), e.g. `DOCTYPE`, or `nil`.
    /// Comments (`<!--`) and CDATA sections (`<![CDATA[`) are not declarations.
    static func markupDeclaration(in data: Data) -> String? {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> String? in
            let bytes = raw.bindMemory(to: UInt8.self)
            let n = bytes.count
            var i = 0
            while i + 2 < n {
                if bytes[i] == UInt8(ascii: "<") && bytes[i + 1] == UInt8(ascii: "!") {
                    let c = bytes[i + 2] | 0x20
                    if c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z") {
                        var j = i + 2
                        var word = ""
                        while j < n, word.count < 16, (bytes[j] | 0x20) >= UInt8(ascii: "a"), (bytes[j] | 0x20) <= UInt8(ascii: "z") {
                            word.append(Character(Unicode.Scalar(bytes[j])))
                            j += 1
                        }
                        return word.uppercased()
                    }
                }
                i += 1
            }
            return nil
        }
    }

    /// Builds the tree; aborts on any entity or DTD callback.
    private final class TreeBuilder: NSObject, XMLParserDelegate {
        var root: XMLNode?
        var stack: [XMLNode] = []
        var refused: String?

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
            let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
            let node = XMLNode(name: local.lowercased())
            if let parent = stack.last { parent.children.append(node) } else if root == nil { root = node }
            stack.append(node)
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
            _ = stack.popLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            stack.last?.text += String(decoding: CDATABlock, as: UTF8.self)
        }

        private func refuse(_ parser: XMLParser, _ what: String) {
            refused = refused ?? what
            parser.abortParsing()
        }

        func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) {
            refuse(parser, "ENTITY")
        }

        func parser(_ parser: XMLParser, foundExternalEntityDeclarationWithName name: String, publicID: String?, systemID: String?) {
            refuse(parser, "ENTITY")
        }

        func parser(_ parser: XMLParser, foundUnparsedEntityDeclarationWithName name: String, publicID: String?,
                    systemID: String?, notationName: String?) {
            refuse(parser, "ENTITY")
        }

        func parser(_ parser: XMLParser, foundNotationDeclarationWithName name: String, publicID: String?, systemID: String?) {
            refuse(parser, "NOTATION")
        }

        func parser(_ parser: XMLParser, foundElementDeclarationWithName elementName: String, model: String) {
            refuse(parser, "ELEMENT")
        }

        func parser(_ parser: XMLParser, resolveExternalEntityName name: String, systemID: String?) -> Data? {
            refuse(parser, "ENTITY")
            return nil
        }
    }
}
