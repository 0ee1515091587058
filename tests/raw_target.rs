//! Request lines with raw UTF-8 (curl sends `?district=密云区` as it was typed) are read as if
//! the client had percent-encoded them; headers and bodies keep their bytes. Spoken over plain
//! sockets, since HTTP clients encode the target themselves.

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::{sample_server, urlencode, Raw};

/// A connection to the sample server.
fn connect() -> BufReader<TcpStream> {
    let address = sample_server().trim_start_matches("http://");
    let stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    stream.set_nodelay(true).unwrap();
    BufReader::new(stream)
}

/// Reads one response (with a Content-Length or a chunked body).
fn read_answer(reader: &mut BufReader<TcpStream>) -> Raw {
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let status = line.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("no status line: {line:?}"));
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':').unwrap();
        headers.push((name.to_ascii_lowercase(), value.trim().to_string()));
    }
    let mut answer = Raw { status, headers, body: Vec::new() };
    if let Some(length) = answer.header("content-length") {
        answer.body.resize(length.parse().unwrap(), 0);
        reader.read_exact(&mut answer.body).unwrap();
    } else if answer.header("transfer-encoding").is_some_and(|t| t.eq_ignore_ascii_case("chunked")) {
        loop {
            line.clear();
            reader.read_line(&mut line).unwrap();
            let size = usize::from_str_radix(line.trim_end(), 16).unwrap();
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).unwrap();
            if size == 0 {
                break;
            }
            answer.body.extend_from_slice(&chunk[..size]);
        }
    }
    answer
}

/// Sends `request` on `connection` and reads the response.
fn exchange(connection: &mut BufReader<TcpStream>, request: &[u8]) -> Raw {
    connection.get_mut().write_all(request).unwrap();
    read_answer(connection)
}

/// A GET of `target`, exactly these bytes, on a new connection.
fn get(target: &str) -> Raw {
    exchange(&mut connect(), format!("GET {target} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes())
}

#[test]
fn raw_utf8_query_reads_as_the_encoded_one() {
    let raw = get("/collections/parcels/items?district=密云区&limit=1");
    assert_eq!(raw.status, 200, "{:?} {}", raw.headers, String::from_utf8_lossy(&raw.body));
    let encoded = get(&format!("/collections/parcels/items?district={}&limit=1", urlencode("密云区")));
    assert_eq!(encoded.status, 200);
    let matched = raw.json()["numberMatched"].as_u64().unwrap();
    assert!(matched > 0);
    assert_eq!(matched, encoded.json()["numberMatched"].as_u64().unwrap());
    // the links the server writes carry the district encoded
    assert!(raw.json()["links"].to_string().contains(&urlencode("密云区")), "{}", raw.json()["links"]);
}

#[test]
fn raw_utf8_unknown_district_is_the_usual_problem() {
    let answer = get("/collections/parcels/items?district=火星区");
    assert_eq!((answer.status, answer.header("content-type")), (400, Some("application/problem+json")));
    let body = answer.json();
    assert_eq!(body["parameter"], "district", "{body}");
    assert!(body["detail"].as_str().unwrap().contains("火星区"), "{body}");
}

#[test]
fn keep_alive_post_with_chinese_body_then_raw_get() {
    let mut connection = connect();
    let body = r#"{"industry":"医疗器械"}"#;
    let post = format!("POST /api/v1/match HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len());
    let matched = exchange(&mut connection, post.as_bytes());
    assert_eq!(matched.status, 200, "{}", String::from_utf8_lossy(&matched.body));
    assert!(!matched.json()["candidates"].as_array().unwrap().is_empty());
    // a chunked body whose chunks split a character, with an extension and a trailer
    let bytes = body.as_bytes();
    let (a, b) = bytes.split_at(14);
    let mut chunked = b"POST /api/v1/match HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for chunk in [a, b] {
        chunked.extend_from_slice(format!("{:x};note=半\r\n", chunk.len()).as_bytes());
        chunked.extend_from_slice(chunk);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice("0\r\nX-Trailer: 尾\r\n\r\n".as_bytes());
    let again = exchange(&mut connection, &chunked);
    assert_eq!(again.status, 200, "{}", String::from_utf8_lossy(&again.body));
    assert_eq!(again.json()["candidates"], matched.json()["candidates"]);
    let raw = exchange(&mut connection, "GET /collections/parcels/items?district=密云区&limit=1 HTTP/1.1\r\nHost: localhost\r\n\r\n".as_bytes());
    assert_eq!(raw.status, 200, "{}", String::from_utf8_lossy(&raw.body));
    assert!(raw.json()["numberMatched"].as_u64().unwrap() > 0);
}

#[test]
fn pipelined_and_dribbled_requests_are_read_alike() {
    let target = "/collections/parcels/items?district=密云区&limit=1";
    let request = format!("GET {target} HTTP/1.1\r\nHost: localhost\r\n\r\n");
    let expected = get(target).json()["numberMatched"].clone();
    // two requests in one write
    let mut connection = connect();
    connection.get_mut().write_all(format!("{request}{request}").as_bytes()).unwrap();
    for _ in 0..2 {
        let answer = read_answer(&mut connection);
        assert_eq!((answer.status, &answer.json()["numberMatched"]), (200, &expected));
    }
    // one byte at a time
    let mut connection = connect();
    for byte in request.as_bytes() {
        connection.get_mut().write_all(std::slice::from_ref(byte)).unwrap();
    }
    let answer = read_answer(&mut connection);
    assert_eq!((answer.status, &answer.json()["numberMatched"]), (200, &expected));
}
