//! A minimal W3C WebDriver client (std + serde_json) driving Debian's chromedriver or
//! geckodriver (Firefox ESR), for the end-to-end check and the screenshots. Waits poll a condition
//! with a deadline; nothing sleeps for a fixed time and hopes.

use std::cell::Cell;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::{tools, Result};

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

/// Firefox's capabilities (`moz:firefoxOptions`: the binary, `-headless`, and the prefs that
/// keep a fresh profile off the closed network and print the page's console on stdout). The
/// wasm-bindgen test runner reads the same file (`WASM_BINDGEN_TEST_WEBDRIVER_JSON`).
pub(crate) const FIREFOX_CAPABILITIES: &str = include_str!("../firefox.json");

/// The file behind [`FIREFOX_CAPABILITIES`].
pub(crate) fn firefox_capabilities_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("firefox.json")
}

/// The browsers the end-to-end check runs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Browser {
    /// Debian's `chromium` through `chromedriver`.
    Chromium,
    /// Debian's `firefox-esr` through `geckodriver`.
    Firefox,
}

impl Browser {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Browser::Chromium => "Chromium",
            Browser::Firefox => "Firefox",
        }
    }
}

pub(crate) struct Driver {
    child: Child,
    port: u16,
    session: String,
    /// Chromium's fresh profile; Firefox's is geckodriver's own temporary one.
    profile: PathBuf,
    pub(crate) browser: Browser,
    /// Firefox: geckodriver's output (Firefox's stdout, where the page's console goes) and how
    /// much of it [`Driver::console`] has read.
    log: Option<(PathBuf, Cell<u64>)>,
}

