import GRDB

/// The inventory schema as named migrations (GRDB `DatabaseMigrator`).
///
/// Rules (ARCHITECTURE.md rule 9): migrations are SQL literals, never app types, and are never
/// edited after they land; a change is a new migration appended here. The schema enforces its
/// invariants with NOT NULL, CHECK and FOREIGN KEY constraints, so a row written by hand with
/// `sqlite3` obeys them too.
public enum InventoryMigrations {
    /// Every table whose inserts, updates and deletes all bump `inventory_generation` (see
    /// ``Inventory/inventoryGeneration()``).
    ///
    /// `published_state` is watched more narrowly (migration `0004-spf-mode-gate-provenance`): only
    /// a change of what is served (`records`, `mta_sts_body`, `mta_sts_id`, `pass_sets`) bumps the
    /// counter, so `herald serve` notices a `herald build` run by another process. The server
    /// wakes itself up this way too, which is harmless: it compares content and bumps the SOA
    /// serial only on a real change. Failures, held builds and `audit_log` do not bump it.
    /// Migration `0005-mta-sts-lifecycle-wind-down` adds `domain_wind_downs` and
    /// `domain_tlsrpt_uris`.
    static let watchedTables = ["senders", "domains", "domain_mx_patterns", "approvals", "ranges",
                                "domain_wind_downs", "domain_tlsrpt_uris"]

    /// The `published_state` columns whose changes bump `inventory_generation`.
    static let watchedPublishedColumns = ["records", "mta_sts_body", "mta_sts_id", "pass_sets"]

    /// The migrator, in order. Names are stable identifiers recorded in `grdb_migrations`.
    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()

