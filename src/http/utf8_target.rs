//! Raw UTF-8 in request targets. curl and hand-typed requests send `?district=密云区` as it
//! was typed; httparse accepts those bytes, but actix-http's `Uri` refuses them with an empty
//! 400 before any route runs. [`Utf8Target`] sits between the socket and actix-http and
//! percent-encodes the bytes ≥ 0x80 of each request target, so such a request is read as if
//! the client had encoded it. Header and body bytes pass untouched: the wrapper follows the
//! HTTP/1.1 framing (Content-Length or chunked bodies, as actix-http's decoder reads them) to
//! know where each request line starts, and when the framing is anything but plain it stops
//! rewriting for the rest of the connection, so actix-http judges the bytes as they came.

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A stream whose request targets reach the reader with raw UTF-8 percent-encoded.
pub struct Utf8Target<S> {
    inner: S,
    framing: Framing,
    /// Rewritten bytes the reader's buffer had no room for; `pending[taken..]` is still owed.
    pending: Vec<u8>,
    taken: usize,
}

impl<S> Utf8Target<S> {
    /// Wraps a freshly accepted connection.
    pub fn new(inner: S) -> Utf8Target<S> {
        Utf8Target { inner, framing: Framing::default(), pending: Vec::new(), taken: 0 }
    }

    /// Moves owed bytes into `buf`; false when none were owed.
    fn drain(&mut self, buf: &mut ReadBuf<'_>) -> bool {
        if self.taken == self.pending.len() {
            return false;
        }
        let n = buf.remaining().min(self.pending.len() - self.taken);
        buf.put_slice(&self.pending[self.taken..self.taken + n]);
        self.taken += n;
        if self.taken == self.pending.len() {
            self.pending.clear();
            self.taken = 0;
        }
        true
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Utf8Target<S> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.drain(buf) {
            return Poll::Ready(Ok(()));
        }
        // read straight into the caller's buffer; only a target needing encoding is copied
        let before = buf.filled().len();
        ready!(Pin::new(&mut this.inner).poll_read(cx, buf))?;
        let read = &buf.filled()[before..];
        let kept = this.framing.pass(read);
        if kept < read.len() {
            let rest = read[kept..].to_vec();
            buf.set_filled(before + kept);
            this.framing.rewrite(&rest, &mut this.pending);
            this.drain(buf);
        }
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Utf8Target<S> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(self: Pin<&mut Self>, cx: &mut Context<'_>, bufs: &[io::IoSlice<'_>]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// Header lines are kept up to this many bytes: enough for the names and values that frame
/// a body; a longer one of those makes the framing unclear.
const LINE_CAP: usize = 64;

/// Where the next byte of the connection falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before a request line; empty lines are skipped, as httparse does.
    Start,
    /// The method, up to the first space.
    Method,
    /// The request target, up to the next space: the only bytes rewritten.
    Target,
    /// The rest of the request line.
    Version,
    /// A header line (kept in `Framing::line`), or the empty line ending the head.
    Header,
    /// A Content-Length body, bytes left.
    Body(u64),
    /// A chunk-size line, as actix-http's chunked decoder reads it.
    SizeFirst,
    SizeRest,
    SizeSpace,
    Extension,
    SizeLf,
    /// Chunk data, bytes left, then its CRLF.
    Chunk(u64),
    ChunkCr,
    ChunkLf,
    /// After the last chunk: trailer lines, then the final CRLF.
    EndCr,
    Trailer,
    TrailerLf,
    EndLf,
    /// The framing became unclear: every byte from here on passes as it is.
    Opaque,
}

/// What the head read so far says about the body.
#[derive(Debug, Default, Clone, Copy)]
struct Head {
    content_length: Option<u64>,
    chunked: bool,
    /// Some header or method leaves the framing to others (CONNECT, Upgrade, two lengths…).
    unclear: bool,
}

/// The HTTP/1.1 request framing of one connection, followed byte by byte.
#[derive(Debug)]
struct Framing {
    state: State,
    /// How much of `CONNECT` the method has matched (None: it is another method).
    connect: Option<usize>,
    head: Head,
    line: [u8; LINE_CAP],
    line_len: usize,
    chunk_size: u64,
}

impl Default for Framing {
    fn default() -> Framing {
        Framing { state: State::Start, connect: Some(0), head: Head::default(), line: [0; LINE_CAP], line_len: 0, chunk_size: 0 }
    }
}

impl Framing {
    /// Follows `input` up to its end or to a target byte that needs encoding, and returns how
    /// many bytes may pass as they are.
    fn pass(&mut self, input: &[u8]) -> usize {
        let mut i = 0;
        while i < input.len() {
            match self.state {
                State::Opaque => return input.len(),
                State::Body(left) | State::Chunk(left) => {
                    let n = left.min((input.len() - i) as u64);
                    i += n as usize;
                    self.state = match (self.state, left - n) {
                        (State::Body(_), 0) => State::Start,
                        (State::Body(_), left) => State::Body(left),
                        (_, 0) => State::ChunkCr,
                        (_, left) => State::Chunk(left),
                    };
                }
                State::Target if input[i] >= 0x80 => return i,
                _ => {
                    self.step(input[i]);
                    i += 1;
                }
            }
        }
        i
    }

