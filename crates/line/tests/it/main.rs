//! Integration tests of kechuang-line: one binary, real sockets on 127.0.0.1 port 0.

mod client_sim;
mod crosscheck;
mod support;
mod trace;
