//! The server's connection bounds, through the real binary: a client that never finishes its
//! headers is disconnected, and connections beyond the configured cap are closed on arrival
//! — so slow or idle clients cannot take the server off the air.

#![expect(clippy::unwrap_used, reason = "test program: a panic is a failure")]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use slate_tests::harness::{Running, http, temp_dir};

/// Reads until the server closes the connection; returns what it sent and how long it took.
fn until_closed(stream: &mut TcpStream) -> (Vec<u8>, Duration) {
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let started = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0; 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return (got, started.elapsed()),
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
}

#[test]
fn slow_and_surplus_connections_are_closed() {
    let dir = temp_dir("edge");
    let slate = Running::start(
        &dir,
        &[
            ("SLATE__SERVER__HEADER_TIMEOUT_SECS", "1"),
            ("SLATE__SERVER__IDLE_TIMEOUT_SECS", "2"),
            ("SLATE__SERVER__MAX_CONNECTIONS", "4"),
        ],
    );

    // Headers that never end: disconnected after about a second, not kept forever.
    let mut slow = TcpStream::connect(&slate.address).unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: slate\r\nX-Slow: ").unwrap();
    let (_, waited) = until_closed(&mut slow);
    assert!(waited < Duration::from_secs(5), "closed after {waited:?}");

    // Four idle connections fill the cap; a fifth is closed at once without an answer.
    let idle: Vec<TcpStream> = (0..4).map(|_| TcpStream::connect(&slate.address).unwrap()).collect();
    std::thread::sleep(Duration::from_millis(200));
    let mut surplus = TcpStream::connect(&slate.address).unwrap();
    let _ = surplus.write_all(b"GET /healthz HTTP/1.1\r\nHost: slate\r\n\r\n");
    let (answer, _) = until_closed(&mut surplus);
    assert!(answer.is_empty(), "the surplus connection was served: {}", String::from_utf8_lossy(&answer));

    // The idle ones time out too, and the server serves again.
    std::thread::sleep(Duration::from_millis(3000));
    let (status, _, _) = http(&slate.address, "GET", "/healthz", &[], None);
    assert_eq!(status, 200);
    drop(idle);
}
