//! A minimal W3C WebDriver client (std + serde_json) driving Debian's chromedriver, for the
//! end-to-end check and the screenshots. Waits poll a condition with a deadline; nothing sleeps
//! for a fixed time and hopes.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::Result;

/// Chromium flags for this closed network (see README): without the background-networking
/// flags Chromium stalls on connections the sandbox refuses.
pub(crate) const CHROME_ARGS: &[&str] = &[
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--hide-scrollbars",
];

pub(crate) struct Driver {
    child: Child,
    port: u16,
    session: String,
    profile: std::path::PathBuf,
}

impl Driver {
    /// Starts chromedriver and a headless Chromium session with a fresh profile.
    pub(crate) fn start(width: u32, height: u32, extra_args: &[&str]) -> Result<Driver> {
        let port = free_port()?;
        let chromedriver =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let child = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {chromedriver}: {e}"))?;
        let profile =
            std::env::temp_dir().join(format!("netsim-chrome-{}-{port}", std::process::id()));
        let mut driver = Driver { child, port, session: String::new(), profile };
        let deadline = Instant::now() + Duration::from_secs(20);
        while driver.request("GET", "/status", None).is_err() {
            if Instant::now() > deadline {
                return Err("chromedriver did not start within 20 s".into());
            }
            std::thread::yield_now();
        }
        let mut args: Vec<String> = CHROME_ARGS.iter().map(ToString::to_string).collect();
        args.push(format!("--window-size={width},{height}"));
        args.push(format!("--user-data-dir={}", driver.profile.display()));
        args.extend(extra_args.iter().map(ToString::to_string));
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"args": args, "binary": "/usr/bin/chromium"},
            "goog:loggingPrefs": {"browser": "ALL"}
        }}});
        let v = driver.request("POST", "/session", Some(&caps))?;
        driver.session = v["value"]["sessionId"]
            .as_str()
            .or_else(|| v["sessionId"].as_str())
            .ok_or("no session id")?
            .to_string();
        Ok(driver)
    }

    fn request(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value> {
        let body = body.map(Value::to_string).unwrap_or_default();
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).map_err(|e| e.to_string())?;
        stream.set_read_timeout(Some(Duration::from_secs(60))).map_err(|e| e.to_string())?;
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(req.as_bytes()).map_err(|e| e.to_string())?;
        // chromedriver keeps connections open whatever we ask, so read exactly the response:
        // the head, then Content-Length bytes (or chunks), not until EOF.
        let mut reader = BufReader::new(stream);
        let mut head = String::new();
        loop {
            let mut line = String::new();
            let n = reader.read_line(&mut line).map_err(|e| e.to_string())?;
            if n == 0 || line == "\r\n" || line == "\n" {
                break;
            }
            head.push_str(&line);
        }
        let lower = head.to_ascii_lowercase();
        let length = lower
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok());
        let body = if let Some(n) = length {
            let mut buf = vec![0; n];
            reader.read_exact(&mut buf).map_err(|e| e.to_string())?;
            String::from_utf8_lossy(&buf).into_owned()
        } else if lower.contains("transfer-encoding: chunked") {
            read_chunked(&mut reader)?
        } else {
            let mut buf = Vec::new();
            reader.read_to_end(&mut buf).map_err(|e| e.to_string())?;
            String::from_utf8_lossy(&buf).into_owned()
        };
        let v: Value =
            serde_json::from_str(&body).map_err(|e| format!("bad JSON from chromedriver: {e}"))?;
        if let Some(err) = v["value"].get("error") {
            return Err(format!("webdriver {path}: {err}: {}", v["value"]["message"]));
        }
        Ok(v)
    }

    fn session_path(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.session)
    }

    pub(crate) fn goto(&self, url: &str) -> Result {
        self.request("POST", &self.session_path("/url"), Some(&json!({ "url": url }))).map(drop)
    }

    /// Runs `script` (a function body; `arguments` available) and returns its value.
    pub(crate) fn eval(&self, script: &str) -> Result<Value> {
        self.eval_args(script, &[])
    }

    /// The text of the open `alert`/`confirm` dialog, if one is open.
    pub(crate) fn dialog_text(&self) -> Option<String> {
        let v = self.request("GET", &self.session_path("/alert/text"), None).ok()?;
        v["value"].as_str().map(str::to_string)
    }

    /// Accepts the open `confirm` dialog (OK).
    pub(crate) fn accept_dialog(&self) -> Result {
        self.request("POST", &self.session_path("/alert/accept"), Some(&json!({}))).map(drop)
    }

    /// Runs `script` with `arguments[0..]` = `args` and returns its value.
    pub(crate) fn eval_args(&self, script: &str, args: &[Value]) -> Result<Value> {
        let v = self.request(
            "POST",
            &self.session_path("/execute/sync"),
            Some(&json!({"script": script, "args": args})),
        )?;
        Ok(v["value"].clone())
    }

    /// Polls `script` until it returns a truthy value, or fails after `timeout`.
    pub(crate) fn wait_for(&self, what: &str, script: &str, timeout: Duration) -> Result<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let v = self.eval(script)?;
            let truthy = match &v {
                Value::Null => false,
                Value::Bool(b) => *b,
                Value::Number(n) => n.as_f64() != Some(0.0),
                Value::String(s) => !s.is_empty(),
                _ => true,
            };
            if truthy {
                return Ok(v);
            }
            if Instant::now() > deadline {
                return Err(format!("timed out after {timeout:?} waiting for {what}"));
            }
            std::thread::yield_now();
        }
    }

    /// Presses `keys` on the keyboard as a user would (WebDriver actions: real key events to
    /// whatever has focus). WebDriver's key codes: `\u{E004}` Tab, `\u{E007}` Enter,
    /// `\u{E00C}` Escape, `\u{E015}` ArrowDown, `\u{E008}` Shift (held until released).
    pub(crate) fn keys(&self, keys: &str) -> Result {
        let mut actions = Vec::new();
        for k in keys.chars() {
            let k = k.to_string();
            actions.push(json!({"type": "keyDown", "value": k}));
            if k != "\u{E008}" {
                actions.push(json!({"type": "keyUp", "value": k}));
            }
        }
        let body = json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]});
        self.request("POST", &self.session_path("/actions"), Some(&body))?;
        // Lets go of any held modifier.
        self.request("DELETE", &self.session_path("/actions"), None).map(drop)
    }

    /// Browser console entries (`[level, message]`), drained.
    pub(crate) fn console(&self) -> Result<Vec<(String, String)>> {
        let v =
            self.request("POST", &self.session_path("/se/log"), Some(&json!({"type": "browser"})))?;
        Ok(v["value"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| {
                        (
                            e["level"].as_str().unwrap_or("").to_string(),
                            e["message"].as_str().unwrap_or("").to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default())
    }

    /// A PNG screenshot of the viewport.
    pub(crate) fn screenshot(&self) -> Result<Vec<u8>> {
        let v = self.request("GET", &self.session_path("/screenshot"), None)?;
        base64_decode(v["value"].as_str().ok_or("no screenshot data")?)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.request("DELETE", &format!("/session/{}", self.session), None);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

fn free_port() -> Result<u16> {
    let l = std::net::TcpListener::bind(("127.0.0.1", 0)).map_err(|e| e.to_string())?;
    l.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

fn read_chunked(reader: &mut impl BufRead) -> Result<String> {
    let mut out = Vec::new();
    loop {
        let mut size = String::new();
        reader.read_line(&mut size).map_err(|e| e.to_string())?;
        let n = usize::from_str_radix(size.trim(), 16).map_err(|_| "bad chunk size")?;
        let mut chunk = vec![0; n + 2];
        reader.read_exact(&mut chunk).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        out.extend_from_slice(&chunk[..n]);
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

fn base64_decode(s: &str) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' | b'\n' | b'\r' => continue,
            _ => return Err("bad base64".into()),
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Ok(out)
}
