use proptest::prelude::*;
use rstest::rstest;

use crate::response::*;

/// Shows wire bytes with `\r` and `\n` visible, one protocol line per text line.
fn wire(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .chars()
        .map(|c| match c {
            '\r' => "\\r".to_owned(),
            '\n' => "\\n\n".to_owned(),
            other => other.to_string(),
        })
        .collect()
}

#[test]
fn writes_a_200_with_headers_in_order_and_a_computed_length() {
    let bytes = Response::new(200)
        .header("Content-Type", "text/html; charset=utf-8")
        .header("Cache-Control", "no-store")
        .body("<h1>Hello</h1>")
        .to_bytes();
    assert_suite_snapshot!("response_200", wire(&bytes));
}

#[test]
fn writes_a_404() {
    let bytes = Response::new(404)
        .header("Content-Type", "text/plain")
        .body("no page at /missing\n")
        .to_bytes();
    assert_suite_snapshot!("response_404", wire(&bytes));
}

#[test]
fn writes_a_400_that_closes_the_connection() {
    let bytes = Response::new(400)
        .header("Connection", "close")
        .body("malformed request line")
        .to_bytes();
    assert_suite_snapshot!("response_400", wire(&bytes));
}

#[test]
fn writes_an_empty_body_with_content_length_zero() {
    let bytes = Response::new(200).to_bytes();
    assert_suite_snapshot!("response_empty_body", wire(&bytes));
}

#[rstest]
#[case(100, "Continue")]
#[case(200, "OK")]
#[case(201, "Created")]
#[case(204, "No Content")]
#[case(301, "Moved Permanently")]
#[case(304, "Not Modified")]
#[case(400, "Bad Request")]
#[case(404, "Not Found")]
#[case(405, "Method Not Allowed")]
#[case(408, "Request Timeout")]
#[case(413, "Content Too Large")]
#[case(431, "Request Header Fields Too Large")]
#[case(500, "Internal Server Error")]
#[case(501, "Not Implemented")]
#[case(503, "Service Unavailable")]
#[case(505, "HTTP Version Not Supported")]
#[case(799, "Unknown")]
fn uses_the_standard_reason_phrase(#[case] status: u16, #[case] reason: &str) {
    assert_eq!(
        reason_phrase(status),
        reason,
        "status {status} has the reason phrase {reason:?}"
    );
    let line = format!("HTTP/1.1 {status} {reason}\r\n");
    assert!(
        Response::new(status)
            .to_bytes()
            .starts_with(line.as_bytes()),
        "the status line for {status} must be {line:?}"
    );
}

#[test]
fn replaces_a_hand_written_content_length_with_the_real_one() {
    let bytes = Response::new(200)
        .header("content-length", "999")
        .body("abc")
        .to_bytes();
    let text = String::from_utf8_lossy(&bytes).to_ascii_lowercase();
    assert_eq!(
        text.matches("content-length").count(),
        1,
        "two Content-Length headers make a response ambiguous: {text:?}"
    );
    assert!(
        text.contains("content-length: 3\r\n"),
        "the builder counts the body itself (3 bytes), whatever the caller wrote: {text:?}"
    );
}

#[test]
fn counts_the_length_in_bytes_not_characters() {
    let bytes = Response::new(200).body("héllo wörld ✓").to_bytes();
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        text.contains("Content-Length: 17\r\n"),
        "\"héllo wörld ✓\" is 13 characters but 17 bytes in UTF-8, and Content-Length counts \
         bytes: a client trusting a character count stops short of the body's end: {text:?}"
    );
}

#[test]
fn keeps_duplicate_headers_in_the_order_added() {
    let bytes = Response::new(200)
        .header("Set-Cookie", "a=1")
        .header("X-Other", "x")
        .header("Set-Cookie", "b=2")
        .to_bytes();
    let text = String::from_utf8_lossy(&bytes);
    let a = text.find("Set-Cookie: a=1\r\n");
    let x = text.find("X-Other: x\r\n");
    let b = text.find("Set-Cookie: b=2\r\n");
    assert!(
        a.is_some() && a < x && x < b,
        "headers go on the wire in the order they were added, duplicates included: {text:?}"
    );
}

#[test]
fn exposes_status_and_body() {
    let response = Response::new(418).body(vec![1, 2, 3]);
    assert_eq!(
        response.status(),
        418,
        "status() returns the code given to new()"
    );
    assert_eq!(
        response.body_bytes(),
        [1, 2, 3],
        "body_bytes() returns the body set"
    );
}

proptest! {
    #![proptest_config(super::proptest_config())]

    #[test]
    fn content_length_always_matches_the_body(body in proptest::collection::vec(any::<u8>(), 0..300)) {
        let bytes = Response::new(200).header("X-Test", "1").body(body.clone()).to_bytes();
        let split = bytes.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4);
        prop_assert!(split.is_some(), "the head must end with a blank line (CRLF CRLF)");
        let split = split.unwrap_or_default();
        let head = String::from_utf8_lossy(&bytes[..split]);
        let expected = format!("Content-Length: {}\r\n", body.len());
        prop_assert!(head.contains(&expected), "head {:?} must declare the body's {} bytes", head, body.len());
        prop_assert_eq!(&bytes[split..], &body[..], "the body follows the blank line unchanged");
        prop_assert!(
            !head.replace("\r\n", "").contains('\n'),
            "every line ends in CRLF; a bare LF appeared in {:?}", head
        );
    }
}
