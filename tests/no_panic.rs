//! Robustness: the HAR importer and the diagnosis never panic, whatever the input, and a big
//! HAR costs little memory beyond the file itself.
//!
//! - truncations of the example HARs and of the peer HARs up to 200 KB (see `cut_points`), and
//!   every prefix of their entries through the diagnosis;
//! - random bytes and random mutations of valid HARs (a deterministic xorshift);
//! - hostile header values straight into `diagnose_capture` and `analyze`;
//! - peak heap while importing a large synthetic HAR (a counting global allocator).

use authlens::model::{Capture, Exchange, Header, Headers};
use authlens::report::{self, Report};
use std::alloc::{GlobalAlloc, Layout, System};
use std::borrow::Cow;
use std::cell::Cell;
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------------
// A per-thread counting allocator, so parallel tests do not disturb the memory measurement.

struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn note(delta: isize) {
    let _ = LIVE.try_with(|l| {
        let v = l.get() + delta;
        l.set(v);
        let _ = PEAK.try_with(|p| p.set(p.get().max(v)));
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size() as isize);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note(-(layout.size() as isize));
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size as isize - layout.size() as isize);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

// ---------------------------------------------------------------------------------------------

/// Every byte of a file's head is a cut point: the log header, `creator`, `pages` and the first
/// entry hold every grammar state a HAR has (object, array, string, escape, number, literal).
const HEAD: usize = 1536;
/// Every byte of the tail too (closing brackets, the last entry's end).
const TAIL: usize = 512;
/// Cut points spread evenly over the rest.
const SPREAD: usize = 96;
/// Peer HARs up to this size take part in the truncation test.
const PEER_LIMIT: u64 = 200 * 1024;

/// Deterministic xorshift64*.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The example HARs and every peer HAR up to `PEER_LIMIT`.
fn corpus() -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut dirs = vec![manifest_dir().join("examples"), manifest_dir().join("../shared/peer/hars")];
    while let Some(d) = dirs.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
                continue;
            }
            let ext = p.extension().and_then(|x| x.to_str()).unwrap_or("");
            let small = e.metadata().map(|m| m.len() <= PEER_LIMIT).unwrap_or(false);
            let is_manifest = p.file_name().is_some_and(|n| n == "MANIFEST.json");
            if (ext == "har" || ext == "json") && small && !is_manifest {
                files.push((p.clone(), std::fs::read(&p).unwrap_or_default()));
            }
        }
    }
    files.sort();
    files
}

