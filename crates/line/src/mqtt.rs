//! Pedals and PLC signals over MQTT (see docs/line.md for the topic scheme).
//!
//! Topics are `kechuang/<line>/<station>/<leaf>`, payloads JSON:
//!
//! | direction | leaf | payload |
//! |---|---|---|
//! | in  | `plc/cart-arrived` | `{"vin": "LZSPCJLG5K1234567"}` |
//! | in  | `pedal` | `{}` (optionally `{"operator": "…"}`) |
//! | in  | `override` | `{"user": "…", "reason": "…"}` |
//! | out | `release` | `{"vin": "…", "kind": "ok" \| "override"}` |
//! | out | `refused` | `{"vin": "…", "open": [{"joint": "…", "bolt": 2, "attempts": 1}]}` |
//! | out | `andon` | `{"kind": "…", "vin": "…", "detail": …}` |
//!
//! Parsing is pure ([`parse_inbound`]); [`MqttLink`] runs a rumqttc client that turns
//! messages into [`Inbound`] values. A bad topic or payload becomes
//! [`Inbound::Bad`] with a log line; nothing panics.

pub use rumqttc::AsyncClient;
use rumqttc::{Event, EventLoop, MqttOptions, Packet, QoS};
use std::time::Duration;
use tokio::sync::mpsc;

/// Topic root.
pub const ROOT: &str = "kechuang";

/// `kechuang/<line>/<station>/<leaf>`.
pub fn topic(line: &str, station: &str, leaf: &str) -> String {
    format!("{ROOT}/{line}/{station}/{leaf}")
}

/// A message from the shop floor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inbound {
    /// The PLC reports a cart at the station.
    CartArrived {
        /// Station code.
        station: String,
        /// VIN as sent (validated by the tracker).
        vin: String,
    },
    /// The operator stepped on the pedal.
    Pedal {
        /// Station code.
        station: String,
    },
    /// A supervisor releases the cart.
    Override {
        /// Station code.
        station: String,
        /// Who.
        user: String,
        /// Why.
        reason: String,
    },
    /// Unreadable: the topic and why.
    Bad {
        /// Station code when the topic had one.
        station: Option<String>,
        /// The topic.
        topic: String,
        /// Why it was refused.
        reason: String,
    },
}

#[derive(serde::Deserialize)]
struct Arrived {
    vin: String,
}

#[derive(serde::Deserialize)]
struct OverrideMsg {
    user: String,
    reason: String,
}

/// Parses one message of `line`'s topics.
pub fn parse_inbound(line: &str, topic: &str, payload: &[u8]) -> Inbound {
    let bad = |station: Option<&str>, reason: String| Inbound::Bad {
        station: station.map(str::to_string),
        topic: topic.to_string(),
        reason,
    };
    let mut parts = topic.splitn(4, '/');
    let (Some(root), Some(l), Some(station), Some(leaf)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return bad(None, "topic is not kechuang/<line>/<station>/<leaf>".into());
    };
    if root != ROOT || l != line || station.is_empty() {
        return bad(None, format!("topic not of line {line}"));
    }
    let s = Some(station);
    let text = match std::str::from_utf8(payload) {
        Ok(t) => t.trim(),
        Err(_) => return bad(s, "payload is not UTF-8".into()),
    };
    match leaf {
        "plc/cart-arrived" => match serde_json::from_str::<Arrived>(text) {
            Ok(a) => Inbound::CartArrived {
                station: station.into(),
                vin: a.vin,
            },
            Err(e) => bad(s, format!("payload: {e}")),
        },
        "pedal" => {
            if text.is_empty() || serde_json::from_str::<serde_json::Value>(text).is_ok() {
                Inbound::Pedal {
                    station: station.into(),
                }
            } else {
                bad(s, "payload is not JSON".into())
            }
        }
        "override" => match serde_json::from_str::<OverrideMsg>(text) {
            Ok(o) => Inbound::Override {
                station: station.into(),
                user: o.user,
                reason: o.reason,
            },
            Err(e) => bad(s, format!("payload: {e}")),
        },
        other => bad(s, format!("unknown leaf {other:?}")),
    }
}

/// A connected MQTT client for one line.
#[derive(Clone)]
pub struct MqttLink {
    client: AsyncClient,
    line: String,
}

impl std::fmt::Debug for MqttLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MqttLink")
            .field("line", &self.line)
            .finish()
    }
}

impl MqttLink {
    /// Connects to the broker at `host:port` as `client_id`, subscribes to `line`'s
    /// inbound topics and delivers parsed messages on the receiver. The event loop
    /// reconnects by itself (1 s pause after an error).
    pub fn connect(
        host: &str,
        port: u16,
        client_id: &str,
        line: &str,
    ) -> (Self, mpsc::Receiver<Inbound>) {
        let mut opts = MqttOptions::new(client_id, host, port);
        opts.set_keep_alive(Duration::from_secs(10));
        opts.set_clean_session(true);
        let (client, mut events) = AsyncClient::new(opts, 1024);
        no_delay(&mut events);
        let (tx, rx) = mpsc::channel(4096);
        tokio::spawn(pump(events, client.clone(), line.to_string(), tx));
        (
            Self {
                client,
                line: line.to_string(),
            },
            rx,
        )
    }

