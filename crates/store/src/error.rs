//! The store's error type and the mapping of driver errors onto it.

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row asked for does not exist.
    #[error("not found")]
    NotFound,
    /// A unique or foreign-key constraint refused the write.
    #[error("constraint {constraint} violated")]
    Conflict {
        /// The constraint's name (as in the migrations).
        constraint: String,
    },
    /// The database cannot be reached or is shutting down.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A stored value does not form a valid domain value.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// Any other driver error.
    #[error(transparent)]
    Other(sqlx::Error),
}

/// SQLite reports a failed constraint by its columns; map them to the names the
/// migrations give, so both backends report the same constraint.
const SQLITE_UNIQUE: &[(&str, &str)] = &[
    ("organisation.credit_code", "organisation_credit_code_key"),
    ("organisation.organisation_id", "organisation_pkey"),
    (
        "qualification.organisation_id, qualification.kind, qualification.recognized_on",
        "qualification_org_kind_date_key",
    ),
    (
        "ip_record.organisation_id, ip_record.number",
        "ip_record_org_number_key",
    ),
    (
        "filing.organisation_id, filing.period, filing.version",
        "filing_pkey",
    ),
    ("app_user.username", "app_user_username_key"),
    ("event.seq", "event_pkey"),
    (
        "interest.from_org_id, interest.target_kind, interest.target_id",
        "interest_open_key",
    ),
    ("thread.interest_id", "thread_interest_key"),
    ("ledger_tx.idempotency_key", "ledger_tx_key_key"),
    ("ledger_tx.kind, ledger_tx.once_basis", "ledger_tx_once_key"),
    ("ledger_tx.reverses", "ledger_tx_reverses_key"),
    (
        "credit_consent.organisation_id, credit_consent.bank_id",
        "credit_consent_active_key",
    ),
    ("loan.decision_id", "loan_decision_key"),
    ("loan_repayment.idempotency_key", "loan_repayment_key_key"),
    ("credit_claim.loan_id", "credit_claim_loan_key"),
    ("policy.doc_no", "policy_doc_no_key"),
    (
        "subsidy_application.measure_code, subsidy_application.organisation_id, subsidy_application.period",
        "subsidy_application_once_key",
    ),
    (
        "subsidy_measure.year, subsidy_measure.code",
        "subsidy_measure_pkey",
    ),
    ("collaboration.thread_id", "collaboration_thread_key"),
    (
        "chain_stage.collaboration_id, chain_stage.stage",
        "chain_stage_pkey",
    ),
];

impl StoreError {
    /// Maps a driver error.
    pub fn from_sqlx(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_) => StoreError::Unavailable(e.to_string()),
            sqlx::Error::Database(db) => {
                if let Some(c) = db.constraint() {
                    return StoreError::Conflict {
                        constraint: c.to_string(),
                    };
                }
                let msg = db.message();
                if let Some(cols) = msg.strip_prefix("UNIQUE constraint failed: ") {
                    let name = SQLITE_UNIQUE
                        .iter()
                        .find(|(c, _)| *c == cols)
                        .map_or_else(|| format!("unique({cols})"), |(_, n)| (*n).to_string());
                    return StoreError::Conflict { constraint: name };
                }
                if msg.starts_with("FOREIGN KEY constraint failed") {
                    return StoreError::Conflict {
                        constraint: "foreign_key".into(),
                    };
                }
                // PostgreSQL: admin shutdown, cannot connect now.
                if matches!(db.code().as_deref(), Some("57P01" | "57P02" | "57P03")) {
                    return StoreError::Unavailable(e.to_string());
                }
                StoreError::Other(e)
            }
            _ => StoreError::Other(e),
        }
    }

    /// Whether this is a conflict on the named constraint.
    pub fn is_conflict(&self, name: &str) -> bool {
        matches!(self, StoreError::Conflict { constraint } if constraint == name)
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        Self::from_sqlx(e)
    }
}
