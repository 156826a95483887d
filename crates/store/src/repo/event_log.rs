//! The event log: append in the writer's transaction, read per entity, verify.

use crate::{Db, Result, with_conn};
use kechuang_core::event::{EventFields, GENESIS, chain_hash};

/// One stored event.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct Event {
    /// Sequence number.
    pub seq: i64,
    /// Unix µs.
    pub at_us: i64,
    /// Actor.
    pub actor: String,
    /// Entity type.
    pub entity: String,
    /// Entity id.
    pub entity_id: String,
    /// Kind.
    pub kind: String,
    /// JSON payload.
    pub payload: String,
    /// Previous event's hash.
    pub prev_hash: String,
    /// This event's hash.
    pub hash: String,
}

/// Where the chain first breaks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChainBreak {
    /// The first event that does not fit.
    pub seq: i64,
    /// Why.
    pub reason: String,
}

/// The result of verifying the whole chain.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChainReport {
    /// Events checked.
    pub events: i64,
    /// The first broken link, if any.
    pub first_break: Option<ChainBreak>,
}

impl Db {
    /// Appends an event in the current transaction and returns its sequence number.
    pub async fn append_event(
        &mut self,
        actor: &str,
        entity: &str,
        entity_id: &str,
        kind: &str,
        payload: &serde_json::Value,
    ) -> Result<i64> {
        if let Some(lock) = self.backend().dialect().lock_event_log {
            with_conn!(self, c => sqlx::query(lock).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        let last: Option<(i64, String)> = with_conn!(self, c => {
            sqlx::query_as("SELECT seq, hash FROM event ORDER BY seq DESC LIMIT 1").fetch_optional(&mut *c).await
        })?;
        let (prev_seq, prev_hash) = last.unwrap_or((0, GENESIS.to_string()));
        let seq = prev_seq + 1;
        let at_us = crate::now_us();
        let payload = payload.to_string();
        let fields = EventFields {
            seq,
            at_us,
            actor,
            entity,
            entity_id,
            kind,
            payload: &payload,
        };
        let hash = chain_hash(&prev_hash, &fields);
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO event (seq, at_us, actor, entity, entity_id, kind, payload, prev_hash, hash) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(seq)
            .bind(at_us)
            .bind(actor)
            .bind(entity)
            .bind(entity_id)
            .bind(kind)
            .bind(&payload)
            .bind(&prev_hash)
            .bind(&hash)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(seq)
    }

    /// Events of one entity, newest first.
    pub async fn events_for(
        &mut self,
        entity: &str,
        entity_id: &str,
        limit: i64,
    ) -> Result<Vec<Event>> {
        Ok(with_conn!(self, c => {
            sqlx::query_as(
                "SELECT seq, at_us, actor, entity, entity_id, kind, payload, prev_hash, hash FROM event \
                 WHERE entity = $1 AND entity_id = $2 ORDER BY seq DESC LIMIT $3",
            )
            .bind(entity)
            .bind(entity_id)
            .bind(limit)
            .fetch_all(&mut *c)
            .await
        })?)
    }

    /// Events after `seq`, oldest first (a feed for derived indexes).
    pub async fn events_after(&mut self, seq: i64, limit: i64) -> Result<Vec<Event>> {
        Ok(with_conn!(self, c => {
            sqlx::query_as(
                "SELECT seq, at_us, actor, entity, entity_id, kind, payload, prev_hash, hash FROM event \
                 WHERE seq > $1 ORDER BY seq LIMIT $2",
            )
            .bind(seq)
            .bind(limit)
            .fetch_all(&mut *c)
            .await
        })?)
    }

    /// Recomputes the whole chain and reports the first broken link: a gap in the
    /// sequence, a `prev_hash` that is not the previous event's hash, or a hash that
    /// does not match the event's fields.
    pub async fn verify_event_chain(&mut self) -> Result<ChainReport> {
        let mut expected_seq = 1;
        let mut prev_hash = GENESIS.to_string();
        let mut checked = 0;
        loop {
            let page = self.events_after(expected_seq - 1, 5000).await?;
            if page.is_empty() {
                break;
            }
            for e in page {
                checked += 1;
                let fail = |reason: String| {
                    Ok(ChainReport {
                        events: checked,
                        first_break: Some(ChainBreak { seq: e.seq, reason }),
                    })
                };
                if e.seq != expected_seq {
                    return fail(format!(
                        "sequence gap: expected {expected_seq}, found {}",
                        e.seq
                    ));
                }
                if e.prev_hash != prev_hash {
                    return fail("prev_hash does not match the previous event's hash".into());
                }
                let fields = EventFields {
                    seq: e.seq,
                    at_us: e.at_us,
                    actor: &e.actor,
                    entity: &e.entity,
                    entity_id: &e.entity_id,
                    kind: &e.kind,
                    payload: &e.payload,
                };
                if chain_hash(&prev_hash, &fields) != e.hash {
                    return fail("hash does not match the event's contents".into());
                }
                prev_hash = e.hash;
                expected_seq += 1;
            }
        }
        Ok(ChainReport {
            events: checked,
            first_break: None,
        })
    }
}
