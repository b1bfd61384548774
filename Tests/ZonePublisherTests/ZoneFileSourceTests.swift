import Foundation
import RecordBuilder
import Testing
@testable import ZonePublisher

/// The shared ESP fixture: `<repo>/../shared/fixtures/esp-snapshot.zone`, found from this file's
/// real path (symlinks resolved, so dev packages that link this file find the same fixture).
private let espSnapshotPath: String = {
    let thisFile = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    let repoRoot = thisFile.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return repoRoot.deletingLastPathComponent()
        .appendingPathComponent("shared/fixtures/esp-snapshot.zone").path
}()

private func espSnapshot() throws -> ZoneFileSource {
    try ZoneFileSource(path: espSnapshotPath)
}

private func source(_ text: String) throws -> ZoneFileSource {
    ZoneFileSource(records: try ZoneFileReader.parse(text: text))
}

@Suite struct ZoneFileReaderTests {
    @Test func readsTheESPSnapshotIntoTypedRecords() throws {
        let records = try ZoneFileReader.read(path: espSnapshotPath)
        #expect(records.count == 24)
        #expect(records.allSatisfy { $0.ttl == 300 })
        #expect(records.allSatisfy { !$0.owner.hasSuffix(".") && $0.owner == $0.owner.lowercased() })
        let smtp = records.first { $0.owner == "smtp.helpdesk.example.net" }
        #expect(smtp?.data == .a(IPv4Address(203, 0, 113, 40)))
        let mx = records.first { $0.owner == "spf.helpdesk.example.net" && $0.type == .mx }
        #expect(mx?.data == .mx(preference: 10, exchange: "mx1.helpdesk.example.net"))
        let v6 = records.first { $0.owner == "mx1.helpdesk.example.net" && $0.type == .aaaa }
        #expect(v6?.data == .aaaa(IPv6Address(0x2001_0db8_0077_0000_0000_0000_0000_0025)))
    }

    @Test func typedValuesForEveryKind() throws {
        let records = try ZoneFileReader.parse(text: """
            $ORIGIN Example.COM.
            $TTL 600
            @        3600 SOA ns1 hostmaster 2026112901 7200 3600 1209600 300
            @             NS  ns1.example.net.
            @             MX  10 Mail
            www           CNAME @
            txt           TXT "one" "two" "three"
            caa           CAA 0 issue "letsencrypt.org"
            """)
        #expect(records.first?.type == .soa)
        #expect(records.first?.owner == "example.com")
        #expect(records.first?.ttl == 3600)
        #expect(records.first?.data == .soa(ZoneSOAData(
            mname: "ns1.example.com", rname: "hostmaster.example.com", serial: 2026112901,
            refresh: 7200, retry: 3600, expire: 1209600, minimum: 300)))
        #expect(records.contains(ZoneRecord(owner: "example.com", ttl: 600, data: .ns("ns1.example.net"))))
        #expect(records.contains(ZoneRecord(owner: "example.com", ttl: 600,
                                            data: .mx(preference: 10, exchange: "mail.example.com"))))
        #expect(records.contains(ZoneRecord(owner: "www.example.com", ttl: 600, data: .cname("example.com"))))
        #expect(records.contains(ZoneRecord(owner: "txt.example.com", ttl: 600, data: .txt(["one", "two", "three"]))))
        let caa = records.first { $0.owner == "caa.example.com" }
        #expect(caa?.type == ZoneRecordType(257))
        #expect(caa?.type.description == "CAA")
        if case .other(_, let text)? = caa?.data {
            #expect(text.contains("letsencrypt.org"))
        } else {
            Issue.record("CAA should be .other, got \(String(describing: caa?.data))")
        }
    }

    @Test func syntaxErrorNamesFileAndLine() throws {
        #expect {
            _ = try ZoneFileReader.parse(text: """
                $TTL 300
                ok.example.com. A 192.0.2.1
                bad.example.com. A 192.0.2.300
                """, sourceName: "broken.zone")
        } throws: { error in
            guard case .syntax(let path, let line, _) = error as? ZoneFileError else { return false }
            return path == "broken.zone" && line == 3
                && String(describing: error).hasPrefix("zone file broken.zone, line 3: ")
        }
    }

    /// Several zones in one file: every SOA is kept (ldns's zone reader would drop the second).
    @Test func keepsEverySOAAndRefusesInclude() throws {
        let records = try ZoneFileReader.parse(text: """
            example.com. 300 SOA ns1.example.com. h.example.com. 1 7200 3600 1209600 300
            example.net. 300 SOA ns1.example.net. h.example.net. 7 7200 3600 1209600 300
            www.example.net. 300 A 192.0.2.80
            """)
        #expect(records.map(\.owner) == ["example.com", "example.net", "www.example.net"])
        #expect(records.filter { $0.type == .soa }.count == 2)
        #expect {
            _ = try ZoneFileReader.parse(text: "$TTL 60\n$INCLUDE other.zone\n", sourceName: "inc.zone")
        } throws: { error in
            guard case .syntax(let path, let line, let reason) = error as? ZoneFileError else { return false }
            return path == "inc.zone" && line == 2 && reason.contains("$INCLUDE")
        }
    }

    @Test func missingFileNamesThePath() {
        #expect(throws: ZoneFileError.self) {
            _ = try ZoneFileReader.read(path: "/nonexistent/herald/none.zone")
        }
        do {
            _ = try ZoneFileReader.read(path: "/nonexistent/herald/none.zone")
        } catch {
            #expect(error.description.contains("/nonexistent/herald/none.zone"))
        }
    }
}

