//! The event log's hash chain.
//!
//! Every write appends an event whose hash covers its own fields and the previous
//! event's hash, so a changed, removed or reordered event breaks the chain at that
//! point. `kechuang check` recomputes it.

use sha2::{Digest, Sha256};

/// The hash of the (absent) event before the first one.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields an event's hash covers.
#[derive(Debug, Clone, Copy)]
pub struct EventFields<'a> {
    /// Sequence number, from 1, without gaps.
    pub seq: i64,
    /// Unix time in microseconds.
    pub at_us: i64,
    /// Who did it (`user:<id>`, `system`, `cli`).
    pub actor: &'a str,
    /// Entity type (`organisation`, `filing`, …).
    pub entity: &'a str,
    /// Entity id.
    pub entity_id: &'a str,
    /// What happened (`filing.submitted`, …).
    pub kind: &'a str,
    /// JSON payload.
    pub payload: &'a str,
}

/// `sha256(prev ‖ seq ‖ at ‖ actor ‖ entity ‖ entity_id ‖ kind ‖ payload)`, hex, with
/// each field length-prefixed so no two field lists hash alike.
pub fn chain_hash(prev: &str, f: &EventFields<'_>) -> String {
    let mut h = Sha256::new();
    for part in [
        prev,
        &f.seq.to_string(),
        &f.at_us.to_string(),
        f.actor,
        f.entity,
        f.entity_id,
        f.kind,
        f.payload,
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Hex SHA-256 of bytes (files, passwords' session tokens).
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f<'a>(payload: &'a str) -> EventFields<'a> {
        EventFields {
            seq: 1,
            at_us: 1,
            actor: "cli",
            entity: "organisation",
            entity_id: "x",
            kind: "organisation.created",
            payload,
        }
    }

    #[test]
    fn any_field_change_changes_the_hash() {
        let a = chain_hash(GENESIS, &f("{}"));
        assert_eq!(a.len(), 64);
        assert_ne!(a, chain_hash(GENESIS, &f("{ }")));
        assert_ne!(a, chain_hash(&a, &f("{}")));
        assert_eq!(a, chain_hash(GENESIS, &f("{}")));
    }

    #[test]
    fn field_boundaries_matter() {
        let mut x = f("");
        x.actor = "ab";
        x.entity = "c";
        let mut y = f("");
        y.actor = "a";
        y.entity = "bc";
        assert_ne!(chain_hash(GENESIS, &x), chain_hash(GENESIS, &y));
    }
}