    /// Appends `input` to `out` with the targets' high bytes percent-encoded.
    fn rewrite(&mut self, mut input: &[u8], out: &mut Vec<u8>) {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        loop {
            let kept = self.pass(input);
            out.extend_from_slice(&input[..kept]);
            let Some((&byte, rest)) = input[kept..].split_first() else { return };
            out.extend_from_slice(&[b'%', HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 15)]]);
            input = rest;
        }
    }

    /// One byte outside bodies and chunk data.
    fn step(&mut self, byte: u8) {
        self.state = match (self.state, byte) {
            (State::Start, b'\r' | b'\n') => State::Start,
            (State::Start, _) => {
                self.connect = Some(0);
                self.head = Head::default();
                self.method(byte)
            }
            (State::Method, b' ') => {
                self.head.unclear |= self.connect == Some(b"CONNECT".len());
                State::Target
            }
            (State::Method, b'\r' | b'\n') => State::Opaque,
            (State::Method, _) => self.method(byte),
            (State::Target, b' ') => State::Version,
            // httparse refuses these in a target; actix closes the connection
            (State::Target, b'\r' | b'\n') => State::Opaque,
            (State::Target, _) => State::Target,
            (State::Version, b'\n') => {
                self.line_len = 0;
                State::Header
            }
            (State::Version, _) => State::Version,
            (State::Header, b'\n') => self.header_line(),
            (State::Header, _) => {
                if self.line_len < LINE_CAP {
                    self.line[self.line_len] = byte;
                }
                self.line_len += 1;
                State::Header
            }
            (State::SizeFirst, _) => match hex(byte) {
                Some(digit) => {
                    self.chunk_size = u64::from(digit);
                    State::SizeRest
                }
                None => State::Opaque,
            },
            (State::SizeRest, b'\t' | b' ') => State::SizeSpace,
            (State::SizeRest | State::SizeSpace, b';') => State::Extension,
            (State::SizeRest | State::SizeSpace | State::Extension, b'\r') => State::SizeLf,
            (State::SizeRest, _) => match (hex(byte), self.chunk_size.checked_mul(16)) {
                (Some(digit), Some(size)) => {
                    self.chunk_size = size + u64::from(digit);
                    State::SizeRest
                }
                _ => State::Opaque,
            },
            (State::SizeSpace, b'\t' | b' ') => State::SizeSpace,
            (State::Extension, 0x00..=0x08 | 0x0a..=0x1f | 0x7f) => State::Opaque,
            (State::Extension, _) => State::Extension,
            (State::SizeLf, b'\n') if self.chunk_size == 0 => State::EndCr,
            (State::SizeLf, b'\n') => State::Chunk(self.chunk_size),
            (State::ChunkCr, b'\r') => State::ChunkLf,
            (State::ChunkLf, b'\n') => State::SizeFirst,
            (State::EndCr, b'\r') => State::EndLf,
            (State::Trailer, b'\r') => State::TrailerLf,
            (State::EndCr | State::Trailer, _) => State::Trailer,
            (State::TrailerLf, b'\n') => State::EndCr,
            (State::EndLf, b'\n') => State::Start,
            // anything else is a request actix-http refuses, or bytes we do not follow
            _ => State::Opaque,
        };
    }

    /// A byte of the method.
    fn method(&mut self, byte: u8) -> State {
        self.connect = self.connect.filter(|&n| b"CONNECT".get(n) == Some(&byte)).map(|n| n + 1);
        State::Method
    }

    /// The end of a header line: the head goes on, or the body (if any) begins.
    fn header_line(&mut self) -> State {
        let len = self.line_len;
        self.line_len = 0;
        let kept = &self.line[..len.min(LINE_CAP)];
        let kept = kept.strip_suffix(b"\r").unwrap_or(kept);
        if kept.is_empty() && len <= 1 {
            return match self.head {
                Head { unclear: true, .. } => State::Opaque,
                Head { chunked: true, .. } => State::SizeFirst,
                Head { content_length: Some(n), .. } if n > 0 => State::Body(n),
                _ => State::Start,
            };
        }
        // an obsolete folded line: httparse refuses it in requests
        if matches!(kept.first(), Some(b' ' | b'\t')) {
            return State::Opaque;
        }
        let Some(colon) = kept.iter().position(|&b| b == b':') else {
            // a name longer than the names that matter, or no header at all
            if len <= LINE_CAP {
                self.head.unclear = true;
            }
            return State::Header;
        };
        let name = &kept[..colon];
        let value = kept[colon + 1..].trim_ascii();
        let whole = len <= LINE_CAP;
        let head = &mut self.head;
        if name.eq_ignore_ascii_case(b"content-length") {
            let digits = whole && !value.is_empty() && value.len() <= 19 && value.iter().all(u8::is_ascii_digit);
            match std::str::from_utf8(value).ok().and_then(|v| v.parse().ok()) {
                Some(n) if digits && head.content_length.is_none() && !head.chunked => head.content_length = Some(n),
                _ => head.unclear = true,
            }
        } else if name.eq_ignore_ascii_case(b"transfer-encoding") {
            if whole && value.eq_ignore_ascii_case(b"chunked") && !head.chunked && head.content_length.is_none() {
                head.chunked = true;
            } else {
                head.unclear = true;
            }
        } else if name.eq_ignore_ascii_case(b"upgrade") {
            head.unclear = true;
        }
        State::Header
    }
}

