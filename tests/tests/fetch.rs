//! `zkmips fetch` against real recorded mainnet data served by `zkmips replay-rpc`, and against
//! nodes that fail: every failure ends with a clear error naming the cause, a non-zero exit and
//! no witness file (nor a temporary one) left behind.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use zkmips_e2e::{scratch_dir, testdata_dir, zkmips_bin};

/// A `zkmips replay-rpc` process, killed on drop.
struct Replay {
    child: Child,
    url: String,
}

impl Replay {
    fn start(recording: &Path) -> Replay {
        let mut child = Command::new(zkmips_bin())
            .args(["replay-rpc", recording.to_str().unwrap(), "--port", "0"])
            .stderr(Stdio::piped())
            .spawn()
            .expect("start zkmips replay-rpc");
        let stderr = child.stderr.take().unwrap();
        let mut lines = BufReader::new(stderr).lines();
        let url = loop {
            let line = lines.next().expect("replay-rpc exited before listening").unwrap();
            if let Some(url) = line.strip_prefix("listening on ") {
                break url.trim().to_string();
            }
        };
        // Keep draining stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Replay { child, url }
    }
}

impl Drop for Replay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn fetch(args: &[&str]) -> Output {
    Command::new(zkmips_bin()).arg("fetch").args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh, empty folder for one test's output.
fn out_dir(name: &str) -> PathBuf {
    let dir = scratch_dir("fetch").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The fetch failed cleanly: non-zero exit, `want` in the message, and `dir` still empty.
fn assert_failed_cleanly(out: &Output, dir: &Path, want: &str) {
    let err = stderr(out);
    assert!(matches!(out.status.code(), Some(c) if c != 0 && c != 101), "exit {:?}:\n{err}", out.status);
    assert!(err.contains(want), "expected {want:?} in:\n{err}");
    assert!(!err.contains("panicked"), "{err}");
    let left: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.is_empty(), "files left behind after a failed fetch: {left:?}");
}

#[test]
fn recorded_mainnet_blocks_fetch_and_execute() {
    let Some(data) = testdata_dir("recorded_mainnet_blocks_fetch_and_execute") else { return };
    for (file, number) in [("1-18884864.json.gz", 18884864u64), ("1-19426587.json.gz", 19426587)] {
        let replay = Replay::start(&data.join("mainnet-rpc").join(file));
        let dir = out_dir(&format!("mainnet-{number}"));
        let witness = dir.join("block.witness");
        let out = fetch(&["--rpc", &replay.url, "--block", &number.to_string(), "-o", witness.to_str().unwrap()]);
        assert!(out.status.success(), "fetch {number}: {}{}", stdout(&out), stderr(&out));
        // Auto chose proofs: the recording has no debug_executionWitness.
        assert!(stdout(&out).contains("with the proofs strategy"), "{}", stdout(&out));
        println!("{number}: {}", stdout(&out).trim());

        let exec = Command::new(zkmips_bin()).args(["execute-block", witness.to_str().unwrap()]).output().unwrap();
        assert!(exec.status.success(), "execute {number}: {}{}", stdout(&exec), stderr(&exec));
        // The same statement as the block input built straight from the recording.
        let direct = Command::new(zkmips_bin())
            .args(["execute-block", data.join("mainnet-rpc").join(file).to_str().unwrap()])
            .output()
            .unwrap();
        let statement =
            |o: &Output| stdout(o).lines().filter(|l| !l.starts_with("native")).collect::<Vec<_>>().join("\n");
        assert_eq!(statement(&exec), statement(&direct));
        assert!(statement(&exec).contains("block hash: 0x"), "{}", stdout(&exec));

        let inspect = Command::new(zkmips_bin()).args(["inspect", witness.to_str().unwrap()]).output().unwrap();
        assert!(inspect.status.success(), "{}", stderr(&inspect));
        assert!(stdout(&inspect).contains(&format!("block: {number} ")), "{}", stdout(&inspect));
        assert!(stdout(&inspect).contains("strategy: proofs"), "{}", stdout(&inspect));
        println!("{}", stdout(&inspect).trim());
    }
}

/// Serves every connection with `respond(request) -> Some(raw HTTP response)`, or holds it open
/// without answering when `respond` gives `None`.
fn fake_node(respond: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> String {
    let respond = std::sync::Arc::new(respond);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let respond = respond.clone();
            std::thread::spawn(move || {
                let mut buf = vec![0u8; 65536];
                let mut request = Vec::new();
                // Read the head, then the body by Content-Length.
                loop {
                    let n = stream.read(&mut buf).unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    request.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&request).into_owned();
                    if let Some(head_end) = text.find("\r\n\r\n") {
                        let length = text[..head_end]
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string())
                            })
                            .and_then(|v| v.parse::<usize>().ok())
                            .unwrap_or(0);
                        if request.len() >= head_end + 4 + length {
                            break;
                        }
                    }
                }
                let text = String::from_utf8_lossy(&request).into_owned();
                match respond(&text) {
                    Some(response) => {
                        let _ = stream.write_all(response.as_bytes());
                    }
                    None => std::thread::sleep(Duration::from_secs(60)),
                }
            });
        }
    });
    url
}

