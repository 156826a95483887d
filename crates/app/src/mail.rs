//! Notification e-mail: the SMTP settings and the outbox worker.
//!
//! Mail is queued in `mail_outbox` in the transaction that makes the notification
//! (see `ops::notify`), so it is never lost: a worker claims due rows (a lease,
//! with `FOR UPDATE SKIP LOCKED` on PostgreSQL so two workers take different
//! rows), sends each through the configured SMTP server, and records the result.
//! A failure (server down, refused) puts the row back with a backoff
//! (`kechuang_core::notify::retry_delay_secs`); a row whose worker died mid-send
//! becomes due again when its lease lapses. Each message carries a Message-ID
//! made from the outbox id, so even that rare resend is recognisable.

use crate::ops::notify::{self, Site};
use crate::{App, AppError, AppResult};
use kechuang_core::notify::retry_delay_secs;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// SMTP settings (`[smtp]` in kechuang.toml).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    /// Server host name.
    pub host: String,
    /// Port (25, 587 …).
    #[serde(default = "default_port")]
    pub port: u16,
    /// The From address, e.g. `科创平台 <noreply@example.gov.cn>`.
    pub from: String,
    /// Upgrade the connection with STARTTLS (required when set).
    #[serde(default)]
    pub starttls: bool,
    /// Login name, if the server wants one.
    #[serde(default)]
    pub username: Option<String>,
    /// Password.
    #[serde(default)]
    pub password: Option<String>,
    /// Seconds to wait for the server.
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
}

fn default_port() -> u16 {
    25
}

fn default_timeout() -> u64 {
    20
}

/// How long a claimed mail stays claimed before another worker may take it.
const LEASE_SECS: i64 = 300;

/// Mails claimed per round.
const CLAIM: i64 = 20;

/// A connected-on-demand SMTP sender.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .finish()
    }
}

impl Mailer {
    /// A sender for the settings; a bad From address or TLS set-up is an error
    /// naming the setting.
    pub fn new(cfg: &SmtpConfig) -> AppResult<Mailer> {
        let from: Mailbox = cfg.from.parse().map_err(|e| {
            AppError::Invalid(vec![
                kechuang_core::FieldError::new("smtp.from", "email_invalid")
                    .with("value", format!("{} ({e})", cfg.from)),
            ])
        })?;
        let builder = if cfg.starttls {
            AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&cfg.host)
                .map_err(|e| AppError::Internal(anyhow::anyhow!("smtp starttls: {e}")))?
        } else {
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&cfg.host)
        };
        let mut builder = builder
            .port(cfg.port)
            .timeout(Some(Duration::from_secs(cfg.timeout_secs.clamp(1, 300))));
        if let Some(u) = &cfg.username {
            builder = builder.credentials(Credentials::new(
                u.clone(),
                cfg.password.clone().unwrap_or_default(),
            ));
        }
        Ok(Mailer {
            transport: builder.build(),
            from,
        })
    }

    async fn send(&self, mail_id: &str, to: &str, subject: &str, body: &str) -> Result<(), String> {
        let to: Mailbox = to.parse().map_err(|e| format!("bad address {to}: {e}"))?;
        let msg = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .message_id(Some(format!("<{mail_id}@kechuang>")))
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())
            .map_err(|e| format!("building the message: {e}"))?;
        self.transport
            .send(msg)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// What one delivery round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Round {
    /// Delivered.
    pub sent: usize,
    /// Failed and rescheduled.
    pub failed: usize,
}

/// Claims the due mails and sends them; `worker` names this worker's claims.
pub async fn deliver_due(app: &App, mailer: &Mailer, worker: &str) -> AppResult<Round> {
    let mut round = Round::default();
    loop {
        let now = app.now();
        let token = format!("{worker}:{}", kechuang_store::new_id());
        let mut tx = app.store.begin().await?;
        let batch = tx
            .claim_mail(now, now + LEASE_SECS * 1_000_000, &token, CLAIM)
            .await?;
        tx.commit().await?;
        if batch.is_empty() {
            return Ok(round);
        }
        let n = batch.len();
        for m in batch {
            let result = mailer
                .send(&m.mail_id, &m.to_addr, &m.subject, &m.body)
                .await;
            let mut tx = app.store.begin().await?;
            match result {
                Ok(()) => {
                    tx.mail_sent(&m.mail_id, &token, app.now()).await?;
                    round.sent += 1;
                }
                Err(e) => {
                    let attempts = u32::try_from(m.attempts).unwrap_or(0) + 1;
                    let next = app.now() + retry_delay_secs(attempts) * 1_000_000;
                    tracing::warn!(mail = %m.mail_id, attempts, error = %e, "notification mail not sent; will retry");
                    tx.mail_failed(&m.mail_id, &token, next, &e).await?;
                    round.failed += 1;
                }
            }
            tx.commit().await?;
        }
        if round.failed > 0 || n < CLAIM as usize {
            // A failing server: leave the rest for the next round's backoff.
            return Ok(round);
        }
    }
}

/// The background loop of a server: follow the event log into notifications,
/// then send due mail, every `every`. Errors are logged and retried.
pub async fn run(app: App, mailer: Option<Mailer>, site: Site, every: Duration) {
    let worker = kechuang_store::new_id();
    if let Err(e) = notify::start(&app).await {
        tracing::warn!(error = %e, "notifications: cannot create the cursor; retrying");
    }
    loop {
        if let Err(e) = notify::pump(&app, &site).await {
            tracing::warn!(error = %e, "notifications: catch-up failed; retrying");
        }
        if let Some(m) = &mailer
            && let Err(e) = deliver_due(&app, m, &worker).await
        {
            tracing::warn!(error = %e, "notification mail: round failed; retrying");
        }
        tokio::time::sleep(every).await;
    }
}
