import Testing
@testable import RecordBuilder

/// RFC 7489 §6.3, §6.4, §7.1; RFC 9989 §4.7; RECORDS.md "DMARC".
@Suite struct DMARCTests {
    let operatorRUA = try! DMARCReportURI("dmarc@reports.example.net")

    @Test func stagesRenderInTheContractOrder() throws {
        let expected: [DMARCStage: String] = [
            .monitor: "v=DMARC1; p=none; rua=mailto:dmarc@reports.example.net",
            .quarantineTest: "v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:dmarc@reports.example.net",
            .quarantine: "v=DMARC1; p=quarantine; rua=mailto:dmarc@reports.example.net",
            .rejectTest: "v=DMARC1; p=reject; t=y; pct=0; rua=mailto:dmarc@reports.example.net",
            .reject: "v=DMARC1; p=reject; rua=mailto:dmarc@reports.example.net",
        ]
        for stage in DMARCStage.allCases {
            #expect(try DMARCRecord(stage: stage, rua: [operatorRUA]).description == expected[stage])
        }
        #expect(try DMARCRecord(stage: .rejectTest, pctShim: false, rua: [operatorRUA]).description
                == "v=DMARC1; p=reject; t=y; rua=mailto:dmarc@reports.example.net")
    }

    @Test func optionalTagsInOrder() throws {
        let r = try DMARCRecord(stage: .quarantineTest, sp: .reject, np: .reject, adkim: .strict, aspf: .relaxed,
                                rua: [operatorRUA, try DMARCReportURI("Agg@Example.COM")],
                                ruf: [try DMARCReportURI("mailto:f@example.com", field: "ruf")])
        #expect(r.description == "v=DMARC1; p=quarantine; t=y; pct=0; sp=reject; np=reject; adkim=s; aspf=r; rua=mailto:dmarc@reports.example.net,mailto:Agg@example.com; ruf=mailto:f@example.com")
        #expect(!r.description.contains("rf=") && !r.description.contains("ri="))
    }

    @Test func ruaIsLimitedToTwoAndEncoded() throws {
        #expect(throws: DMARCError.tooManyAggregateURIs(count: 3)) {
            try DMARCRecord(stage: .monitor, rua: [operatorRUA, try DMARCReportURI("a@example.com"), try DMARCReportURI("b@example.com")])
        }
        #expect(try DMARCReportURI("a,b!c@example.com").description == "mailto:a%2Cb%21c@example.com")
        #expect(throws: DMARCError.self) { try DMARCReportURI("no-at-sign") }
        #expect(throws: DMARCError.self) { try DMARCReportURI("https://example.com/report") }
        #expect(throws: DMARCError.self) { try DMARCReportURI("a b@example.com") }
        do { _ = try DMARCReportURI("x@bad..host", field: "ruf") } catch {
            #expect(error.description.contains("ruf") && error.description.contains("x@bad..host"))
        }
    }

    @Test func testC15GeneratorOrderAndParser() throws {
        // The generator's order never depends on input order.
        let r = try DMARCRecord(stage: .quarantine, rua: [try DMARCReportURI("mailto:agg@example.com")],
                                ruf: [try DMARCReportURI("mailto:f@example.com")])
        #expect(r.description == "v=DMARC1; p=quarantine; rua=mailto:agg@example.com; ruf=mailto:f@example.com")

        let imported = try DMARCRecord.parse("v=DMARC1; pct=50; ruf=mailto:f@example.com; rua=mailto:agg@example.com; p=quarantine")
        #expect(imported.policy == .quarantine && imported.percent == 50)
        #expect(imported.aggregateReports == ["mailto:agg@example.com"])
        #expect(imported.failureReports == ["mailto:f@example.com"])

        let upper = try DMARCRecord.parse("V=DMARC1; P=reject")
        #expect(upper.policy == .reject)
        #expect(throws: DMARCError.notDMARCRecord("v=dmarc1; p=reject")) { try DMARCRecord.parse("v=dmarc1; p=reject") }
        #expect(throws: DMARCError.notDMARCRecord("v=DMARC10; p=reject")) { try DMARCRecord.parse("v=DMARC10; p=reject") }
        #expect(throws: DMARCError.notDMARCRecord("p=reject; v=DMARC1")) { try DMARCRecord.parse("p=reject; v=DMARC1") }
        let spaced = try DMARCRecord.parse("v=DMARC1 ;p=reject;")
        #expect(spaced.policy == .reject && !spaced.policyMissing)
        let wsEq = try DMARCRecord.parse("v = DMARC1 ; p = quarantine ; foo = bar")
        #expect(wsEq.policy == .quarantine && wsEq.ignoredTags == ["foo"])
        let noP = try DMARCRecord.parse("v=DMARC1; rua=mailto:agg@example.com")
        #expect(noP.policy == .none && noP.policyMissing)
        #expect(throws: DMARCError.invalidTagValue(tag: "p", value: "block")) { try DMARCRecord.parse("v=DMARC1; p=block") }
    }

    @Test func testC17ReportAuthorizationRecord() throws {
        let rec = DMARCRecord.reportAuthorization(domain: "Example.COM", reportHost: "reports.example.net.")
        #expect(rec.owner == "example.com._report._dmarc.reports.example.net")
        #expect(rec.strings == ["v=DMARC1;"])
        let parsed = try DMARCRecord.parse(rec.text)
        #expect(parsed.policyMissing)
    }

    @Test func testC18StagedRecordsAndNewTags() throws {
        let agg = try DMARCReportURI("agg@example.com")
        #expect(try DMARCRecord(stage: .quarantineTest, rua: [agg]).description == "v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:agg@example.com")
        #expect(try DMARCRecord(stage: .rejectTest, rua: [agg]).description == "v=DMARC1; p=reject; t=y; pct=0; rua=mailto:agg@example.com")
        // Never a pct other than 0.
        for stage in DMARCStage.allCases {
            for shim in [true, false] {
                let text = try DMARCRecord(stage: stage, pctShim: shim, rua: [agg]).description
                #expect(!text.contains("pct=") || text.contains("pct=0;"))
                #expect(text.contains("pct=") == (shim && (stage == .quarantineTest || stage == .rejectTest)))
            }
        }
        // Parser accepts the staged inputs and the RFC 9989 tags.
        let s2 = try DMARCRecord.parse("v=DMARC1; p=quarantine; pct=0; t=y; rua=mailto:agg@example.com")
        #expect(s2.testing == true && s2.percent == 0 && s2.policy == .quarantine)
        let new = try DMARCRecord.parse("v=DMARC1; p=reject; np=quarantine; psd=n; t=n; rf=afrf; ri=86400")
        #expect(new.nonexistentPolicy == .quarantine && new.publicSuffixDomain == "n" && new.testing == false)
        #expect(new.ignoredTags == ["rf", "ri"])
        #expect(throws: DMARCError.invalidTagValue(tag: "pct", value: "101")) { try DMARCRecord.parse("v=DMARC1; p=none; pct=101") }
    }

    @Test func hostedRecordOwner() throws {
        let r = try DMARCRecord(stage: .monitor, rua: [operatorRUA]).hostedRecord(domain: "Example.com.", hostedZone: "hosted.example.net")
        #expect(r.owner == "example.com._dmarc.hosted.example.net")
        #expect(r.text == "v=DMARC1; p=none; rua=mailto:dmarc@reports.example.net")
    }
}