impl Driver {
    /// Starts the browser's driver and a headless session with a fresh profile and a
    /// `width`×`height` window. `extra_args` are Chromium flags (ignored for Firefox).
    pub(crate) fn start(
        browser: Browser,
        width: u32,
        height: u32,
        extra_args: &[&str],
    ) -> Result<Driver> {
        let port = free_port()?;
        let profile = std::env::temp_dir().join(format!(
            "netsim-{}-{}-{port}",
            browser.name().to_ascii_lowercase(),
            std::process::id()
        ));
        let (child, log) = match browser {
            Browser::Chromium => {
                let chromedriver = std::env::var("CHROMEDRIVER")
                    .unwrap_or_else(|_| "/usr/bin/chromedriver".into());
                let child = Command::new(&chromedriver)
                    .arg(format!("--port={port}"))
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .map_err(|e| format!("cannot start {chromedriver}: {e}"))?;
                (child, None)
            }
            Browser::Firefox => {
                let geckodriver = tools::geckodriver().ok_or("geckodriver is not installed")?;
                std::fs::create_dir_all(&profile).map_err(|e| e.to_string())?;
                let log = profile.join("geckodriver.log");
                let out = std::fs::File::create(&log).map_err(|e| e.to_string())?;
                let err = out.try_clone().map_err(|e| e.to_string())?;
                // Its fresh Firefox profile goes under ours, and goes with it.
                let child = Command::new(&geckodriver)
                    .arg(format!("--port={port}"))
                    .arg("--profile-root")
                    .arg(&profile)
                    .stdout(out)
                    .stderr(err)
                    .spawn()
                    .map_err(|e| format!("cannot start {}: {e}", geckodriver.display()))?;
                (child, Some((log, Cell::new(0))))
            }
        };
        let mut driver = Driver { child, port, session: String::new(), profile, browser, log };
        let deadline = Instant::now() + Duration::from_secs(20);
        while driver.request("GET", "/status", None).is_err() {
            if Instant::now() > deadline {
                return Err(format!("the {} driver did not start within 20 s", browser.name()));
            }
            std::thread::yield_now();
        }
        let caps = match browser {
            Browser::Chromium => {
                let mut args: Vec<String> = CHROME_ARGS.iter().map(ToString::to_string).collect();
                args.push(format!("--window-size={width},{height}"));
                args.push(format!("--user-data-dir={}", driver.profile.display()));
                args.extend(extra_args.iter().map(ToString::to_string));
                json!({"capabilities": {"alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": {"args": args, "binary": "/usr/bin/chromium"},
                    "goog:loggingPrefs": {"browser": "ALL"}
                }}})
            }
            Browser::Firefox => {
                let mut always: Value = serde_json::from_str(FIREFOX_CAPABILITIES)
                    .map_err(|e| format!("firefox.json: {e}"))?;
                always["browserName"] = json!("firefox");
                json!({"capabilities": {"alwaysMatch": always}})
            }
        };
        let v = driver.request("POST", "/session", Some(&caps))?;
        driver.session = v["value"]["sessionId"]
            .as_str()
            .or_else(|| v["sessionId"].as_str())
            .ok_or("no session id")?
            .to_string();
        if browser == Browser::Firefox {
            // The viewport: Firefox takes no size flag; headless, the window is the viewport.
            driver.request(
                "POST",
                &driver.session_path("/window/rect"),
                Some(&json!({"width": width, "height": height})),
            )?;
        }
        Ok(driver)
    }

    fn request(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value> {
        let body = body.map(Value::to_string).unwrap_or_default();
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).map_err(|e| e.to_string())?;
        stream.set_read_timeout(Some(Duration::from_secs(60))).map_err(|e| e.to_string())?;
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
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
        let v: Value = serde_json::from_str(&body)
            .map_err(|e| format!("bad JSON from the {} driver: {e}", self.browser.name()))?;
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

    /// Sends a DevTools protocol command (Chromium only: chromedriver's `goog/cdp/execute`).
    pub(crate) fn cdp(&self, cmd: &str, params: Value) -> Result<Value> {
        if self.browser != Browser::Chromium {
            return Err(format!("{cmd}: DevTools commands are Chromium's"));
        }
        let body = json!({ "cmd": cmd, "params": params });
        self.request("POST", &self.session_path("/goog/cdp/execute"), Some(&body))
            .map(|v| v["value"].clone())
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

    /// Clicks the element `selector` finds as a user would (a trusted click, with the user
    /// activation that clipboard writes need).
    pub(crate) fn click(&self, selector: &str) -> Result {
        let v = self.request(
            "POST",
            &self.session_path("/element"),
            Some(&json!({"using": "css selector", "value": selector})),
        )?;
        let id = v["value"]
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .ok_or_else(|| format!("no element {selector}"))?
            .to_string();
        self.request("POST", &self.session_path(&format!("/element/{id}/click")), Some(&json!({})))
            .map(drop)
    }

    /// Presses Ctrl + each of `keys` in turn, as trusted key events to the focused element.
    pub(crate) fn ctrl_keys(&self, keys: &[char]) -> Result {
        const CONTROL: &str = "\u{e009}";
        let mut actions = vec![json!({"type": "keyDown", "value": CONTROL})];
        for k in keys {
            actions.push(json!({"type": "keyDown", "value": k.to_string()}));
            actions.push(json!({"type": "keyUp", "value": k.to_string()}));
        }
        actions.push(json!({"type": "keyUp", "value": CONTROL}));
        self.request(
            "POST",
            &self.session_path("/actions"),
            Some(&json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})),
        )?;
        self.request("DELETE", &self.session_path("/actions"), None).map(drop)
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

    /// Browser console entries (`[level, message]`), drained. Chromium: its browser log.
    /// Firefox (which has no log endpoint): the page's `console.error` and uncaught errors
    /// (`JavaScript error: URL, line N: …` for http pages), which Firefox prints on stdout with
    /// `devtools.console.stdout.content`, as `SEVERE`.
    pub(crate) fn console(&self) -> Result<Vec<(String, String)>> {
        if let Some((log, read)) = &self.log {
            let text = std::fs::read(log).map_err(|e| format!("{}: {e}", log.display()))?;
            let start = usize::try_from(read.get()).unwrap_or(usize::MAX).min(text.len());
            read.set(text.len() as u64);
            return Ok(firefox_console(&String::from_utf8_lossy(&text[start..])));
        }
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

/// The page's errors in Firefox's stdout: `console.error: …` (with its continuation lines) and
/// `JavaScript error: http…` (an uncaught exception or rejection in a page or its workers).
fn firefox_console(out: &str) -> Vec<(String, String)> {
    let mut entries: Vec<(String, String)> = Vec::new();
    let mut open = false;
    for line in out.lines() {
        if let Some(m) = line.strip_prefix("console.error: ") {
            entries.push(("SEVERE".into(), m.to_string()));
            open = true;
        } else if let Some(m) = line.strip_prefix("JavaScript error: ") {
            if m.starts_with("http") {
                entries.push(("SEVERE".into(), m.to_string()));
            }
            open = false;
        } else if open && line.starts_with("  ") {
            if let Some(last) = entries.last_mut() {
                last.1.push('\n');
                last.1.push_str(line.trim());
            }
        } else {
            open = false;
        }
    }
    // Firefox's own privileged code logs here too (e.g. Remote Settings failing on the closed
    // network): its messages carry `resource://` or `chrome://` stacks, a page's never do.
    entries.retain(|(_, m)| !m.contains("resource://") && !m.contains("chrome://"));
    entries
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

#[cfg(test)]
mod tests {
    use super::firefox_console;

    #[test]
    fn firefox_console_keeps_the_page_errors_only() {
        let out = "*** You are running in headless mode.\n\
            console.error: RSLoader: \n  Failed to retrieve recipes\n  Stack:\n    f@resource://nimbus/lib/x.sys.mjs:1:5\n\n\
            console.error: \"boom\" ({a:1})\n\
            console.warn: \"a warning\"\n\
            console.log: \"a log\"\n\
            JavaScript error: http://127.0.0.1:1/a.js, line 2: Error: uncaught\n\
            JavaScript error: resource://gre/modules/P.sys.mjs, line 50: TypeError: x\n";
        let got = firefox_console(out);
        assert_eq!(
            got,
            vec![
                ("SEVERE".to_string(), "\"boom\" ({a:1})".to_string()),
                (
                    "SEVERE".to_string(),
                    "http://127.0.0.1:1/a.js, line 2: Error: uncaught".to_string()
                ),
            ]
        );
    }
}
