//! The statements that differ between SQLite and PostgreSQL. Nothing
//! backend-specific lives anywhere else in the crate.

/// One backend's statements.
pub(crate) struct Dialect {
    /// Opens a write transaction. SQLite takes the write lock up front so two
    /// processes (a server and an import) queue instead of failing mid-transaction.
    pub begin_write: &'static str,
    /// Serialises event appends inside a transaction, so sequence numbers and the
    /// hash chain have no gaps or forks when several instances write at once.
    pub lock_event_log: Option<&'static str>,
    /// Refreshes the planner's statistics after bulk writes (cheap).
    pub analyze: &'static [&'static str],
    /// Occasional maintenance: statistics, and on PostgreSQL rewriting
    /// `filing_current` in key order so a period's rows sit together on disk
    /// (SQLite keeps that table clustered by itself).
    pub maintain: &'static [&'static str],
    /// Appended to a `SELECT` that claims queued work (the mail outbox) so
    /// several workers take different rows; SQLite has one writer already.
    pub claim_rows: &'static str,
    /// Appended to a `SELECT` that locks the row it reads for the transaction
    /// (an event-log consumer's cursor).
    pub lock_row: &'static str,
}

pub(crate) const SQLITE: Dialect = Dialect {
    begin_write: "BEGIN IMMEDIATE",
    lock_event_log: None,
    analyze: &["PRAGMA optimize"],
    maintain: &["ANALYZE", "PRAGMA optimize"],
    claim_rows: "",
    lock_row: "",
};

pub(crate) const POSTGRES: Dialect = Dialect {
    begin_write: "BEGIN",
    // Any constant works; it names "the event log" among advisory locks.
    lock_event_log: Some("SELECT pg_advisory_xact_lock(7301001)"),
    analyze: &["ANALYZE"],
    maintain: &[
        "CLUSTER filing_current USING filing_current_pkey",
        "ANALYZE",
    ],
    claim_rows: " FOR UPDATE SKIP LOCKED",
    lock_row: " FOR UPDATE",
};

impl crate::Backend {
    pub(crate) fn dialect(self) -> &'static Dialect {
        match self {
            crate::Backend::Sqlite => &SQLITE,
            crate::Backend::Postgres => &POSTGRES,
        }
    }

    /// `VALUES` tuples for a multi-row statement of `rows` rows of `per_row`
    /// parameters, bound in order. SQLite gets anonymous `?` parameters: sqlx
    /// resolves every `$N` by name, which SQLite looks up linearly, so a statement
    /// with thousands of `$N` costs quadratic time; `?` binds by position.
    pub(crate) fn values_tuples(self, rows: usize, per_row: usize) -> String {
        let mut s = String::with_capacity(rows * per_row * 6);
        for r in 0..rows {
            if r > 0 {
                s.push_str(", ");
            }
            s.push('(');
            for k in 0..per_row {
                if k > 0 {
                    s.push_str(", ");
                }
                match self {
                    crate::Backend::Sqlite => s.push('?'),
                    crate::Backend::Postgres => {
                        s.push('$');
                        s.push_str(&(r * per_row + k + 1).to_string());
                    }
                }
            }
            s.push(')');
        }
        s
    }
}
