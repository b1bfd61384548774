import GRDB

extension InventoryMigrations {
    /// Migration 0006: ingested DMARC aggregate and TLS reports, autopilot state (issue 6).
    ///
    /// - `report_settings` (one row): the evidence gate and autopilot thresholds, the readiness
    ///   window and the optional webhook.
    /// - `domain_report_options`: per-domain autopilot opt-in and threshold overrides.
    /// - `dmarc_reports` / `dmarc_report_records`: RFC 7489 Appendix C / RFC 9990 aggregate
    ///   reports, unique by (org_name, report_id); one row per `<record>`.
    /// - `tls_reports` / `tls_report_policies` / `tls_report_failures`: RFC 8460 §4 reports.
    ///
    /// None of these tables bumps `inventory_generation`: reports change nothing that is served.
    static func registerReportMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("0006-reports") { db in
            try db.execute(sql: """
                CREATE TABLE report_settings (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    gate_pass_rate REAL NOT NULL DEFAULT 0.98 CHECK (gate_pass_rate > 0 AND gate_pass_rate <= 1),
                    gate_min_messages INTEGER NOT NULL DEFAULT 100 CHECK (gate_min_messages BETWEEN 0 AND 1000000000),
                    rollback_pass_rate REAL NOT NULL DEFAULT 0.90
                        CHECK (rollback_pass_rate >= 0 AND rollback_pass_rate <= 1),
                    window_days INTEGER NOT NULL DEFAULT 14 CHECK (window_days BETWEEN 1 AND 366),
                    autopilot_interval INTEGER NOT NULL DEFAULT 3600 CHECK (autopilot_interval BETWEEN 60 AND 86400),
                    webhook_url TEXT CHECK (webhook_url IS NULL OR webhook_url GLOB 'http://?*' OR webhook_url GLOB 'https://?*'),
                    CHECK (rollback_pass_rate <= gate_pass_rate)
                ) STRICT;
                INSERT INTO report_settings (id) VALUES (1);

                CREATE TABLE domain_report_options (
                    domain_id INTEGER PRIMARY KEY REFERENCES domains(id) ON DELETE CASCADE,
                    autopilot INTEGER NOT NULL DEFAULT 0 CHECK (autopilot IN (0, 1)),
                    gate_pass_rate REAL CHECK (gate_pass_rate IS NULL OR (gate_pass_rate > 0 AND gate_pass_rate <= 1)),
                    gate_min_messages INTEGER
                        CHECK (gate_min_messages IS NULL OR gate_min_messages BETWEEN 0 AND 1000000000),
                    rollback_pass_rate REAL
                        CHECK (rollback_pass_rate IS NULL OR (rollback_pass_rate >= 0 AND rollback_pass_rate <= 1))
                ) STRICT;

                CREATE TABLE dmarc_reports (
                    id INTEGER PRIMARY KEY,
                    domain_id INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
                    org_name TEXT NOT NULL CHECK (length(org_name) BETWEEN 1 AND 1024),
                    report_id TEXT NOT NULL CHECK (length(report_id) BETWEEN 1 AND 1024),
                    email TEXT,
                    begin_time INTEGER NOT NULL,
                    end_time INTEGER NOT NULL CHECK (end_time >= begin_time),
                    policy_domain TEXT NOT NULL CHECK (length(policy_domain) BETWEEN 1 AND 253),
                    policy_p TEXT CHECK (policy_p IN ('none', 'quarantine', 'reject')),
                    policy_testing INTEGER CHECK (policy_testing IN (0, 1)),
                    schema TEXT NOT NULL CHECK (schema IN ('rfc7489', 'rfc9990')),
                    source TEXT NOT NULL,
                    ingested_at INTEGER NOT NULL,
                    UNIQUE (org_name, report_id)
                ) STRICT;
                CREATE INDEX dmarc_reports_by_domain ON dmarc_reports(domain_id, end_time);

                CREATE TABLE dmarc_report_records (
                    report_id INTEGER NOT NULL REFERENCES dmarc_reports(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL CHECK (position >= 0),
                    source_ip TEXT NOT NULL
                        CHECK (length(source_ip) BETWEEN 2 AND 39 AND source_ip NOT GLOB '*[^0-9a-f.:]*'),
                    count INTEGER NOT NULL CHECK (count >= 0),
                    disposition TEXT NOT NULL CHECK (disposition IN ('none', 'pass', 'quarantine', 'reject')),
                    dkim_aligned INTEGER NOT NULL CHECK (dkim_aligned IN (0, 1)),
                    spf_aligned INTEGER NOT NULL CHECK (spf_aligned IN (0, 1)),
                    header_from TEXT NOT NULL,
                    envelope_from TEXT,
                    dkim_domains TEXT NOT NULL DEFAULT '[]'
                        CHECK (json_valid(dkim_domains) AND json_type(dkim_domains) = 'array'),
                    PRIMARY KEY (report_id, position)
                ) STRICT;

                CREATE TABLE tls_reports (
                    id INTEGER PRIMARY KEY,
                    org_name TEXT NOT NULL CHECK (length(org_name) BETWEEN 1 AND 1024),
                    report_id TEXT NOT NULL CHECK (length(report_id) BETWEEN 1 AND 1024),
                    contact TEXT,
                    begin_time INTEGER NOT NULL,
                    end_time INTEGER NOT NULL CHECK (end_time >= begin_time),
                    source TEXT NOT NULL,
                    ingested_at INTEGER NOT NULL,
                    UNIQUE (org_name, report_id)
                ) STRICT;

                CREATE TABLE tls_report_policies (
                    report_id INTEGER NOT NULL REFERENCES tls_reports(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL CHECK (position >= 0),
                    domain_id INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
                    policy_type TEXT NOT NULL CHECK (policy_type IN ('sts', 'tlsa', 'no-policy-found')),
                    success_count INTEGER NOT NULL CHECK (success_count >= 0),
                    failure_count INTEGER NOT NULL CHECK (failure_count >= 0),
                    PRIMARY KEY (report_id, position)
                ) STRICT;
                CREATE INDEX tls_report_policies_by_domain ON tls_report_policies(domain_id);

                CREATE TABLE tls_report_failures (
                    report_id INTEGER NOT NULL,
                    policy_position INTEGER NOT NULL,
                    position INTEGER NOT NULL CHECK (position >= 0),
                    result_type TEXT NOT NULL
                        CHECK (length(result_type) BETWEEN 1 AND 64 AND result_type NOT GLOB '*[^a-z0-9-]*'),
                    count INTEGER NOT NULL CHECK (count >= 0),
                    sending_mta_ip TEXT,
                    receiving_mx_hostname TEXT,
                    PRIMARY KEY (report_id, policy_position, position),
                    FOREIGN KEY (report_id, policy_position)
                        REFERENCES tls_report_policies(report_id, position) ON DELETE CASCADE
                ) STRICT;
                """)
        }
    }
}