fn http_200(body: &str) -> String {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// The JSON-RPC id of a request, to echo it.
fn request_id(request: &str) -> String {
    let body = &request[request.find("\r\n\r\n").map(|i| i + 4).unwrap_or(0)..];
    let at = body.find("\"id\":").map(|i| i + 5).unwrap_or(0);
    body[at..].chars().take_while(|c| c.is_ascii_digit()).collect::<String>()
}

#[test]
fn unreachable_node_fails_cleanly() {
    // A port nothing listens on.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dir = out_dir("unreachable");
    let url = format!("http://127.0.0.1:{port}");
    let out = fetch(&["--rpc", &url, "--block", "5", "--retries", "2", "-o", dir.join("w").to_str().unwrap()]);
    assert_failed_cleanly(&out, &dir, "Connection refused");
    assert!(stderr(&out).contains("gave up after retries"), "{}", stderr(&out));
}

#[test]
fn node_that_returns_errors_fails_cleanly() {
    let url = fake_node(|req| {
        Some(http_200(&format!(
            r#"{{"jsonrpc":"2.0","id":{},"error":{{"code":-32000,"message":"database is on fire"}}}}"#,
            request_id(req)
        )))
    });
    let dir = out_dir("errors");
    let out = fetch(&["--rpc", &url, "--block", "5", "-o", dir.join("w").to_str().unwrap()]);
    assert_failed_cleanly(&out, &dir, "database is on fire");
}

#[test]
fn node_that_times_out_fails_cleanly() {
    let url = fake_node(|_| None);
    let dir = out_dir("timeout");
    let started = std::time::Instant::now();
    let out = fetch(&[
        "--rpc",
        &url,
        "--block",
        "5",
        "--timeout",
        "1",
        "--retries",
        "1",
        "-o",
        dir.join("w").to_str().unwrap(),
    ]);
    assert_failed_cleanly(&out, &dir, "timed out");
    assert!(started.elapsed() < Duration::from_secs(30), "the timeout was not applied");
}

#[test]
fn node_that_sends_malformed_json_fails_cleanly() {
    let url = fake_node(|_| Some(http_200("{ this is not json")));
    let dir = out_dir("malformed");
    let out = fetch(&["--rpc", &url, "--block", "5", "-o", dir.join("w").to_str().unwrap()]);
    assert_failed_cleanly(&out, &dir, "eth_chainId");
    let err = stderr(&out);
    assert!(err.contains("deserialization") || err.contains("malformed") || err.contains("expected"), "{err}");
}

#[test]
fn missing_block_fails_cleanly() {
    let Some(data) = testdata_dir("missing_block_fails_cleanly") else { return };
    let replay = Replay::start(&data.join("mainnet-rpc").join("1-18884864.json.gz"));
    let dir = out_dir("missing-block");
    let out = fetch(&["--rpc", &replay.url, "--block", "18884900", "-o", dir.join("w").to_str().unwrap()]);
    assert_failed_cleanly(&out, &dir, "not recorded: eth_getBlockByNumber");
}

#[test]
fn a_block_the_node_does_not_have_is_named_even_when_its_parent_answers_first() {
    // The block and its parent are asked for together. Here the node answers "no such block" for
    // both, the parent at once and the block a moment later: the error must name the block asked
    // for, not the parent (this once depended on which answer came first).
    let url = fake_node(|req| {
        let body = request_body(req);
        let result = match body["method"].as_str() {
            Some("eth_chainId") => "\"0x1\"".to_string(),
            Some("eth_getBlockByNumber") => {
                if body["params"][0] == "0x5" {
                    std::thread::sleep(Duration::from_millis(300));
                }
                "null".to_string()
            }
            _ => {
                return Some(http_200(&format!(
                    r#"{{"jsonrpc":"2.0","id":{},"error":{{"code":-32601,"message":"not here"}}}}"#,
                    request_id(req)
                )))
            }
        };
        Some(http_200(&format!(r#"{{"jsonrpc":"2.0","id":{},"result":{result}}}"#, request_id(req))))
    });
    let dir = out_dir("missing-block-order");
    let out = fetch(&["--rpc", &url, "--block", "5", "--strategy", "proofs", "-o", dir.join("w").to_str().unwrap()]);
    assert_failed_cleanly(&out, &dir, "block 5 does not exist");
}

/// A copy of a recording with `edit` applied to its JSON.
fn tampered_recording(data: &Path, name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> PathBuf {
    let file = std::fs::File::open(data.join("mainnet-rpc").join("1-18884864.json.gz")).unwrap();
    let mut json: serde_json::Value = serde_json::from_reader(flate2::read::GzDecoder::new(file)).unwrap();
    edit(&mut json);
    let path = scratch_dir("fetch").join(format!("{name}.json"));
    std::fs::write(&path, serde_json::to_vec(&json).unwrap()).unwrap();
    path
}

#[test]
fn proofs_that_do_not_match_the_state_root_fail_cleanly() {
    let Some(data) = testdata_dir("proofs_that_do_not_match_the_state_root_fail_cleanly") else { return };
    // Every proof at the parent block starts from a changed root node.
    let recording = tampered_recording(&data, "bad-proofs", |json| {
        for pair in json["proofs"].as_array_mut().unwrap() {
            if pair[0]["block_no"] == 18884863 {
                let first = pair[1]["accountProof"][0].as_str().unwrap().to_string();
                let last = if first.ends_with('0') { "1" } else { "0" };
                pair[1]["accountProof"][0] = format!("{}{last}", &first[..first.len() - 1]).into();
            }
        }
    });
    let replay = Replay::start(&recording);
    let dir = out_dir("bad-proofs");
    let out = fetch(&["--rpc", &replay.url, "--block", "18884864", "-o", dir.join("w").to_str().unwrap()]);
    assert_failed_cleanly(&out, &dir, "the state root is");
}

#[test]
fn state_that_disagrees_with_the_proofs_is_never_written() {
    let Some(data) = testdata_dir("state_that_disagrees_with_the_proofs_is_never_written") else { return };
    // The node lies about one storage value during preflight: the proofs (the truth) then do not
    // reproduce the block, and the fetcher refuses to write the witness.
    let recording = tampered_recording(&data, "bad-storage", |json| {
        for pair in json["storage"].as_array_mut().unwrap() {
            if pair[1] != "0x0" && pair[1] != "0x0000000000000000000000000000000000000000000000000000000000000000" {
                pair[1] = "0x1234".into();
                break;
            }
        }
    });
    let replay = Replay::start(&recording);
    let dir = out_dir("bad-storage");
    let out = fetch(&["--rpc", &replay.url, "--block", "18884864", "-o", dir.join("w").to_str().unwrap()]);
    assert_failed_cleanly(&out, &dir, "does not prove the block");
}

/// The JSON body of a request.
fn request_body(request: &str) -> serde_json::Value {
    let body = &request[request.find("\r\n\r\n").map(|i| i + 4).unwrap_or(0)..];
    serde_json::from_str(body).unwrap_or(serde_json::Value::Null)
}

#[test]
fn execution_witness_strategy_builds_the_same_witness() {
    let Some(data) = testdata_dir("execution_witness_strategy_builds_the_same_witness") else { return };
    let recording = data.join("mainnet-rpc").join("1-18884864.json.gz");
    // First the proofs strategy, through the replay server.
    let replay = Replay::start(&recording);
    let dir = out_dir("execution-witness");
    let by_proofs = dir.join("proofs.witness");
    let out = fetch(&[
        "--rpc",
        &replay.url,
        "--block",
        "18884864",
        "--strategy",
        "proofs",
        "-o",
        by_proofs.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let proofs = zkmips_fetcher::witness::WitnessFile::read(&by_proofs).unwrap();

    // A node that serves debug_executionWitness (as Geth and Reth do) with those nodes and codes,
    // and the recorded blocks.
    let file = std::fs::File::open(&recording).unwrap();
    let recorded: serde_json::Value = serde_json::from_reader(flate2::read::GzDecoder::new(file)).unwrap();
    let blocks: Vec<serde_json::Value> =
        recorded["full_blocks"].as_array().unwrap().iter().map(|pair| pair[1].clone()).collect();
    let witness = serde_json::json!({
        "state": proofs.input.nodes,
        "codes": proofs.input.codes,
        "keys": [],
        "headers": [],
    });
    let url = fake_node(move |request| {
        let body = request_body(request);
        let result = match body["method"].as_str().unwrap_or("") {
            "eth_chainId" => serde_json::json!("0x1"),
            "debug_executionWitness" => witness.clone(),
            "eth_getBlockByNumber" => {
                let number = body["params"][0].as_str().unwrap().to_string();
                blocks.iter().find(|b| b["number"] == number.as_str()).cloned().unwrap_or(serde_json::Value::Null)
            }
            _ => {
                return Some(http_200(&format!(
                    r#"{{"jsonrpc":"2.0","id":{},"error":{{"code":-32601,"message":"no"}}}}"#,
                    body["id"]
                )))
            }
        };
        Some(http_200(&serde_json::json!({"jsonrpc": "2.0", "id": body["id"], "result": result}).to_string()))
    });
    let by_witness = dir.join("witness.witness");
    let out = fetch(&["--rpc", &url, "--block", "18884864", "-o", by_witness.to_str().unwrap()]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("with the witness strategy"), "{}", stdout(&out));
    let fetched = zkmips_fetcher::witness::WitnessFile::read(&by_witness).unwrap();
    // Same input (compared in parts: a failing whole-input assert prints megabytes).
    assert_eq!(fetched.input.block, proofs.input.block);
    assert_eq!(fetched.input.ancestors, proofs.input.ancestors);
    assert!(fetched.input.nodes == proofs.input.nodes, "the nodes differ");
    assert!(fetched.input.codes == proofs.input.codes, "the codes differ");
    assert_eq!(fetched.input.chain, proofs.input.chain);
    assert_eq!(fetched.strategy, "witness");
    // One request for the witness, two for the blocks, one for the chain id.
    assert!(stdout(&out).starts_with("block 18884864"), "{}", stdout(&out));
}