        migrator.registerMigration("0001-schema") { db in
            try db.execute(sql: """
                CREATE TABLE settings (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    hosted_zone TEXT NOT NULL
                        CHECK (length(hosted_zone) BETWEEN 1 AND 253 AND hosted_zone NOT GLOB '*[^a-z0-9.-]*'),
                    report_zone TEXT NOT NULL
                        CHECK (length(report_zone) BETWEEN 1 AND 253 AND report_zone NOT GLOB '*[^a-z0-9.-]*'),
                    name_servers TEXT NOT NULL
                        CHECK (json_valid(name_servers) AND json_type(name_servers) = 'array'
                               AND json_array_length(name_servers) >= 1),
                    soa_refresh INTEGER NOT NULL CHECK (soa_refresh BETWEEN 1 AND 2147483647),
                    soa_retry INTEGER NOT NULL CHECK (soa_retry BETWEEN 1 AND 2147483647),
                    soa_expire INTEGER NOT NULL CHECK (soa_expire BETWEEN 1 AND 2147483647),
                    soa_minimum INTEGER NOT NULL CHECK (soa_minimum BETWEEN 0 AND 2147483647),
                    soa_ttl INTEGER NOT NULL CHECK (soa_ttl BETWEEN 0 AND 2147483647),
                    policy_addresses TEXT NOT NULL
                        CHECK (json_valid(policy_addresses) AND json_type(policy_addresses) = 'array'
                               AND json_array_length(policy_addresses) >= 1),
                    dmarc_mailbox TEXT NOT NULL CHECK (dmarc_mailbox GLOB '?*@?*.?*'),
                    tlsrpt_mailbox TEXT NOT NULL CHECK (tlsrpt_mailbox GLOB '?*@?*.?*'),
                    pct_shim INTEGER NOT NULL DEFAULT 1 CHECK (pct_shim IN (0, 1)),
                    published_serial INTEGER NOT NULL DEFAULT 0
                        CHECK (published_serial BETWEEN 0 AND 4294967295),
                    created_at INTEGER NOT NULL
                ) STRICT;

                CREATE TABLE senders (
                    id INTEGER PRIMARY KEY,
                    slug TEXT NOT NULL UNIQUE
                        CHECK (length(slug) BETWEEN 1 AND 63 AND slug NOT GLOB '*[^a-z0-9-]*'
                               AND slug NOT GLOB '-*' AND slug NOT GLOB '*-'),
                    display_name TEXT NOT NULL CHECK (length(trim(display_name)) > 0),
                    spf_entry_point TEXT
                        CHECK (spf_entry_point IS NULL OR (length(spf_entry_point) BETWEEN 1 AND 253
                               AND spf_entry_point NOT GLOB '*[^a-z0-9._-]*')),
                    builtin INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1))
                ) STRICT;

                CREATE TABLE domains (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE
                        CHECK (length(name) BETWEEN 1 AND 253 AND name NOT GLOB '*[^a-z0-9.-]*'
                               AND name NOT GLOB '.*' AND name NOT GLOB '*.' AND instr(name, '..') = 0),
                    dmarc_stage TEXT NOT NULL
                        CHECK (dmarc_stage IN ('monitor', 'quarantine-test', 'quarantine', 'reject-test', 'reject')),
                    stage_since INTEGER NOT NULL,
                    sp TEXT CHECK (sp IN ('none', 'quarantine', 'reject')),
                    np TEXT CHECK (np IN ('none', 'quarantine', 'reject')),
                    adkim TEXT CHECK (adkim IN ('r', 's')),
                    aspf TEXT CHECK (aspf IN ('r', 's')),
                    rua TEXT CHECK (rua GLOB 'mailto:?*@?*'),
                    ruf TEXT CHECK (ruf GLOB 'mailto:?*@?*'),
                    mta_sts_mode TEXT CHECK (mta_sts_mode IN ('none', 'testing', 'enforce')),
                    mta_sts_max_age INTEGER CHECK (mta_sts_max_age BETWEEN 0 AND 31557600),
                    tlsrpt_rua TEXT CHECK (tlsrpt_rua GLOB 'mailto:?*@?*' OR tlsrpt_rua GLOB 'https://?*'),
                    spf_all TEXT NOT NULL DEFAULT '~' CHECK (spf_all IN ('-', '~', '?')),
                    created_at INTEGER NOT NULL
                ) STRICT;

                CREATE TABLE domain_mx_patterns (
                    domain_id INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL CHECK (position >= 0),
                    pattern TEXT NOT NULL
                        CHECK (length(pattern) BETWEEN 1 AND 253 AND pattern NOT GLOB '*[^a-z0-9.*-]*'
                               AND (instr(pattern, '*') = 0
                                    OR (pattern GLOB '[*].?*' AND instr(substr(pattern, 2), '*') = 0))),
                    PRIMARY KEY (domain_id, position),
                    UNIQUE (domain_id, pattern)
                ) STRICT;

                CREATE TABLE approvals (
                    domain_id INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
                    sender_id INTEGER NOT NULL REFERENCES senders(id) ON DELETE RESTRICT,
                    approved_at INTEGER NOT NULL,
                    PRIMARY KEY (domain_id, sender_id)
                ) STRICT;
                CREATE INDEX approvals_by_sender ON approvals(sender_id);

                CREATE TABLE ranges (
                    domain_id INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
                    cidr TEXT NOT NULL CHECK (cidr GLOB '?*/[0-9]*' AND cidr NOT GLOB '*[^0-9a-f.:/]*'),
                    note TEXT,
                    added_at INTEGER NOT NULL,
                    PRIMARY KEY (domain_id, cidr)
                ) STRICT;

                CREATE TABLE audit_log (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    time INTEGER NOT NULL,
                    actor TEXT NOT NULL CHECK (length(actor) > 0),
                    action TEXT NOT NULL CHECK (length(action) > 0),
                    subject TEXT NOT NULL,
                    before TEXT,
                    after TEXT,
                    reason TEXT
                ) STRICT;
                CREATE INDEX audit_log_by_subject ON audit_log(subject, id);
                CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                BEGIN
                    SELECT RAISE(ABORT, 'audit_log is append-only');
                END;
                CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                BEGIN
                    SELECT RAISE(ABORT, 'audit_log is append-only');
                END;

                CREATE TABLE published_state (
                    domain_id INTEGER PRIMARY KEY REFERENCES domains(id) ON DELETE CASCADE,
                    records TEXT CHECK (records IS NULL OR (json_valid(records) AND json_type(records) = 'array')),
                    mta_sts_body TEXT,
                    mta_sts_id TEXT
                        CHECK (length(mta_sts_id) BETWEEN 1 AND 32 AND mta_sts_id NOT GLOB '*[^A-Za-z0-9]*'),
                    built_at INTEGER,
                    attempted_at INTEGER NOT NULL,
                    last_error TEXT,
                    stale INTEGER NOT NULL DEFAULT 0 CHECK (stale IN (0, 1)),
                    CHECK ((records IS NULL) = (built_at IS NULL)),
                    CHECK ((mta_sts_body IS NULL) = (mta_sts_id IS NULL))
                ) STRICT;
                """)
        }