/// The value of a hexadecimal digit.
fn hex(byte: u8) -> Option<u8> {
    (byte as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `input` fed in one piece, and fed one byte at a time, rewrites to the same bytes.
    fn rewritten(input: &[u8]) -> Vec<u8> {
        let mut whole = Vec::new();
        Framing::default().rewrite(input, &mut whole);
        let mut framing = Framing::default();
        let mut bytewise = Vec::new();
        for byte in input {
            framing.rewrite(std::slice::from_ref(byte), &mut bytewise);
        }
        assert_eq!(String::from_utf8_lossy(&bytewise), String::from_utf8_lossy(&whole));
        whole
    }

    fn assert_rewrites(input: &str, expected: &str) {
        assert_eq!(String::from_utf8(rewritten(input.as_bytes())).unwrap(), expected);
    }

    const MIYUN: &str = "%E5%AF%86%E4%BA%91%E5%8C%BA";

    fn get(target: &str) -> String {
        format!("GET {target} HTTP/1.1\r\nHost: localhost\r\n\r\n")
    }

    #[test]
    fn the_target_of_a_request_line_is_encoded() {
        assert_rewrites(&get("/collections/parcels/items?district=密云区&limit=1"), &get(&format!("/collections/parcels/items?district={MIYUN}&limit=1")));
        assert_rewrites(&get("/plain?a=b%20c"), &get("/plain?a=b%20c"));
    }

    #[test]
    fn method_version_headers_and_bodies_keep_their_bytes() {
        let body = r#"{"industry":"医疗器械","name":"GET /密 HTTP/1.1"}"#;
        let post = format!("POST /api/v1/match HTTP/1.1\r\nHost: h\r\nX-Name: 张三\r\nContent-Length: {}\r\n\r\n{body}", body.len());
        assert_rewrites(&format!("{post}{}", get("/items?district=密云区")), &format!("{post}{}", get(&format!("/items?district={MIYUN}"))));
        // httparse refuses these; they reach it unchanged
        assert_rewrites("GÉT /密 HTTP/1.1\r\n\r\n", "GÉT /%E5%AF%86 HTTP/1.1\r\n\r\n");
        assert_rewrites("GET /密 HTTP/1.1密\r\n\r\n", "GET /%E5%AF%86 HTTP/1.1密\r\n\r\n");
    }

    #[test]
    fn chunked_bodies_with_extensions_and_trailers_are_skipped() {
        let data = "密云区\r\n0\r\n\r\nGET /密 HTTP/1.1\r\n";
        let chunked = format!(
            "POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n{:X} ; 半=\"x\"\r\n{data}\r\n3\r\nabc\r\n00;end\r\nX-Trailer: 尾\r\nY: 2\r\n\r\n",
            data.len()
        );
        assert_rewrites(&format!("{chunked}{}", get("/密")), &format!("{chunked}{}", get("/%E5%AF%86")));
        // no trailers
        let bare = "POST /p HTTP/1.1\r\nHost: h\r\ntransfer-encoding:chunked\r\n\r\n3\r\n密\r\n0\r\n\r\n";
        assert_rewrites(&format!("{bare}{}", get("/密")), &format!("{bare}{}", get("/%E5%AF%86")));
    }

    #[test]
    fn pipelined_requests_and_empty_lines_between_them() {
        let three = format!("{}\r\n{}{}", get("/a?q=区"), get("/b"), get("/c?q=区"));
        let expected = format!("{}\r\n{}{}", get("/a?q=%E5%8C%BA"), get("/b"), get("/c?q=%E5%8C%BA"));
        assert_rewrites(&three, &expected);
        // a zero length is no body
        let empty = "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n";
        assert_rewrites(&format!("{empty}{}", get("/区")), &format!("{empty}{}", get("/%E5%8C%BA")));
        // bare LF line ends, as httparse reads them
        assert_rewrites("GET /区 HTTP/1.1\nHost: h\nContent-Length: 2\n\n区GET /区 HTTP/1.1\n\n", "GET /%E5%8C%BA HTTP/1.1\nHost: h\nContent-Length: 2\n\n区GET /%E5%8C%BA HTTP/1.1\n\n");
    }

    #[test]
    fn unclear_framing_passes_the_rest_untouched() {
        for head in [
            "Content-Length: 3\r\nTransfer-Encoding: chunked",
            "Transfer-Encoding: chunked\r\nContent-Length: 3",
            "Content-Length: 3\r\nContent-Length: 3",
            "Content-Length: +3",
            "Content-Length: 3a",
            "Content-Length: 99999999999999999999",
            "Transfer-Encoding: gzip, chunked",
            "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked",
            "Upgrade: websocket\r\nConnection: upgrade",
            "X-Folded: a\r\n b",
            "no colon here",
        ] {
            let request = format!("POST /区 HTTP/1.1\r\nHost: h\r\n{head}\r\n\r\n{}", get("/区"));
            let expected = request.replacen("/区", "/%E5%8C%BA", 1);
            assert_rewrites(&request, &expected);
        }
        let connect = format!("CONNECT 区:443 HTTP/1.1\r\nHost: h\r\n\r\n{}", get("/区"));
        assert_rewrites(&connect, &connect.replacen('区', "%E5%8C%BA", 1));
        // a long header that does not frame the body is fine
        let long = format!("GET /a HTTP/1.1\r\nCookie: {}\r\nX-{}: 1\r\n\r\n{}", "区".repeat(100), "x".repeat(100), get("/区"));
        assert_rewrites(&long, &long.replacen("/区", "/%E5%8C%BA", 1));
        // chunk sizes actix-http refuses
        for chunks in ["x\r\n", "1x\r\n", "1\n", "11111111111111111\r\n", "1\r\nab\r\n"] {
            let request = format!("POST /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n{chunks}{}", get("/区"));
            assert_rewrites(&request, &request);
        }
    }

    /// A reader handing out its pieces one read at a time.
    struct Pieces(std::collections::VecDeque<Vec<u8>>);

    impl AsyncRead for Pieces {
        fn poll_read(mut self: Pin<&mut Self>, _: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
            if let Some(mut piece) = self.0.pop_front() {
                let n = piece.len().min(buf.remaining());
                buf.put_slice(&piece[..n]);
                if n < piece.len() {
                    self.0.push_front(piece.split_off(n));
                }
            }
            Poll::Ready(Ok(()))
        }
    }

    /// Everything read from `pieces` through the wrapper with buffers of `capacity` bytes.
    fn read_through(pieces: Vec<Vec<u8>>, capacity: usize) -> Vec<u8> {
        let mut stream = Utf8Target::new(Pieces(pieces.into()));
        let waker = noop_waker();
        let mut cx = Context::from_waker(&waker);
        let mut out = Vec::new();
        let mut space = vec![0; capacity];
        loop {
            let mut buf = ReadBuf::new(&mut space);
            match Pin::new(&mut stream).poll_read(&mut cx, &mut buf) {
                Poll::Ready(Ok(())) if buf.filled().is_empty() => return out,
                Poll::Ready(Ok(())) => out.extend_from_slice(buf.filled()),
                other => panic!("{other:?}"),
            }
        }
    }

    /// A waker for readers that are always ready.
    fn noop_waker() -> std::task::Waker {
        struct Nothing;
        impl std::task::Wake for Nothing {
            fn wake(self: std::sync::Arc<Self>) {}
        }
        std::sync::Arc::new(Nothing).into()
    }

    #[test]
    fn the_stream_rewrites_across_reads_and_small_buffers() {
        let body = r#"{"industry":"医疗器械"}"#;
        let input = format!("POST /api/v1/match HTTP/1.1\r\nHost: h\r\nContent-Length: {}\r\n\r\n{body}{}", body.len(), get("/items?district=密云区"));
        let expected = format!("POST /api/v1/match HTTP/1.1\r\nHost: h\r\nContent-Length: {}\r\n\r\n{body}{}", body.len(), get(&format!("/items?district={MIYUN}")));
        let bytes = input.as_bytes();
        for (pieces, capacity) in [
            (vec![bytes.to_vec()], 4096),
            (vec![bytes.to_vec()], 1),
            (vec![bytes.to_vec()], 5),
            (bytes.iter().map(|&b| vec![b]).collect(), 4096),
            (bytes.chunks(7).map(<[u8]>::to_vec).collect(), 2),
        ] {
            assert_eq!(String::from_utf8(read_through(pieces, capacity)).unwrap(), expected, "capacity {capacity}");
        }
    }

    /// Requests with random targets, headers and Content-Length or chunked bodies of arbitrary
    /// bytes, cut into random reads: the output is the input with only the targets' high
    /// bytes encoded.
    #[test]
    fn random_requests_change_only_in_their_targets() {
        use rand::{Rng, SeedableRng};
        for seed in 0..200 {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            let (mut input, mut expected) = (Vec::new(), Vec::new());
            for _ in 0..rng.gen_range(1..6) {
                let target: Vec<u8> = (0..rng.gen_range(1..40))
                    .map(|_| loop {
                        let b: u8 = rng.gen();
                        if b > b' ' && b != 0x7f {
                            break b;
                        }
                    })
                    .collect();
                let mut encoded = Vec::new();
                for &b in &target {
                    if b >= 0x80 {
                        encoded.extend_from_slice(format!("%{b:02X}").as_bytes());
                    } else {
                        encoded.push(b);
                    }
                }
                let header: String = (0..rng.gen_range(0..20)).map(|_| ['a', '区', ' ', ':', '\u{e9}'][rng.gen_range(0..5)]).collect();
                let body: Vec<u8> = (0..rng.gen_range(0..300)).map(|_| rng.gen()).collect();
                let mut rest = format!("HTTP/1.1\r\nHost: h\r\nX-Note: {header}\r\n").into_bytes();
                match rng.gen_range(0..3) {
                    0 => rest.extend_from_slice(b"\r\n"),
                    1 => {
                        rest.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
                        rest.extend_from_slice(&body);
                    }
                    _ => {
                        rest.extend_from_slice(b"Transfer-Encoding: chunked\r\n\r\n");
                        for chunk in body.chunks(rng.gen_range(1..100)) {
                            rest.extend_from_slice(format!("{:x};n=区\r\n", chunk.len()).as_bytes());
                            rest.extend_from_slice(chunk);
                            rest.extend_from_slice(b"\r\n");
                        }
                        rest.extend_from_slice("0\r\nT: 尾\r\n\r\n".as_bytes());
                    }
                }
                for (out, target) in [(&mut input, &target), (&mut expected, &encoded)] {
                    out.extend_from_slice(b"POST ");
                    out.extend_from_slice(target);
                    out.push(b' ');
                    out.extend_from_slice(&rest);
                }
            }
            let mut pieces = Vec::new();
            let mut left = &input[..];
            while !left.is_empty() {
                let (piece, after) = left.split_at(rng.gen_range(1..=left.len().min(64)));
                pieces.push(piece.to_vec());
                left = after;
            }
            let capacity = rng.gen_range(1..128);
            assert_eq!(read_through(pieces, capacity), expected, "seed {seed}");
        }
    }
}