    /// Publishes a JSON payload to `kechuang/<line>/<station>/<leaf>` (QoS 1).
    pub async fn publish(&self, station: &str, leaf: &str, payload: &serde_json::Value) {
        let t = topic(&self.line, station, leaf);
        if let Err(e) = self
            .client
            .publish(t.as_str(), QoS::AtLeastOnce, false, payload.to_string())
            .await
        {
            tracing::warn!(topic = %t, error = %e, "MQTT publish failed");
        }
    }

    /// Publishes raw bytes to any topic (simulated PLCs and tests).
    pub async fn publish_raw(&self, topic: &str, payload: Vec<u8>) {
        if let Err(e) = self
            .client
            .publish(topic, QoS::AtLeastOnce, false, payload)
            .await
        {
            tracing::warn!(topic, error = %e, "MQTT publish failed");
        }
    }

    /// Subscribes to an extra topic filter (simulated operators listen to `release`).
    pub async fn subscribe(&self, filter: &str) {
        if let Err(e) = self.client.subscribe(filter, QoS::AtLeastOnce).await {
            tracing::warn!(filter, error = %e, "MQTT subscribe failed");
        }
    }

    /// Disconnects.
    pub async fn disconnect(&self) {
        let _ = self.client.disconnect().await;
    }
}

/// Small messages (a pedal, a release) go out at once: without TCP_NODELAY, Nagle's
/// algorithm and the peer's delayed acknowledgement hold them for up to ~40 ms.
fn no_delay(events: &mut EventLoop) {
    let mut n = events.network_options();
    n.set_tcp_nodelay(true);
    events.set_network_options(n);
}

async fn pump(mut events: EventLoop, client: AsyncClient, line: String, tx: mpsc::Sender<Inbound>) {
    let inbound = [
        topic(&line, "+", "plc/cart-arrived"),
        topic(&line, "+", "pedal"),
        topic(&line, "+", "override"),
    ];
    loop {
        match events.poll().await {
            Ok(Event::Incoming(Packet::ConnAck(_))) => {
                for f in &inbound {
                    if let Err(e) = client.try_subscribe(f.as_str(), QoS::AtLeastOnce) {
                        tracing::warn!(filter = %f, error = %e, "MQTT subscribe failed");
                    }
                }
            }
            Ok(Event::Incoming(Packet::Publish(p))) => {
                let msg = parse_inbound(&line, &p.topic, &p.payload);
                if let Inbound::Bad { topic, reason, .. } = &msg {
                    tracing::warn!(%topic, %reason, "MQTT message refused");
                }
                if tx.send(msg).await.is_err() {
                    return;
                }
            }
            Ok(_) => {}
            Err(e) => {
                if tx.is_closed() {
                    return;
                }
                tracing::warn!(error = %e, "MQTT connection error; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// Publishes a JSON payload with a raw client from [`listen`] (QoS 1).
pub async fn publish_json(client: &AsyncClient, topic: &str, payload: &serde_json::Value) {
    if let Err(e) = client
        .publish(topic, QoS::AtLeastOnce, false, payload.to_string())
        .await
    {
        tracing::warn!(topic, error = %e, "MQTT publish failed");
    }
}

/// A raw MQTT subscriber for tests and simulated operators: every publish on
/// `filter` as (topic, payload).
pub fn listen(
    host: &str,
    port: u16,
    client_id: &str,
    filter: &str,
) -> (AsyncClient, mpsc::Receiver<(String, Vec<u8>)>) {
    let mut opts = MqttOptions::new(client_id, host, port);
    opts.set_keep_alive(Duration::from_secs(10));
    let (client, mut events) = AsyncClient::new(opts, 1024);
    no_delay(&mut events);
    let (tx, rx) = mpsc::channel(4096);
    let c = client.clone();
    let filter = filter.to_string();
    tokio::spawn(async move {
        loop {
            match events.poll().await {
                Ok(Event::Incoming(Packet::ConnAck(_))) => {
                    let _ = c.try_subscribe(filter.as_str(), QoS::AtLeastOnce);
                }
                Ok(Event::Incoming(Packet::Publish(p))) => {
                    if tx
                        .send((p.topic.clone(), p.payload.to_vec()))
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
                Ok(_) => {}
                Err(_) => {
                    if tx.is_closed() {
                        return;
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    });
    (client, rx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_topic_scheme() {
        assert_eq!(
            parse_inbound("l1", "kechuang/l1/st01/plc/cart-arrived", br#"{"vin":"X"}"#),
            Inbound::CartArrived {
                station: "st01".into(),
                vin: "X".into()
            }
        );
        assert_eq!(
            parse_inbound("l1", "kechuang/l1/st02/pedal", b""),
            Inbound::Pedal {
                station: "st02".into()
            }
        );
        assert!(matches!(
            parse_inbound("l1", "kechuang/l1/st02/override", br#"{"user":"u","reason":"r"}"#),
            Inbound::Override { user, .. } if user == "u"
        ));
        for (t, p) in [
            ("kechuang/l2/st01/pedal", &b"{}"[..]),
            ("kechuang/l1/st01/plc/cart-arrived", b"{vin"),
            ("kechuang/l1/st01/plc/cart-arrived", b"\xff\xfe"),
            ("kechuang/l1/st01/horn", b"{}"),
            ("kechuang/l1", b"{}"),
            ("kechuang/l1/st01/override", br#"{"user":"u"}"#),
        ] {
            assert!(
                matches!(parse_inbound("l1", t, p), Inbound::Bad { .. }),
                "{t} {p:?}"
            );
        }
    }
}