        migrator.registerMigration("0002-builtin-senders") { db in
            try db.execute(sql: """
                INSERT INTO senders (slug, display_name, spf_entry_point, builtin) VALUES
                    ('google-workspace', 'Google Workspace', '_spf.google.com', 1),
                    ('microsoft-365', 'Microsoft 365 / Exchange Online', 'spf.protection.outlook.com', 1),
                    ('sendgrid', 'Twilio SendGrid', 'sendgrid.net', 1),
                    ('mailchimp', 'Mailchimp', 'servers.mcsv.net', 1),
                    ('mandrill', 'Mailchimp Transactional (Mandrill)', 'spf.mandrillapp.com', 1),
                    ('amazon-ses', 'Amazon SES', 'amazonses.com', 1),
                    ('mailgun', 'Mailgun (US)', 'mailgun.org', 1),
                    ('mailgun-eu', 'Mailgun (EU)', '_spf.eu.mailgun.org', 1),
                    ('postmark', 'Postmark', 'spf.mtasv.net', 1),
                    ('zendesk', 'Zendesk', 'mail.zendesk.com', 1),
                    ('marketo', 'Adobe Marketo Engage', 'mktomail.com', 1),
                    ('salesforce', 'Salesforce', '_spf.salesforce.com', 1),
                    ('brevo', 'Brevo (Sendinblue)', 'spf.brevo.com', 1),
                    ('sparkpost', 'SparkPost', '_spf.sparkpostmail.com', 1),
                    ('mailjet', 'Mailjet', 'spf.mailjet.com', 1);
                """)
        }

        migrator.registerMigration("0003-generation-counter") { db in
            try db.execute(sql: """
                CREATE TABLE inventory_generation (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    value INTEGER NOT NULL
                ) STRICT;
                INSERT INTO inventory_generation (id, value) VALUES (1, 0);
                CREATE TRIGGER settings_generation_insert AFTER INSERT ON settings
                BEGIN
                    UPDATE inventory_generation SET value = value + 1 WHERE id = 1;
                END;
                CREATE TRIGGER settings_generation_update
                AFTER UPDATE OF hosted_zone, report_zone, name_servers, soa_refresh, soa_retry, soa_expire,
                    soa_minimum, soa_ttl, policy_addresses, dmarc_mailbox, tlsrpt_mailbox, pct_shim ON settings
                BEGIN
                    UPDATE inventory_generation SET value = value + 1 WHERE id = 1;
                END;
                """)
            // One literal trigger set per watched table; the table list is part of this
            // migration's text and is never changed after it lands.
            for table in ["senders", "domains", "domain_mx_patterns", "approvals", "ranges"] {
                for event in ["INSERT", "UPDATE", "DELETE"] {
                    try db.execute(sql: """
                        CREATE TRIGGER \(table)_generation_\(event.lowercased()) AFTER \(event) ON \(table)
                        BEGIN
                            UPDATE inventory_generation SET value = value + 1 WHERE id = 1;
                        END;
                        """)
                }
            }
        }

