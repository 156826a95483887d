//! Cutting frames out of a byte stream by the length field.
//!
//! TCP delivers frames split and merged at any byte; [`FrameBuffer`] keeps what has arrived
//! and hands out whole frames (header + data, without the NUL). A frame must start with four
//! length digits (20..=9999) and end with a NUL exactly where the length says; anything else
//! is garbage: the buffer drops bytes up to the next NUL (the end of the bad frame) and
//! reports how many it dropped, so the caller can log it and decide to go on or close.

use tokio::io::{AsyncRead, AsyncReadExt};

use super::{HEADER_LEN, MAX_LEN};

/// What the buffer yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chunk {
    /// One whole frame, header and data, NUL stripped.
    Frame(Vec<u8>),
    /// Bytes that were not a frame were dropped.
    Garbage {
        skipped: usize,
        reason: &'static str,
    },
}

/// Accumulates stream bytes and yields frames.
#[derive(Debug, Default)]
pub struct FrameBuffer {
    buf: Vec<u8>,
    /// Dropping garbage until the next NUL: bytes dropped so far and why.
    discarding: Option<(usize, &'static str)>,
}

/// Garbage without a NUL is reported at least every this many bytes.
const GARBAGE_REPORT: usize = 64 * 1024;

impl FrameBuffer {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn extend(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes held that do not yet make a frame.
    pub fn pending(&self) -> usize {
        self.buf.len()
    }

    /// True while bytes are being dropped up to the next NUL.
    pub fn is_discarding(&self) -> bool {
        self.discarding.is_some()
    }

    /// The next frame or garbage report; `None` when more bytes are needed.
    pub fn next_chunk(&mut self) -> Option<Chunk> {
        if let Some((dropped, reason)) = self.discarding {
            return match self.buf.iter().position(|b| *b == 0) {
                Some(i) => {
                    self.buf.drain(..=i);
                    self.discarding = None;
                    Some(Chunk::Garbage {
                        skipped: dropped + i + 1,
                        reason,
                    })
                }
                None => {
                    let dropped = dropped + self.buf.len();
                    self.buf.clear();
                    if dropped >= GARBAGE_REPORT {
                        self.discarding = Some((0, reason));
                        Some(Chunk::Garbage {
                            skipped: dropped,
                            reason,
                        })
                    } else {
                        self.discarding = Some((dropped, reason));
                        None
                    }
                }
            };
        }
        match check(&self.buf) {
            Check::Incomplete => None,
            Check::Frame(len) => {
                let frame = self.buf[..len].to_vec();
                self.buf.drain(..=len);
                Some(Chunk::Frame(frame))
            }
            Check::Garbage(reason) => {
                self.discarding = Some((0, reason));
                self.next_chunk()
            }
        }
    }
}

enum Check {
    Incomplete,
    Frame(usize),
    Garbage(&'static str),
}

fn check(buf: &[u8]) -> Check {
    let head = &buf[..buf.len().min(4)];
    if !head.iter().all(u8::is_ascii_digit) {
        return Check::Garbage("length field is not digits");
    }
    if buf.len() < 4 {
        return Check::Incomplete;
    }
    let len = head
        .iter()
        .fold(0usize, |acc, d| acc * 10 + usize::from(d - b'0'));
    if !(HEADER_LEN..=MAX_LEN).contains(&len) {
        return Check::Garbage("length field below 20");
    }
    if buf.len() <= len {
        // A NUL inside the frame of an ASCII message means the length is wrong.
        return if buf[4..].contains(&0) {
            Check::Garbage("NUL before the declared end")
        } else {
            Check::Incomplete
        };
    }
    if buf[len] != 0 {
        return Check::Garbage("no NUL at the declared end");
    }
    if buf[4..len].contains(&0) {
        return Check::Garbage("NUL before the declared end");
    }
    Check::Frame(len)
}

/// Reads chunks from an async stream.
#[derive(Debug)]
pub struct FrameReader<R> {
    inner: R,
    buf: FrameBuffer,
}

impl<R: AsyncRead + Unpin> FrameReader<R> {
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            buf: FrameBuffer::new(),
        }
    }

    /// The next chunk; `Ok(None)` when the peer closed the stream.
    /// Cancel-safe: bytes read are kept in the buffer.
    pub async fn next_chunk(&mut self) -> std::io::Result<Option<Chunk>> {
        let mut tmp = [0u8; 4096];
        loop {
            if let Some(chunk) = self.buf.next_chunk() {
                return Ok(Some(chunk));
            }
            let n = self.inner.read(&mut tmp).await?;
            if n == 0 {
                return Ok(None);
            }
            self.buf.extend(&tmp[..n]);
        }
    }
}
