import GRDB

extension InventoryMigrations {
    /// Migration 0005: MTA-STS policy lifecycle (policy ledger, mx changes), customer wind-down,
    /// and several customer TLS-RPT URIs (issue 5).
    ///
    /// - `mta_sts_policies`: every MTA-STS policy served, with the time it started and stopped
    ///   being served. RFC 8461 §8.3: a policy may stay cached until the time it was last served
    ///   plus its `max_age`, so the end of a wind-down and the removal of old mx patterns are
    ///   computed from this ledger. Rows are append-only except for closing `served_until` once;
    ///   at most one open row per domain; an id is never stored for two different bodies (§3.1);
    ///   `mode` and `max_age` are the body's own lines.
    /// - `mta_sts_mx_plans`: at most one pending mx change per domain: the old patterns to remove
    ///   once the policies that did not list the new ones may have expired.
    /// - `domain_wind_downs`: a domain on its way out (`herald domain remove`): MTA-STS `mode:
    ///   none` until `mta_sts_until`, every record until `records_until`, then removed.
    /// - `domain_tlsrpt_uris`: the customer's TLS-RPT `rua` URIs in order (RFC 8460 §3 allows
    ///   several); supersedes `domains.tlsrpt_rua`, whose values move here and which then stays
    ///   NULL (a trigger refuses new values).
    /// - `settings.wind_down_grace_days`: how long DMARC/SPF/TLS-RPT stay served after a
    ///   removal starts (default 30 days).
    ///
    /// Tables that change what is served bump `inventory_generation` like migration 0003's.
    static func registerLifecycleMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("0005-mta-sts-lifecycle-wind-down") { db in
            try db.execute(sql: """
                ALTER TABLE settings ADD COLUMN wind_down_grace_days INTEGER NOT NULL DEFAULT 30
                    CHECK (wind_down_grace_days BETWEEN 0 AND 3650);
                CREATE TRIGGER settings_generation_update_grace AFTER UPDATE OF wind_down_grace_days ON settings
                BEGIN
                    UPDATE inventory_generation SET value = value + 1 WHERE id = 1;
                END;

                CREATE TABLE mta_sts_policies (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    domain_id INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
                    policy_id TEXT NOT NULL
                        CHECK (length(policy_id) BETWEEN 1 AND 32 AND policy_id NOT GLOB '*[^A-Za-z0-9]*'),
                    body TEXT NOT NULL CHECK (body GLOB 'version: STSv1' || char(13, 10) || '*'),
                    mode TEXT NOT NULL CHECK (mode IN ('none', 'testing', 'enforce')),
                    max_age INTEGER NOT NULL CHECK (max_age BETWEEN 0 AND 31557600),
                    served_from INTEGER NOT NULL,
                    served_until INTEGER CHECK (served_until IS NULL OR served_until >= served_from),
                    CHECK (instr(body, char(13, 10) || 'mode: ' || mode || char(13, 10)) > 0),
                    CHECK (instr(body, char(13, 10) || 'max_age: ' || max_age || char(13, 10)) > 0)
                ) STRICT;
                CREATE UNIQUE INDEX mta_sts_policies_one_open ON mta_sts_policies(domain_id) WHERE served_until IS NULL;
                CREATE INDEX mta_sts_policies_by_domain ON mta_sts_policies(domain_id, id);
                CREATE INDEX mta_sts_policies_by_policy_id ON mta_sts_policies(policy_id);
                CREATE TRIGGER mta_sts_policies_id_names_one_body BEFORE INSERT ON mta_sts_policies
                WHEN EXISTS (SELECT 1 FROM mta_sts_policies WHERE policy_id = NEW.policy_id AND body IS NOT NEW.body)
                BEGIN
                    SELECT RAISE(ABORT, 'mta_sts_policies: an MTA-STS id is never reused for a different body (RFC 8461 §3.1)');
                END;
                CREATE TRIGGER mta_sts_policies_new_id_per_change BEFORE INSERT ON mta_sts_policies
                WHEN EXISTS (SELECT 1 FROM mta_sts_policies WHERE domain_id = NEW.domain_id
                    AND policy_id = NEW.policy_id AND served_until = NEW.served_from)
                BEGIN
                    SELECT RAISE(ABORT, 'mta_sts_policies: a new policy must have a new id (body changed => id changed)');
                END;
                CREATE TRIGGER mta_sts_policies_append_only BEFORE UPDATE OF id, domain_id, policy_id, body, mode, max_age,
                    served_from ON mta_sts_policies
                BEGIN
                    SELECT RAISE(ABORT, 'mta_sts_policies is append-only (only served_until is set, once)');
                END;
                CREATE TRIGGER mta_sts_policies_close_once BEFORE UPDATE OF served_until ON mta_sts_policies
                WHEN OLD.served_until IS NOT NULL
                BEGIN
                    SELECT RAISE(ABORT, 'mta_sts_policies: served_until is set once');
                END;

                CREATE TABLE mta_sts_mx_plans (
                    domain_id INTEGER PRIMARY KEY REFERENCES domains(id) ON DELETE CASCADE,
                    added TEXT NOT NULL CHECK (json_valid(added) AND json_type(added) = 'array'),
                    removed TEXT NOT NULL
                        CHECK (json_valid(removed) AND json_type(removed) = 'array' AND json_array_length(removed) >= 1),
                    old_policy_id TEXT NOT NULL
                        CHECK (length(old_policy_id) BETWEEN 1 AND 32 AND old_policy_id NOT GLOB '*[^A-Za-z0-9]*'),
                    union_policy_id TEXT NOT NULL
                        CHECK (length(union_policy_id) BETWEEN 1 AND 32 AND union_policy_id NOT GLOB '*[^A-Za-z0-9]*'),
                    planned_at INTEGER NOT NULL,
                    remove_after INTEGER NOT NULL CHECK (remove_after >= planned_at),
                    actor TEXT NOT NULL CHECK (length(actor) > 0),
                    reason TEXT
                ) STRICT;

                CREATE TABLE domain_wind_downs (
                    domain_id INTEGER PRIMARY KEY REFERENCES domains(id) ON DELETE CASCADE,
                    started_at INTEGER NOT NULL,
                    grace_days INTEGER NOT NULL CHECK (grace_days BETWEEN 0 AND 3650),
                    records_until INTEGER NOT NULL CHECK (records_until = started_at + grace_days * 86400),
                    mta_sts_until INTEGER CHECK (mta_sts_until IS NULL OR mta_sts_until >= started_at),
                    mta_sts_withdrawn_at INTEGER
                        CHECK (mta_sts_withdrawn_at IS NULL
                               OR (mta_sts_until IS NOT NULL AND mta_sts_withdrawn_at >= mta_sts_until)),
                    actor TEXT NOT NULL CHECK (length(actor) > 0),
                    reason TEXT
                ) STRICT;

                CREATE TABLE domain_tlsrpt_uris (
                    domain_id INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL CHECK (position >= 0),
                    uri TEXT NOT NULL
                        CHECK ((uri GLOB 'mailto:?*@?*' OR uri GLOB 'https://?*') AND uri NOT GLOB '*[ ;]*'),
                    PRIMARY KEY (domain_id, position),
                    UNIQUE (domain_id, uri)
                ) STRICT;
                INSERT INTO domain_tlsrpt_uris (domain_id, position, uri)
                    SELECT id, 0, tlsrpt_rua FROM domains WHERE tlsrpt_rua IS NOT NULL;
                UPDATE domains SET tlsrpt_rua = NULL WHERE tlsrpt_rua IS NOT NULL;
                CREATE TRIGGER domains_tlsrpt_rua_superseded_insert BEFORE INSERT ON domains
                WHEN NEW.tlsrpt_rua IS NOT NULL
                BEGIN
                    SELECT RAISE(ABORT, 'domains.tlsrpt_rua is superseded by domain_tlsrpt_uris (migration 0005)');
                END;
                CREATE TRIGGER domains_tlsrpt_rua_superseded_update BEFORE UPDATE OF tlsrpt_rua ON domains
                WHEN NEW.tlsrpt_rua IS NOT NULL
                BEGIN
                    SELECT RAISE(ABORT, 'domains.tlsrpt_rua is superseded by domain_tlsrpt_uris (migration 0005)');
                END;
                """)
            // One literal trigger set per table that changes what is served; the list is part of
            // this migration's text and never changes after it lands.
            for table in ["domain_wind_downs", "domain_tlsrpt_uris"] {
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
    }
}