        migrator.registerMigration("0004-spf-mode-gate-provenance") { db in
            // ALTER TABLE ADD COLUMN keeps the STRICT tables and their rows; a column CHECK may
            // name columns added before it (SQLite treats column and table CHECKs alike) and is
            // tested against existing rows.
            try db.execute(sql: """
                ALTER TABLE domains ADD COLUMN spf_mode TEXT NOT NULL DEFAULT 'flatten'
                    CHECK (spf_mode IN ('flatten', 'macro'));

                ALTER TABLE settings ADD COLUMN spf_shrink_threshold REAL NOT NULL DEFAULT 0.10
                    CHECK (spf_shrink_threshold > 0 AND spf_shrink_threshold <= 1);
                ALTER TABLE settings ADD COLUMN refresh_interval INTEGER NOT NULL DEFAULT 3600
                    CHECK (refresh_interval BETWEEN 60 AND 86400);
                CREATE TRIGGER settings_generation_update_spf
                AFTER UPDATE OF spf_shrink_threshold, refresh_interval ON settings
                BEGIN
                    UPDATE inventory_generation SET value = value + 1 WHERE id = 1;
                END;

                ALTER TABLE published_state ADD COLUMN pass_sets TEXT
                    CHECK (pass_sets IS NULL OR (json_valid(pass_sets) AND json_type(pass_sets) = 'object'))
                    CHECK (pass_sets IS NULL OR records IS NOT NULL);
                ALTER TABLE published_state ADD COLUMN provenance TEXT
                    CHECK (provenance IS NULL OR json_valid(provenance))
                    CHECK (provenance IS NULL OR records IS NOT NULL);
                ALTER TABLE published_state ADD COLUMN lookups INTEGER CHECK (lookups >= 0);
                ALTER TABLE published_state ADD COLUMN void_lookups INTEGER CHECK (void_lookups >= 0);

                ALTER TABLE published_state ADD COLUMN held_records TEXT
                    CHECK (held_records IS NULL OR (json_valid(held_records) AND json_type(held_records) = 'array'));
                ALTER TABLE published_state ADD COLUMN held_at INTEGER
                    CHECK ((held_at IS NULL) = (held_records IS NULL));
                ALTER TABLE published_state ADD COLUMN held_policy_body TEXT
                    CHECK (held_policy_body IS NULL OR held_at IS NOT NULL);
                ALTER TABLE published_state ADD COLUMN held_policy_id TEXT
                    CHECK (length(held_policy_id) BETWEEN 1 AND 32 AND held_policy_id NOT GLOB '*[^A-Za-z0-9]*')
                    CHECK ((held_policy_id IS NULL) = (held_policy_body IS NULL));
                ALTER TABLE published_state ADD COLUMN held_pass_sets TEXT
                    CHECK (held_pass_sets IS NULL OR (json_valid(held_pass_sets) AND json_type(held_pass_sets) = 'object'))
                    CHECK (held_pass_sets IS NULL OR held_at IS NOT NULL);
                ALTER TABLE published_state ADD COLUMN held_provenance TEXT
                    CHECK (held_provenance IS NULL OR json_valid(held_provenance))
                    CHECK (held_provenance IS NULL OR held_at IS NOT NULL);
                ALTER TABLE published_state ADD COLUMN held_diff TEXT
                    CHECK (held_diff IS NULL OR json_valid(held_diff))
                    CHECK ((held_diff IS NULL) = (held_at IS NULL));
                ALTER TABLE published_state ADD COLUMN held_reasons TEXT
                    CHECK (held_reasons IS NULL OR (json_valid(held_reasons) AND json_type(held_reasons) = 'array'))
                    CHECK ((held_reasons IS NULL) = (held_at IS NULL));
                ALTER TABLE published_state ADD COLUMN held_lookups INTEGER
                    CHECK (held_lookups >= 0) CHECK (held_lookups IS NULL OR held_at IS NOT NULL);
                ALTER TABLE published_state ADD COLUMN held_void_lookups INTEGER
                    CHECK (held_void_lookups >= 0) CHECK (held_void_lookups IS NULL OR held_at IS NOT NULL);

                CREATE TRIGGER published_state_generation_insert AFTER INSERT ON published_state
                WHEN NEW.records IS NOT NULL OR NEW.mta_sts_body IS NOT NULL OR NEW.pass_sets IS NOT NULL
                BEGIN
                    UPDATE inventory_generation SET value = value + 1 WHERE id = 1;
                END;
                CREATE TRIGGER published_state_generation_update
                AFTER UPDATE OF records, mta_sts_body, mta_sts_id, pass_sets ON published_state
                WHEN OLD.records IS NOT NEW.records OR OLD.mta_sts_body IS NOT NEW.mta_sts_body
                    OR OLD.mta_sts_id IS NOT NEW.mta_sts_id OR OLD.pass_sets IS NOT NEW.pass_sets
                BEGIN
                    UPDATE inventory_generation SET value = value + 1 WHERE id = 1;
                END;
                """)
        }

        registerLifecycleMigrations(&migrator)   // 0005: MTA-STS mx changes, wind-down
        registerReportMigrations(&migrator)      // 0006: DMARC/TLS reports, autopilot

        // 0007: the digest of what the published serial stands for, so a start that builds the
        // same content keeps the serial (secondaries and caches see no change that is not one).
        // Not in the settings_generation_update column list: recording it changes nothing served.
        migrator.registerMigration("0007-published-content") { db in
            try db.execute(sql: """
                ALTER TABLE settings ADD COLUMN published_content TEXT
                    CHECK (published_content IS NULL OR length(published_content) BETWEEN 1 AND 64);
                """)
        }
        return migrator
    }
}
