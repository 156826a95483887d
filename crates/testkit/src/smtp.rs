//! A tiny SMTP sink on a real socket, for testing mail delivery end to end.
//!
//! [`SmtpSink::start`] listens on `127.0.0.1:0` (or [`SmtpSink::bind`] on a given
//! address, to bring a "server that was down" up on the port the client already
//! knows) and answers just enough of RFC 5321 for a client to deliver: greeting,
//! `EHLO`/`HELO`, `MAIL`, `RCPT`, `DATA`, `RSET`, `NOOP`, `QUIT`. Every accepted
//! message is kept with its subject and body decoded (RFC 2047 encoded words,
//! base64 and quoted-printable bodies), so a test can assert the zh-CN text.
//! It runs on plain threads, so it needs nothing from the test's runtime.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// One delivered message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// `MAIL FROM` address.
    pub from: String,
    /// `RCPT TO` addresses.
    pub to: Vec<String>,
    /// The raw message (headers and body, dot-unstuffed).
    pub raw: String,
    /// The decoded `Subject`.
    pub subject: String,
    /// The decoded body.
    pub body: String,
    /// The `Message-ID` header.
    pub message_id: String,
}

/// A running sink; dropping it (or [`SmtpSink::stop`]) closes the port.
pub struct SmtpSink {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SmtpSink {
    /// Starts on a free local port.
    pub fn start() -> std::io::Result<SmtpSink> {
        Self::bind("127.0.0.1:0".parse().map_err(std::io::Error::other)?)
    }

    /// A free local port, for a sink to be started on later.
    pub fn free_port() -> std::io::Result<u16> {
        Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
    }

    /// Starts on `addr`.
    pub fn bind(addr: SocketAddr) -> std::io::Result<SmtpSink> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let received = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let received = received.clone();
            let stop = stop.clone();
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(conn) = conn else { continue };
                    let received = received.clone();
                    std::thread::spawn(move || {
                        let _ = session(conn, &received);
                    });
                }
            })
        };
        Ok(SmtpSink {
            addr,
            received,
            stop,
            thread: Some(thread),
        })
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Messages delivered so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().map(|v| v.clone()).unwrap_or_default()
    }

    /// Stops listening (the port is free again when this returns).
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}

fn session(conn: TcpStream, received: &Mutex<Vec<Received>>) -> std::io::Result<()> {
    let mut out = conn.try_clone()?;
    let mut lines = BufReader::new(conn);
    out.write_all(b"220 kechuang-testkit ESMTP sink\r\n")?;
    let mut from = String::new();
    let mut to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end().to_string();
        let upper = cmd.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            out.write_all(b"250-kechuang-testkit\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")?;
        } else if upper.starts_with("HELO") {
            out.write_all(b"250 kechuang-testkit\r\n")?;
        } else if upper.starts_with("MAIL FROM:") {
            from = address(&cmd[10..]);
            to.clear();
            out.write_all(b"250 OK\r\n")?;
        } else if upper.starts_with("RCPT TO:") {
            to.push(address(&cmd[8..]));
            out.write_all(b"250 OK\r\n")?;
        } else if upper == "DATA" {
            out.write_all(b"354 end with <CRLF>.<CRLF>\r\n")?;
            let mut raw = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line)? == 0 {
                    return Ok(());
                }
                let l = line.trim_end_matches(['\r', '\n']);
                if l == "." {
                    break;
                }
                raw.push_str(l.strip_prefix('.').unwrap_or(l));
                raw.push('\n');
            }
            let msg = parse(from.clone(), to.clone(), raw);
            if let Ok(mut v) = received.lock() {
                v.push(msg);
            }
            out.write_all(b"250 OK queued\r\n")?;
        } else if upper == "RSET" || upper == "NOOP" {
            out.write_all(b"250 OK\r\n")?;
        } else if upper == "QUIT" {
            out.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else {
            out.write_all(b"502 not implemented\r\n")?;
        }
    }
}

fn address(s: &str) -> String {
    let s = s.trim();
    let s = s.split_whitespace().next().unwrap_or("");
    s.trim_start_matches('<').trim_end_matches('>').to_string()
}

fn parse(from: String, to: Vec<String>, raw: String) -> Received {
    let (head, body) = raw.split_once("\n\n").unwrap_or((raw.as_str(), ""));
    // Unfold continuation lines.
    let mut headers: Vec<(String, String)> = Vec::new();
    for l in head.lines() {
        if l.starts_with([' ', '\t']) {
            if let Some(last) = headers.last_mut() {
                last.1.push(' ');
                last.1.push_str(l.trim());
            }
        } else if let Some((k, v)) = l.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let header = |k: &str| {
        headers
            .iter()
            .find(|(h, _)| h == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let cte = header("content-transfer-encoding").to_ascii_lowercase();
    let body = match cte.as_str() {
        "base64" => String::from_utf8_lossy(&base64(&body.replace(['\n', '\r'], ""))).into_owned(),
        "quoted-printable" => String::from_utf8_lossy(&quoted_printable(body, false)).into_owned(),
        _ => body.to_string(),
    };
    Received {
        from,
        to,
        subject: encoded_words(&header("subject")),
        body,
        message_id: header("message-id"),
        raw,
    }
}

/// Decodes RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`); the space
/// between two adjacent encoded words is dropped.
fn encoded_words(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    let mut last_was_word = false;
    while !rest.is_empty() {
        match rest.find("=?") {
            Some(i) => {
                let gap = &rest[..i];
                if !(last_was_word && gap.trim().is_empty()) {
                    out.push_str(gap);
                }
                let tail = &rest[i + 2..];
                let parts: Vec<&str> = tail.splitn(3, '?').collect();
                if parts.len() == 3
                    && let Some(end) = parts[2].find("?=")
                {
                    let text = &parts[2][..end];
                    let bytes = if parts[1].eq_ignore_ascii_case("b") {
                        base64(text)
                    } else {
                        quoted_printable(text, true)
                    };
                    out.push_str(&String::from_utf8_lossy(&bytes));
                    let consumed = 2 + parts[0].len() + 1 + parts[1].len() + 1 + end + 2;
                    rest = &rest[i + consumed..];
                    last_was_word = true;
                } else {
                    out.push_str(&rest[i..]);
                    break;
                }
            }
            None => {
                out.push_str(rest);
                break;
            }
        }
    }
    out
}

fn base64(s: &str) -> Vec<u8> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut buf = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let Some(v) = A.iter().position(|a| *a == c) else {
            continue;
        };
        buf = (buf << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    out
}

fn quoted_printable(s: &str, header: bool) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'=' if i + 1 < b.len() && b[i + 1] == b'\n' => i += 2,
            b'=' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(v) => out.push(v),
                    Err(_) => out.extend_from_slice(&b[i..i + 3]),
                }
                i += 3;
            }
            b'_' if header => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_encoded_words_and_bodies() {
        assert_eq!(
            encoded_words("=?utf-8?b?5aGr5oql?= =?utf-8?b?6KKr6YCA5Zue?="),
            "填报被退回"
        );
        assert_eq!(encoded_words("plain"), "plain");
        assert_eq!(base64("5aGr5oql"), "填报".as_bytes());
        assert_eq!(quoted_printable("a=3Db=\nc", false), b"a=bc");
    }
}