@Suite struct ZoneFileSourceTests {
    @Test func answersSPFTreesFromTheESPSnapshot() async throws {
        let esp = try espSnapshot()
        let google = try await esp.txt("_spf.google.com")
        #expect(google == ["v=spf1 include:_netblocks.google.com include:_netblocks2.google.com include:_netblocks3.google.com ~all"])
        #expect(try await esp.txt("gmail.com") == ["v=spf1 redirect=_spf.google.com"])
        #expect(try await esp.a("smtp.helpdesk.example.net") == [IPv4Address(203, 0, 113, 40)])
        #expect(try await esp.mx("spf.helpdesk.example.net") == ["mx1.helpdesk.example.net"])
        #expect(try await esp.aaaa("mx1.helpdesk.example.net")
                == [IPv6Address(0x2001_0db8_0077_0000_0000_0000_0000_0025)])
    }

    @Test func namesAreCaseInsensitiveAndMayEndInADot() async throws {
        let esp = try espSnapshot()
        #expect(try await esp.txt("_SPF.Google.COM.") == (try await esp.txt("_spf.google.com")))
    }

    /// RFC 2308 §2.1: a name with no records and no descendants does not exist.
    @Test func unknownNameIsNXDOMAIN() async throws {
        let esp = try espSnapshot()
        await #expect(throws: UpstreamError.nxdomain(name: "nope.google.com")) {
            _ = try await esp.txt("nope.google.com")
        }
        await #expect(throws: UpstreamError.nxdomain(name: "example.org")) {
            _ = try await esp.a("example.org")
        }
    }

    /// RFC 2308 §2.2: a name that owns records of other types is NODATA.
    @Test func existingNameWithoutTheTypeIsNODATA() async throws {
        let esp = try espSnapshot()
        #expect(try await esp.a("_spf.google.com") == [])
        #expect(try await esp.aaaa("smtp.helpdesk.example.net") == [])
        #expect(try await esp.txt("mx1.helpdesk.example.net") == [])
    }

    /// RFC 8020 §2, field case C34: a name that exists only as an ancestor is NODATA.
    @Test func testC34EmptyNonTerminalIsNODATA() async throws {
        let esp = try espSnapshot()
        #expect(try await esp.txt("google.com") == [])
        #expect(try await esp.txt("helpdesk.example.net") == [])
        #expect(try await esp.mx("eu.mailgun.org") == [])
        let zone = try source("""
            _smtp._tls.example.com. 300 TXT "v=TLSRPTv1; rua=mailto:tls@example.com"
            """)
        #expect(try await zone.txt("_tls.example.com") == [])
        await #expect(throws: UpstreamError.nxdomain(name: "_other._tls.example.com")) {
            _ = try await zone.txt("_other._tls.example.com")
        }
    }

    /// RFC 7208 §3.3, field case C08: a record's character-strings join without separators.
    @Test func testC08TXTStringsJoinWithoutSeparators() async throws {
        let zone = try source("""
            split.example.net. 300 TXT "v=spf1 ip4:192.0.2.1" " ip4:192.0.2.2" " -all"
            split.example.net. 300 TXT "site-" "verification=abc"
            token.example.net. 300 TXT "v=spf1 ip4:198.51.100.13" "6 -all"
            """)
        #expect(try await zone.txt("split.example.net")
                == ["v=spf1 ip4:192.0.2.1 ip4:192.0.2.2 -all", "site-verification=abc"])
        #expect(try await zone.txt("token.example.net") == ["v=spf1 ip4:198.51.100.136 -all"])
    }

    /// RFC 1034 §4.3.2: CNAMEs are followed for other types; NXDOMAIN at the end names the asked name.
    @Test func followsCNAMEs() async throws {
        let zone = try source("""
            _dmarc.example.com. 300 CNAME example.com._dmarc.hosted.example.net.
            example.com._dmarc.hosted.example.net. 300 TXT "v=DMARC1; p=none"
            hop1.example.com. 300 CNAME hop2.example.com.
            hop2.example.com. 300 CNAME mail.example.com.
            mail.example.com. 300 A 192.0.2.25
            dangling.example.com. 300 CNAME gone.example.com.
            loop1.example.com. 300 CNAME loop2.example.com.
            loop2.example.com. 300 CNAME loop1.example.com.
            """)
        #expect(try await zone.txt("_dmarc.example.com") == ["v=DMARC1; p=none"])
        #expect(try await zone.a("hop1.example.com") == [IPv4Address(192, 0, 2, 25)])
        #expect(try await zone.aaaa("hop1.example.com") == [])
        #expect(try zone.lookup("hop1.example.com", .cname).map(\.data) == [.cname("hop2.example.com")])
        await #expect(throws: UpstreamError.nxdomain(name: "dangling.example.com")) {
            _ = try await zone.txt("dangling.example.com")
        }
        await #expect {
            _ = try await zone.a("loop1.example.com")
        } throws: { error in
            guard case .temporary(let name, let reason)? = error as? UpstreamError else { return false }
            return name == "loop1.example.com" && reason.contains("loop")
        }
    }

    /// RFC 4592 §4.3: `*.<closest encloser>` answers for names that do not exist; not below
    /// an existing name that is not the closest encloser.
    @Test func wildcardsSynthesizeFromTheClosestEncloser() async throws {
        let zone = try source("""
            *._report._dmarc.reports.example.net. 300 TXT "v=DMARC1;"
            explicit._report._dmarc.reports.example.net. 300 A 192.0.2.7
            """)
        #expect(try await zone.txt("example.com._report._dmarc.reports.example.net") == ["v=DMARC1;"])
        #expect(try await zone.txt("example.co.uk._report._dmarc.reports.example.net") == ["v=DMARC1;"])
        #expect(try await zone.txt("explicit._report._dmarc.reports.example.net") == [])
        await #expect(throws: UpstreamError.nxdomain(name: "x.explicit._report._dmarc.reports.example.net")) {
            _ = try await zone.txt("x.explicit._report._dmarc.reports.example.net")
        }
    }

    @Test func mxIsOrderedByPreference() async throws {
        let zone = try source("""
            example.org. 300 MX 20 b.mx.example.org.
            example.org. 300 MX 10 z.mx.example.org.
            example.org. 300 MX 20 a.mx.example.org.
            """)
        #expect(try await zone.mx("example.org") == ["z.mx.example.org", "a.mx.example.org", "b.mx.example.org"])
    }
}
