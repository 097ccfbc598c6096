//! A moto server (`moto_server -H 127.0.0.1 -p PORT`) for one test: started
//! on a free port, waited for until it answers HTTP, and killed when the
//! [`Moto`] value is dropped (also when the test panics). A watchdog shell
//! kills it too if the test process dies without dropping it (an abort, a
//! signal), so no server outlives the run.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

/// How long the server may take to answer its first request.
const STARTUP: Duration = Duration::from_secs(30);

/// What to do when moto is missing, in every message about it.
const HOW_TO_INSTALL: &str = "install it with `export MOTO_SERVER=\"$(bash .ci/install-moto)\"` from the checkout \
     (`pip install 'moto[server]'` into a virtual environment under ~/.cache), \
     or put `moto_server` on PATH (`pip install 'moto[server]'`)";

/// A running moto server, killed on drop.
pub struct Moto {
    server: Child,
    /// The write end of the watchdog's standard input: closing it (on drop,
    /// or when this process dies) makes the watchdog kill the server's
    /// process group.
    watchdog_stdin: Option<ChildStdin>,
    watchdog: Child,
    port: u16,
    log: PathBuf,
}

impl Moto {
    /// Starts a server on a free port of 127.0.0.1 and waits until it
    /// answers. Panics, saying how to install moto, when it is not
    /// installed; panics with the server's output when it does not start.
    pub fn start() -> Moto {
        let program = server_program();
        let mut last_failure = String::new();
        // A port found free can be taken before the server binds it: try
        // another then.
        for _ in 0..3 {
            match Moto::try_start(&program) {
                Ok(moto) => return moto,
                Err(failure) => last_failure = failure,
            }
        }
        panic!("moto's server did not start: {last_failure}");
    }

    fn try_start(program: &Path) -> Result<Moto, String> {
        let port = free_port();
        let log = std::env::temp_dir().join(format!("moto-tests-{}-{port}.log", std::process::id()));
        let output = File::create(&log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let errors = output.try_clone().map_err(|e| format!("{}: {e}", log.display()))?;
        let server = Command::new(program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(output)
            .stderr(errors)
            // Its own process group, which the watchdog kills whole.
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run moto's server `{}`: {e}; {HOW_TO_INSTALL}", program.display()));
        let watchdog = Command::new("sh")
            .args([
                "-c",
                "read _ || true; kill -KILL \"-$1\" 2>/dev/null || kill -KILL \"$1\" 2>/dev/null",
                "moto-watchdog",
                &server.id().to_string(),
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Out of the terminal's process group, so that Ctrl-C, which
            // does not reach the server's group, does not stop it either.
            .process_group(0)
            .spawn();
        let mut watchdog = match watchdog {
            Ok(watchdog) => watchdog,
            Err(e) => {
                let mut server = server;
                let _ = server.kill();
                let _ = server.wait();
                panic!("cannot start the watchdog shell (`sh`) for moto's server: {e}");
            }
        };
        let watchdog_stdin = watchdog.stdin.take();
        let mut moto = Moto { server, watchdog_stdin, watchdog, port, log };
        moto.wait_until_ready()?;
        Ok(moto)
    }

    /// The server's URL, for `endpoint_url`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The server's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Polls until the server answers an HTTP request, it exits, or
    /// [`STARTUP`] passes.
    fn wait_until_ready(&mut self) -> Result<(), String> {
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = self.server.try_wait() {
                return Err(format!("it exited ({status}) on port {}; its output:\n{}", self.port, self.output()));
            }
            if answers(self.port) {
                return Ok(());
            }
            if started.elapsed() > STARTUP {
                return Err(format!(
                    "it did not answer on port {} within {} s; its output:\n{}",
                    self.port,
                    STARTUP.as_secs(),
                    self.output()
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The end of what the server printed, for error messages.
    pub fn output(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        // The watchdog reads the end of its input and kills the server's
        // process group.
        drop(self.watchdog_stdin.take());
        let _ = self.watchdog.wait();
        let _ = self.server.kill();
        let _ = self.server.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// `MOTO_SERVER` when set (it must then exist), else `moto_server` from
/// `PATH`; panics with how to install it when neither is there.
fn server_program() -> PathBuf {
    if let Some(path) = std::env::var_os("MOTO_SERVER").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        if !path.is_file() {
            panic!("MOTO_SERVER is {}, which does not exist; {HOW_TO_INSTALL}", path.display());
        }
        return path;
    }
    let on_path = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).map(|dir| dir.join("moto_server")).find(|p| p.is_file()))
        .unwrap_or_default();
    match on_path {
        Some(path) => path,
        None => panic!("moto's server is not installed: MOTO_SERVER is not set and there is no `moto_server` on PATH; {HOW_TO_INSTALL}"),
    }
}

/// A port of 127.0.0.1 that nothing listens on now.
fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address").port()
}

/// Whether an HTTP server answers on the port.
fn answers(port: u16) -> bool {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let Ok(mut stream) = TcpStream::connect_timeout(&address, Duration::from_millis(200)) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
    if stream.write_all(b"GET /moto-api/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.")
}
