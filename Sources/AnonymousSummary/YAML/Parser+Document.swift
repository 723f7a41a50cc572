extension Parser {
    /// `l-yaml-stream`: documents separated by `---` and `...` markers. A bare document
    /// (without `---`) may open the stream or follow `...`; any other document needs `---`.
    mutating func parseStream() throws(YAMLError) -> [Int] {
        var documents: [Int] = []
        var bareAllowed = true
        while true {
            skipBlankAndCommentLines()
            if pos >= end { break }
            let c = peek()
            if c == 0x25 {
                throw error("directives ('%YAML', '%TAG') are not supported", .unsupported)
            }
            if isDocumentMarker(at: pos) && c == 0x2E {
                pos += 3
                try expectLineEnd(after: "'...'")
                bareAllowed = true
                continue
            }
            if isDocumentMarker(at: pos) && c == 0x2D {
                let markerState = state
                pos += 3
                skipSpaceTab()
                let next = peek()
                if next == 0x23 || next == 0x0A || next == 0 {
                    documents.append(try parseNodeOnFollowingLines(parentIndent: -1, sequenceAtParentIndent: false, emptyAt: markerState))
                } else {
                    documents.append(try parseBlockNode(parentIndent: -1, collectionAllowed: false))
                }
            } else {
                guard bareAllowed else {
                    throw error("unexpected content after the document; a new document needs '---'")
                }
                let indent = indentOfLine()
                pos = lineStart + indent
                if peek() == 0x09 { throw error("tab characters must not be used for indentation") }
                documents.append(try parseBlockNode(parentIndent: -1, collectionAllowed: true))
            }
            bareAllowed = false
            skipBlankAndCommentLines()
            if pos >= end { break }
            guard isDocumentMarker(at: pos) else {
                pos = lineStart + indentOfLine()
                if peek() == 0x09 { throw error("tab characters must not be used for indentation") }
                throw error("unexpected content after the document (bad indentation, or a missing '---')")
            }
        }
        return documents
    }
}
