//! A small static file server for `dist/` (std only): the site is a plain folder any host can
//! serve; this one adds the Content-Security-Policy header the pages also carry in a meta tag.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use crate::{site, Result};

/// The policy every page is served with: no inline script, no remote loads. `wasm-unsafe-eval`
/// lets the page compile its own wasm; inline styles are allowed for CodeMirror's style tags.
pub(crate) const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
object-src 'none'; base-uri 'none'; form-action 'none'";

pub(crate) fn run(port: u16) -> Result {
    let report = site::build_release()?;
    println!("{report}");
    let listener = bind(port)?;
    println!("serving {} on http://127.0.0.1:{port}/", site::dist().display());
    serve_forever(listener, site::dist());
    Ok(())
}

pub(crate) fn bind(port: u16) -> Result<TcpListener> {
    TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))
}

/// Serves `dir` on `listener` until the process ends, one thread per connection.
pub(crate) fn serve_forever(listener: TcpListener, dir: PathBuf) {
    serve_site(listener, &Arc::new(Site { dir: RwLock::new(dir), down: AtomicBool::new(false) }));
}

/// What a server serves: a folder that can change (a new deploy), and whether it is down.
struct Site {
    dir: RwLock<PathBuf>,
    down: AtomicBool,
}

fn serve_site(listener: TcpListener, site: &Arc<Site>) {
    for stream in listener.incoming().flatten() {
        if site.down.load(Ordering::SeqCst) {
            // Down: the connection is dropped unanswered, and the browser's request fails.
            drop(stream);
            continue;
        }
        let dir = site.dir.read().map(|d| d.clone()).unwrap_or_default();
        std::thread::spawn(move || {
            let _ = handle(stream, &dir);
        });
    }
}

/// A site served for the end-to-end check on its own port (its own origin, so its service
/// worker and caches start empty), whose folder can be swapped for another build and which can
/// go down, as the network does.
pub(crate) struct TestSite {
    pub(crate) port: u16,
    site: Arc<Site>,
}

impl TestSite {
    pub(crate) fn start(dir: PathBuf) -> Result<TestSite> {
        let listener = bind(0)?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let site = Arc::new(Site { dir: RwLock::new(dir), down: AtomicBool::new(false) });
        let served = Arc::clone(&site);
        std::thread::spawn(move || serve_site(listener, &served));
        Ok(TestSite { port, site })
    }

    /// Serves `dir` from now on (a new deploy).
    pub(crate) fn deploy(&self, dir: PathBuf) {
        if let Ok(mut d) = self.site.dir.write() {
            *d = dir;
        }
    }

    /// Down: every request fails; up: served again.
    pub(crate) fn set_down(&self, down: bool) {
        self.site.down.store(down, Ordering::SeqCst);
    }
}

fn handle(mut stream: TcpStream, dir: &Path) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Read the headers (we only need Accept-Encoding); every answer is `Connection: close`.
    let mut gzip_ok = false;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("accept-encoding:") {
            gzip_ok |= v.split(',').any(|e| e.trim().starts_with("gzip"));
        }
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    if method != "GET" && method != "HEAD" {
        return respond(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain",
            b"method not allowed\n",
            method,
        );
    }
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let Some(file) = resolve(dir, path) else {
        return respond(&mut stream, "404 Not Found", "text/plain", b"not found\n", method);
    };
    // Serve the precompressed twin when the client takes gzip, as static hosts do.
    let gz = PathBuf::from(format!("{}.gz", file.display()));
    if gzip_ok && gz.is_file() {
        if let Ok(body) = std::fs::read(&gz) {
            return respond_with(&mut stream, "200 OK", mime(&file), &body, method, Some("gzip"));
        }
    }
    match std::fs::read(&file) {
        Ok(body) => respond(&mut stream, "200 OK", mime(&file), &body, method),
        Err(_) => respond(&mut stream, "404 Not Found", "text/plain", b"not found\n", method),
    }
}

/// Maps a URL path to a file under `dir`, refusing anything that would leave it.
fn resolve(dir: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
    let mut file = dir.to_path_buf();
    for c in Path::new(decoded.trim_start_matches('/')).components() {
        match c {
            Component::Normal(part) => file.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("yaml" | "yml" | "txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn respond(
    stream: &mut TcpStream,
    status: &str,
    mime: &str,
    body: &[u8],
    method: &str,
) -> std::io::Result<()> {
    respond_with(stream, status, mime, body, method, None)
}

fn respond_with(
    stream: &mut TcpStream,
    status: &str,
    mime: &str,
    body: &[u8],
    method: &str,
    encoding: Option<&str>,
) -> std::io::Result<()> {
    let encoding = encoding
        .map(|e| format!("Content-Encoding: {e}\r\nVary: Accept-Encoding\r\n"))
        .unwrap_or_default();
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {mime}\r\n{encoding}Content-Length: {}\r\n\
         Content-Security-Policy: {CSP}\r\nX-Content-Type-Options: nosniff\r\n\
         Cache-Control: no-cache\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(body)?;
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_site() {
        let dir = std::env::temp_dir().join(format!("xtask-serve-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("index.html"), "x").unwrap();
        std::fs::write(dir.join("sub/a b.txt"), "y").unwrap();
        assert_eq!(resolve(&dir, "/"), Some(dir.join("index.html")));
        assert_eq!(resolve(&dir, "/sub/a%20b.txt"), Some(dir.join("sub/a b.txt")));
        assert_eq!(resolve(&dir, "/../etc/passwd"), None);
        assert_eq!(resolve(&dir, "/%2e%2e/x"), None);
        assert_eq!(resolve(&dir, "/missing"), None);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
