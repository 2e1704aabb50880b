//! Headless Chromium driven over the Chrome DevTools protocol through a
//! pipe (`--remote-debugging-pipe`): JSON messages, each ended by a NUL
//! byte, written to the browser's file descriptor 3 and read from its 4.
//! No websocket, no HTTP, no port: `sh` maps the child's standard input
//! and output onto those descriptors, and serde_json does the rest.
//!
//! The browser is the system's (`$BACKPROP_CHROMIUM`, `/usr/bin/chromium`,
//! or `chromium`, `chromium-browser`, `google-chrome` on `PATH`); nothing is
//! downloaded, and the switches keep Chromium itself off the network.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long one reply may take before the test fails instead of hanging.
const REPLY_TIMEOUT: Duration = Duration::from_secs(60);

/// Chromium's executable, if this machine has one.
pub fn find() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("BACKPROP_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let fixed = Path::new("/usr/bin/chromium");
    if fixed.exists() {
        return Some(fixed.to_owned());
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// A running headless Chromium with one page attached. Dropping it closes
/// the browser and removes its profile folder.
pub struct Chromium {
    child: Child,
    to_browser: ChildStdin,
    from_browser: Receiver<Value>,
    next_id: u64,
    page: Option<(String, String)>,
    profile: PathBuf,
}

impl Chromium {
    /// Starts `executable` headless with a fresh profile in the folder
    /// `profile` (created; removed on drop). Chromium's own messages go to
    /// `profile` with the extension `.log` (shown if it does not answer).
    pub fn launch(executable: &Path, profile: PathBuf) -> Result<Self, String> {
        std::fs::create_dir_all(&profile).map_err(|e| format!("{}: {e}", profile.display()))?;
        let log_path = profile.with_extension("log");
        let log =
            std::fs::File::create(&log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
        // `exec` keeps the pid; the redirections give Chromium our stdin
        // pipe as fd 3 (commands) and our stdout pipe as fd 4 (replies).
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(r#"exec "$0" "$@" 3<&0 4>&1 0</dev/null 1>&2"#)
            .arg(executable)
            .args([
                "--headless",
                "--remote-debugging-pipe",
                // Root in a container has no usable sandbox.
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--window-size=1280,900",
                // Nothing reaches for the network: no updates, sync, field
                // trials, QUIC or first-run pages.
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-default-apps",
                "--disable-extensions",
                "--metrics-recording-only",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", executable.display()))?;
        let to_browser = child.stdin.take().expect("piped stdin");
        let mut replies = BufReader::new(child.stdout.take().expect("piped stdout"));
        let (send, from_browser) = channel();
        std::thread::spawn(move || {
            let mut message = Vec::new();
            loop {
                message.clear();
                match replies.read_until(0, &mut message) {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
                if message.last() == Some(&0) {
                    message.pop();
                }
                let Ok(value) = serde_json::from_slice::<Value>(&message) else {
                    continue;
                };
                if send.send(value).is_err() {
                    return;
                }
            }
        });
        let mut browser = Chromium {
            child,
            to_browser,
            from_browser,
            next_id: 0,
            page: None,
            profile,
        };
        let version = browser.call("Browser.getVersion", json!({})).map_err(|e| {
            let log = std::fs::read_to_string(&log_path).unwrap_or_default();
            format!("{} did not answer: {e}\n{log}", executable.display())
        })?;
        eprintln!("browser: {}", version["product"].as_str().unwrap_or("?"));
        Ok(browser)
    }

    /// Sends one command (to the page when `page` is set) and waits for
    /// its reply, skipping the events that come in between.
    fn send(&mut self, method: &str, params: Value, page: bool) -> Result<Value, String> {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if page {
            let (_, session) = self.page.as_ref().ok_or("no page is open")?;
            message["sessionId"] = json!(session);
        }
        let mut bytes = serde_json::to_vec(&message).expect("JSON");
        bytes.push(0);
        self.to_browser
            .write_all(&bytes)
            .and_then(|()| self.to_browser.flush())
            .map_err(|e| format!("{method}: the browser's pipe: {e}"))?;
        let deadline = Instant::now() + REPLY_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let reply = match self.from_browser.recv_timeout(left) {
                Ok(reply) => reply,
                Err(RecvTimeoutError::Timeout) => return Err(format!("{method}: no reply")),
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(format!("{method}: the browser exited"));
                }
            };
            if reply["id"] != json!(id) {
                continue;
            }
            if let Some(error) = reply.get("error") {
                return Err(format!("{method}: {error}"));
            }
            return Ok(reply["result"].clone());
        }
    }

    /// A browser-level command.
    fn call(&mut self, method: &str, params: Value) -> Result<Value, String> {
        self.send(method, params, false)
    }

    /// A command to the open page; a failure fails the test.
    fn page_call(&mut self, method: &str, params: Value) -> Value {
        self.send(method, params, true)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Opens `url` in a new page (closing the previous one) and waits until
    /// the document has loaded and `ready` (a JavaScript expression) is
    /// true.
    pub fn open(&mut self, url: &str, ready: &str) {
        if let Some((target, _)) = self.page.take() {
            let _ = self.call("Target.closeTarget", json!({ "targetId": target }));
        }
        let target = self
            .call("Target.createTarget", json!({ "url": "about:blank" }))
            .unwrap_or_else(|e| panic!("{e}"))["targetId"]
            .clone();
        let session = self
            .call(
                "Target.attachToTarget",
                json!({ "targetId": target, "flatten": true }),
            )
            .unwrap_or_else(|e| panic!("{e}"))["sessionId"]
            .clone();
        self.page = Some((
            target.as_str().expect("a target id").to_owned(),
            session.as_str().expect("a session id").to_owned(),
        ));
        let navigated = self.page_call("Page.navigate", json!({ "url": url }));
        if let Some(error) = navigated.get("errorText") {
            panic!("cannot open {url}: {error}");
        }
        let check = format!(
            "document.readyState === 'complete' && location.href !== 'about:blank' && !!({ready})"
        );
        let deadline = Instant::now() + Duration::from_secs(30);
        // While the document is replaced the evaluation may fail: retry.
        while self.try_eval(&check) != Ok(json!(true)) {
            assert!(Instant::now() < deadline, "{url} never became ready");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn try_eval(&mut self, expression: &str) -> Result<Value, String> {
        let result = self.send(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true }),
            true,
        )?;
        if let Some(exception) = result.get("exceptionDetails") {
            return Err(format!("{expression}: {exception}"));
        }
        Ok(result["result"]
            .get("value")
            .cloned()
            .unwrap_or(Value::Null))
    }

    /// Evaluates `expression` in the page; its value (`null` when it has
    /// none). A thrown exception fails the test.
    pub fn eval(&mut self, expression: &str) -> Value {
        self.try_eval(expression).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Presses and releases a key that types no text (`ArrowRight`,
    /// `ArrowLeft`, `Home`, `End`).
    pub fn press(&mut self, key: &str) {
        let code = match key {
            "ArrowLeft" => 37,
            "ArrowRight" => 39,
            "Home" => 36,
            "End" => 35,
            other => panic!("no key code for {other}"),
        };
        for kind in ["rawKeyDown", "keyUp"] {
            self.page_call(
                "Input.dispatchKeyEvent",
                json!({ "type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code }),
            );
        }
    }

    /// Moves the mouse to `(x, y)` in the viewport's CSS pixels.
    pub fn move_mouse(&mut self, x: f64, y: f64) {
        self.page_call(
            "Input.dispatchMouseEvent",
            json!({ "type": "mouseMoved", "x": x, "y": y }),
        );
    }
}

impl Chromium {
    /// Clicks the left mouse button at `(x, y)` in the viewport's CSS
    /// pixels, as a reader's click: move, press, release.
    pub fn click(&mut self, x: f64, y: f64) {
        self.move_mouse(x, y);
        for kind in ["mousePressed", "mouseReleased"] {
            self.page_call(
                "Input.dispatchMouseEvent",
                json!({ "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1 }),
            );
        }
    }

    /// The centre of the first element `selector` matches, in viewport
    /// CSS pixels (scrolled into view first).
    pub fn centre_of(&mut self, selector: &str) -> (f64, f64) {
        let selector = serde_json::to_string(selector).expect("JSON");
        let centre = self.eval(&format!(
            "(() => {{ const e = document.querySelector({selector}); \
             e.scrollIntoView({{ block: 'nearest', inline: 'nearest' }}); \
             const r = e.getBoundingClientRect(); \
             return [r.left + r.width / 2, r.top + r.height / 2]; }})()"
        ));
        let xy = |i: usize| centre[i].as_f64().expect("a coordinate");
        (xy(0), xy(1))
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        let _ = self.call("Browser.close", json!({}));
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
        let _ = std::fs::remove_file(self.profile.with_extension("log"));
    }
}