/// Imports `bytes`; when that works, diagnoses and renders everything.
fn exercise(bytes: &[u8]) {
    match authlens::har::parse_bytes(bytes) {
        Ok(c) => {
            let d = authlens::diagnose::diagnose_capture(&c);
            let rep = Report::build("x", &c, &d, false);
            let _ = report::text::render(&rep, true);
            let _ = report::markdown::render(&rep);
            let _ = serde_json::to_string(&rep);
            let _ = authlens::analyze(&c);
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

/// The cut points for a file of `len` bytes: all of them for a file of up to HEAD + TAIL bytes.
///
/// Why not every byte of every file: parsing every prefix of a 175 KB file is 15 GB of work,
/// hours in a debug build. The importer's own code only ever sees complete JSON values (serde
/// calls a visitor with a whole string or number, never a part), so what a cut exercises is the
/// parser's end-of-input handling in each grammar state plus our error mapping, and the head and
/// tail hold every such state.
fn cut_points(len: usize) -> Vec<usize> {
    if len <= HEAD + TAIL {
        return (0..=len).collect();
    }
    let mut v: Vec<usize> = (0..HEAD).chain(len - TAIL..=len).collect();
    v.extend((0..SPREAD).map(|i| HEAD + i * (len - HEAD - TAIL) / SPREAD));
    v
}

#[test]
fn truncation_never_panics() {
    let files = corpus();
    assert!(files.len() >= 60, "corpus too small: {}", files.len());
    let examples = files.iter().filter(|(p, _)| p.starts_with(manifest_dir().join("examples"))).count();
    assert!(examples >= 7, "examples missing: {examples}");
    // Two workers: the machines running this have at least two cores.
    let (a, b): (Vec<_>, Vec<_>) = files.iter().enumerate().partition(|(i, _)| i % 2 == 0);
    std::thread::scope(|s| {
        for half in [a, b] {
            s.spawn(move || {
                for (_, (path, bytes)) in half {
                    // Our own fixtures (examples/) are cut at every byte; large peer HARs at the head,
                    // the tail and a spread of points (see cut_points).
                    let cuts = if path.starts_with(manifest_dir().join("examples")) {
                        (0..=bytes.len()).collect()
                    } else {
                        cut_points(bytes.len())
                    };
                    for cut in cuts {
                        let r = std::panic::catch_unwind(|| exercise(bytes.get(..cut).unwrap_or(bytes)));
                        assert!(r.is_ok(), "panic on {} cut at byte {cut}", path.display());
                    }
                }
            });
        }
    });
}

#[test]
fn every_prefix_of_a_capture_diagnoses() {
    // A capture cut between entries (a preflight without its request, a login without the
    // request that needed it) is what a partial export or a live extension capture looks like.
    for (path, bytes) in corpus() {
        let Ok(c) = authlens::har::parse_bytes(&bytes) else { continue };
        for k in 0..=c.exchanges.len().min(60) {
            let part = Capture { exchanges: c.exchanges.get(..k).unwrap_or(&[]).to_vec(), ..c.clone() };
            let r = std::panic::catch_unwind(|| {
                let d = authlens::diagnose::diagnose_capture(&part);
                let _ = Report::build("x", &part, &d, true);
                let _ = authlens::analyze(&part);
            });
            assert!(r.is_ok(), "panic on the first {k} entries of {}", path.display());
        }
    }
}

#[test]
fn random_bytes_and_mutations_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..1000 {
        let len = rng.below(600);
        let buf: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        exercise(&buf);
        // Random JSON-ish text reaches further into the parser than raw bytes.
        const ALPHABET: &[u8] = br#"{}[]":,0123456789.-+eEtrufalsn \\/u"logentriesrequestheadersname"#;
        let text: Vec<u8> = (0..len).map(|_| ALPHABET[rng.below(ALPHABET.len())]).collect();
        exercise(&text);
    }
    let seeds: Vec<Vec<u8>> = corpus().into_iter().filter(|(_, b)| b.len() < 30_000).map(|(_, b)| b).collect();
    assert!(!seeds.is_empty());
    const INSERTS: &[&[u8]] = &[
        b"null",
        b"[]",
        b"{}",
        b"\"",
        b"\\u0000",
        b"-1",
        b"1e999",
        b"\xef\xbf\xbd",
        b"\"\\ud800\"",
        b"99999999999999999999",
    ];
    for round in 0..1200 {
        let mut doc = seeds[round % seeds.len()].clone();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(doc.len());
            match rng.below(3) {
                0 => {
                    if let Some(b) = doc.get_mut(at) {
                        *b = rng.next() as u8;
                    }
                }
                1 => {
                    let end = (at + rng.below(40)).min(doc.len());
                    doc.drain(at..end);
                }
                _ => {
                    let ins = INSERTS[rng.below(INSERTS.len())];
                    doc.splice(at..at, ins.iter().copied());
                }
            }
        }
        let r = std::panic::catch_unwind(|| exercise(&doc));
        assert!(r.is_ok(), "panic on mutation round {round}: {}", String::from_utf8_lossy(&doc));
    }
}

fn h(name: &'static str, value: String) -> Header<'static> {
    Header { name: Cow::Borrowed(name), value: Cow::Owned(value) }
}

fn exchange(status: u16, req: Vec<Header<'static>>, res: Vec<Header<'static>>) -> Exchange<'static> {
    Exchange {
        method: Cow::Borrowed("GET"),
        url: Cow::Borrowed("https://api.example.test/v1/me"),
        status,
        request_headers: Headers(req),
        response_headers: Headers(res),
        page_url: Some(Cow::Borrowed("https://app.example/")),
        resource_type: Some(Cow::Borrowed("fetch")),
        started_ms: Some(1_790_000_000_000.0),
        ..Exchange::default()
    }
}

#[test]
fn hostile_headers_never_panic() {
    let huge = "A".repeat(1 << 20);
    let nul = "a\0b\0=\0c; Path=/\0".to_string();
    let replacement = "\u{fffd}\u{fffd}=\u{fffd}; SameSite=\u{fffd}; Domain=\u{fffd}.test".to_string();
    let jwtish = format!("{}.{}.{}", "eyJ".repeat(30_000), "e30".repeat(30_000), "x".repeat(10));
    let many_cookies: String = (0..10_000).map(|i| format!("c{i}=v{i}")).collect::<Vec<_>>().join("; ");
    let commas = ",".repeat(100_000);
    let quotes = format!("Bearer realm=\"{}", "\\\"".repeat(50_000));
    let values: Vec<String> = vec![
        huge.clone(),
        nul.clone(),
        replacement.clone(),
        jwtish.clone(),
        many_cookies.clone(),
        commas.clone(),
        quotes.clone(),
        String::new(),
        " ".repeat(10_000),
        "=".repeat(10_000),
        ";".repeat(10_000),
        "Bearer ".repeat(10_000),
        "Basic ".to_string() + &"=".repeat(1000),
        "Digest ".to_string() + &"a=b, ".repeat(20_000),
        "Mon, 99 Foo 99999 99:99:99 GMT".to_string(),
    ];
    let names: &[&'static str] = &[
        "authorization",
        "cookie",
        "set-cookie",
        "www-authenticate",
        "proxy-authenticate",
        "access-control-allow-origin",
        "access-control-allow-headers",
        "access-control-allow-methods",
        "access-control-allow-credentials",
        "access-control-expose-headers",
        "origin",
        "date",
        "age",
        "cache-control",
        "vary",
        "location",
        "sec-fetch-site",
        "sec-fetch-mode",
        "content-type",
        "x-api-key",
        "dpop",
    ];
    let mut exchanges = Vec::new();
    // Every hostile value under every name once (a 401, the status most rules look at), and the
    // small ones under other statuses too. Kept to a few hundred exchanges: a debug build of the
    // rules needs about a quarter of a second per exchange carrying a 1 MiB value.
    for (i, v) in values.iter().enumerate() {
        for (j, &n) in names.iter().enumerate() {
            let status = if v.len() > 100_000 { 401 } else { [0u16, 302, 401, 403][(i + j) % 4] };
            exchanges.push(exchange(status, vec![h(n, v.clone())], vec![h(n, v.clone())]));
        }
    }
    // 10k Set-Cookie lines, and one Firefox-style value joining them with newlines.
    let lines: Vec<Header<'static>> =
        (0..10_000).map(|i| h("set-cookie", format!("s{i}=v{i}; Path=/p{i}; SameSite=None"))).collect();
    exchanges.push(exchange(401, vec![h("cookie", many_cookies.clone())], lines));
    let joined: String = (0..10_000).map(|i| format!("s{i}=v{i}; Secure")).collect::<Vec<_>>().join("\n");
    exchanges.push(exchange(200, vec![], vec![h("set-cookie", joined)]));
    // A preflight and redirects to correlate with.
    let mut pre = exchange(401, vec![h("access-control-request-headers", commas.clone())], vec![]);
    pre.method = Cow::Borrowed("OPTIONS");
    exchanges.push(pre);
    let mut redirect = exchange(302, vec![h("authorization", huge.clone())], vec![h("location", huge.clone())]);
    redirect.redirect_url = Some(Cow::Owned(huge.clone()));
    exchanges.push(redirect);
    // Credentials that must never be echoed in full, however large.
    let secret = "S3cr3t".repeat(100_000);
    for status in [401u16, 403, 200] {
        exchanges.push(exchange(
            status,
            vec![h("authorization", format!("Bearer {secret}")), h("cookie", format!("sid={secret}; sid=x"))],
            vec![h("set-cookie", format!("sid={secret}; SameSite=None")), h("www-authenticate", "Bearer".into())],
        ));
    }
    let capture = Capture { exchanges, ..Capture::default() };
    let started = std::time::Instant::now();
    let diagnoses = authlens::diagnose::diagnose_capture(&capture);
    println!("hostile capture: {} exchanges diagnosed in {:?}", capture.exchanges.len(), started.elapsed());
    let rep = Report::build("hostile", &capture, &diagnoses, false);
    let json = serde_json::to_string(&rep).expect("report serialises");
    assert!(!json.contains(&secret), "a 600 kB credential must not be echoed unredacted");
    let _ = report::text::render(&rep, false);
    let _ = report::markdown::render(&rep);
    let _ = authlens::analyze(&capture);
    for v in &authlens::view::exports::exports(&capture, false) {
        assert!(!v.curl.contains(&secret), "cURL leaks a secret");
        assert!(!v.markdown.contains(&secret), "the entry's Markdown leaks a secret");
    }
    for x in &capture.exchanges {
        let _ = report::curl::curl(x, false);
    }
}

/// A synthetic Chrome-style HAR with `n` entries, a third of them with escaped bodies.
fn big_har(n: usize) -> String {
    let mut s = String::from(
        r#"{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"pages":[{"id":"page_1","title":"https://app.example/"}],"entries":["#,
    );
    let body = "x".repeat(3000);
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        let (status, text) = match i % 3 {
            0 => (200, body.clone()),
            1 => (401, format!("{{\\\"error\\\":\\\"invalid_token\\\",\\\"pad\\\":\\\"{body}\\\"}}")),
            _ => (302, "<html>\\n".repeat(400)),
        };
        s.push_str(&format!(
            r#"{{"pageref":"page_1","startedDateTime":"2026-09-23T12:00:{:02}.000Z","_resourceType":"fetch","_initiator":{{"type":"script","stack":{{"callFrames":[{{"url":"https://app.example/app.js","lineNumber":1}}]}}}},"request":{{"method":"GET","url":"https://api.example.test/items/{i}","httpVersion":"http/2.0","headers":[{{"name":":authority","value":"api.example.test"}},{{"name":"accept","value":"application/json"}},{{"name":"authorization","value":"Bearer tok{i}"}},{{"name":"origin","value":"https://app.example"}}],"queryString":[],"cookies":[],"headersSize":-1,"bodySize":0}},"response":{{"status":{status},"statusText":"","httpVersion":"http/2.0","headers":[{{"name":"date","value":"Wed, 23 Sep 2026 12:00:00 GMT"}},{{"name":"content-type","value":"application/json"}},{{"name":"access-control-allow-origin","value":"https://app.example"}}],"cookies":[],"content":{{"size":3000,"mimeType":"application/json","text":"{text}"}},"redirectURL":"","headersSize":-1,"bodySize":-1,"_transferSize":3200,"_error":null}},"serverIPAddress":"192.0.2.1","time":10.5,"timings":{{"blocked":1,"dns":-1,"ssl":-1,"connect":-1,"send":0.1,"wait":9,"receive":0.4}}}}"#,
            i % 60
        ));
    }
    s.push_str("]}}");
    s
}

#[test]
fn big_har_memory_stays_near_file_size() {
    let text = big_har(6000);
    let file = text.len() as isize;
    let start = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(start));
    let capture = authlens::har::parse(&text).expect("synthetic HAR imports");
    let peak = PEAK.with(Cell::get) - start;
    assert_eq!(capture.exchanges.len(), 6000);
    assert!(matches!(capture.exchanges[0].url, Cow::Borrowed(_)), "URLs borrow from the file");
    // The file is already in memory; the import may add at most twice its size (brief: total ≤ 3×).
    assert!(peak <= 2 * file, "import peak {peak} bytes for a {file}-byte file");
    println!("big HAR: {file} bytes, import peak {peak} bytes ({:.2}× the file)", peak as f64 / file as f64);
}
