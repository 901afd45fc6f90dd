//! Kata 8: isolated workers (processes).
//!
//! The worker is this test binary, started again with a filter that selects exactly one
//! test, `a_process_not_started_as_a_worker_does_not_act_as_one`, which calls
//! `serve_if_worker`. Only that test runs in the child, so the child can never start the
//! rest of the suite (and its children) again: no fork bomb.

use std::path::PathBuf;

use crate::isolated_workers::{
    IsolationError, Job, WORKER_ENV, WorkerCommand, armoury, forge, run_isolated, serve_if_worker,
};

/// The full name of the test that acts as the worker in a child process.
const WORKER_TEST: &str =
    "suite::isolated_workers::a_process_not_started_as_a_worker_does_not_act_as_one";

/// This test binary, set to run only the worker test.
fn worker_command() -> WorkerCommand {
    assert!(
        std::env::var_os(WORKER_ENV).is_none(),
        "a worker process tried to start a worker: that is how fork bombs begin"
    );
    let program = std::env::current_exe()
        .unwrap_or_else(|e| panic!("cannot find this test binary to re-run it: {e}"));
    WorkerCommand {
        program,
        args: ["--exact", "--test-threads=1", "--nocapture", WORKER_TEST]
            .map(String::from)
            .to_vec(),
    }
}

/// A weapon name no other test (or run) uses.
fn unique_weapon(what: &str) -> String {
    format!(
        "{what}-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    )
}

/// A job forging `weapon` at `heat`.
fn job(weapon: impl Into<String>, heat: u64) -> Job {
    Job {
        weapon: weapon.into(),
        heat,
    }
}

/// `run_isolated` under the deadlock guard.
fn run_guarded(
    worker: WorkerCommand,
    job: Job,
) -> Result<crate::isolated_workers::Reply, IsolationError> {
    super::guarded("run_isolated never returned", move || {
        run_isolated(&worker, &job)
    })
}

/// `run_isolated` on this test binary's worker, which must succeed.
fn run_on_worker(job: Job) -> crate::isolated_workers::Reply {
    run_guarded(worker_command(), job)
        .unwrap_or_else(|e| panic!("run_isolated failed: {e} ({e:?})"))
}

/// A worker command whose program does not exist.
fn nowhere() -> WorkerCommand {
    WorkerCommand {
        program: PathBuf::from("/nonexistent/d14-worker"),
        args: Vec::new(),
    }
}

/// A stand-in worker: the system shell running `script`.
#[cfg(unix)]
fn shell_worker(script: &str) -> WorkerCommand {
    WorkerCommand {
        program: PathBuf::from("/bin/sh"),
        args: ["-c", script].map(String::from).to_vec(),
    }
}

#[test]
fn a_process_not_started_as_a_worker_does_not_act_as_one() {
    // In a child started by run_isolated this test *is* the worker: serve_if_worker reads
    // the job from stdin, forges it and writes the reply.
    let acted = super::guarded(
        "serve_if_worker blocked: in a process without WORKER_ENV it must return at once, \
         without reading stdin",
        serve_if_worker,
    );
    if std::env::var_os(WORKER_ENV).is_some() {
        assert!(
            matches!(acted, Ok(true)),
            "the worker failed to serve its job: {acted:?}"
        );
        return;
    }
    assert!(
        matches!(acted, Ok(false)),
        "serve_if_worker gave {acted:?} in a process that is not a worker: check WORKER_ENV \
         first and return Ok(false) when it is not set (the `if __name__ == \"__main__\"` \
         guard: a program that re-runs itself must know which copy it is)"
    );
}

#[test]
fn forge_sums_the_squares_below_heat() {
    let reply = forge(&job(unique_weapon("checksum"), 4));
    assert_eq!(
        (reply.checksum, reply.pid),
        (14, std::process::id()),
        "forge(heat 4) gave checksum {} in pid {}: 0 + 1 + 4 + 9 = 14, computed in the \
         calling process",
        reply.checksum,
        reply.pid
    );
}

#[test]
fn forge_wraps_instead_of_overflowing() {
    let reply = forge(&job(unique_weapon("wrap"), 3_000_000));
    let expected = (0..3_000_000_u64).fold(0_u64, |s, i| s.wrapping_add(i.wrapping_mul(i)));
    assert_eq!(
        reply.checksum, expected,
        "forge(heat 3000000) must wrap on overflow (wrapping_add), not panic or saturate"
    );
}

#[test]
fn threads_share_the_armoury() {
    let weapon = unique_weapon("thread");
    let job = job(weapon.clone(), 10);
    let reply = std::thread::spawn(move || forge(&job))
        .join()
        .unwrap_or_else(|p| std::panic::resume_unwind(p));
    assert!(
        armoury().contains(&weapon) && reply.pid == std::process::id(),
        "a weapon forged on another *thread* must appear in this process's armoury: threads \
         share one heap (Rust's answer to the article's shared state illusion)"
    );
}

#[test]
fn runs_the_job_in_another_process() {
    let reply = run_on_worker(job("Brahmastra", 1_000));
    assert_eq!(
        (reply.weapon.as_str(), reply.checksum),
        ("Brahmastra", 332_833_500),
        "the reply must carry the weapon and the checksum the worker computed"
    );
    assert_ne!(
        reply.pid,
        std::process::id(),
        "the job ran in this process (pid {}): run_isolated must start a child process \
         (std::process::Command), not call forge or spawn a thread",
        reply.pid
    );
}

#[test]
fn the_worker_forges_into_its_own_armoury_not_the_parents() {
    let weapon = unique_weapon("process");
    let reply = run_on_worker(job(weapon.clone(), 3));
    assert!(
        reply.armoury_size == 1 && !armoury().contains(&weapon),
        "the worker's armoury held {} weapons and the parent's {} {weapon:?}: a child \
         process starts empty and its changes stay in its own memory (the article's shared \
         state illusion); run_isolated must not forge in the parent",
        reply.armoury_size,
        if armoury().contains(&weapon) {
            "contains"
        } else {
            "does not contain"
        }
    );
}

#[test]
fn a_weapon_name_with_spaces_survives_the_trip() {
    let weapon = "Sudarshana Chakra of Vishnu";
    let reply = run_on_worker(job(weapon, 0));
    assert_eq!(
        (reply.weapon.as_str(), reply.checksum),
        (weapon, 0),
        "the weapon is the rest of the line after the first space (job) or the third \
         (reply): a name with spaces must come back whole"
    );
}

#[test]
fn a_reply_larger_than_a_pipe_buffer_comes_back_whole() {
    // A 200 KB weapon name: the job and the reply are each about three times a Linux pipe
    // buffer (64 KB), and more than one environment variable may hold (128 KB).
    let weapon = format!("{}-{}", unique_weapon("Brahmastra"), "astra".repeat(40_000));
    let reply = super::guarded(
        "run_isolated never returned with a 200 KB reply: the worker blocks writing its \
         reply once the pipe buffer (64 KB) is full, until the parent reads it. Read the \
         child's stdout while (or before) waiting for it to exit (wait_with_output does both), \
         not after wait()",
        {
            let weapon = weapon.clone();
            move || run_isolated(&worker_command(), &job(weapon, 3))
        },
    )
    .unwrap_or_else(|e| {
        panic!(
            "run_isolated with a 200 KB weapon name failed: {e} ({e:?}). The job goes to the \
             worker on its stdin pipe (an environment variable or an argument cannot hold \
             it) and the reply comes back whole on its stdout"
        )
    });
    assert!(
        reply.weapon == weapon && reply.checksum == 5,
        "a 200 KB weapon name came back as {} bytes (checksum {}): the job and the reply \
         must cross the pipes whole",
        reply.weapon.len(),
        reply.checksum
    );
}

#[rstest::rstest]
#[case::a_newline("Vajra\n999 Fake")]
#[case::a_trailing_carriage_return("Vajra\r")]
#[case::a_lone_carriage_return("Vaj\rra")]
#[case::a_crlf("Vajra\r\n999 Fake")]
fn a_weapon_name_with_a_line_break_is_refused_before_starting_a_process(#[case] weapon: &str) {
    let got = run_guarded(nowhere(), job(weapon, 1));
    assert!(
        matches!(&got, Err(IsolationError::BadJob { weapon: w }) if w == weapon),
        "a job whose weapon {weapon:?} contains a line break ('\\n' or '\\r') gave {got:?}: \
         one job is one line on the pipe, and a reader's lines() ends a line at '\\n' and \
         drops a '\\r' before it, so the name would not cross whole; refuse it with \
         IsolationError::BadJob before starting anything"
    );
}

#[test]
fn a_program_that_cannot_start_is_a_spawn_error() {
    let got = run_guarded(nowhere(), job("Vajra", 1));
    assert!(
        matches!(got, Err(IsolationError::Spawn(_))),
        "starting a program that does not exist gave {got:?}: it must be \
         IsolationError::Spawn, not a panic"
    );
}

#[test]
fn a_worker_that_fails_is_an_error_and_the_parent_carries_on() {
    let mut broken = worker_command();
    broken.args.push("--no-such-flag".to_owned()); // the test harness exits with an error
    let got = run_guarded(broken, job("Vajra", 1));
    assert!(
        matches!(&got, Err(IsolationError::WorkerFailed { status }) if !status.success()),
        "a worker that exited unsuccessfully gave {got:?}: check the exit status and report \
         IsolationError::WorkerFailed; the parent itself must carry on"
    );
}

#[test]
fn a_worker_that_exits_without_reading_its_job_is_judged_by_its_exit_status() {
    let mut broken = worker_command();
    broken.args.push("--no-such-flag".to_owned()); // exits at once, reads nothing
    // A megabyte does not fit in a pipe's buffer: the write fails with a broken pipe.
    let got = run_guarded(broken, job("V".repeat(1 << 20), 1));
    assert!(
        matches!(&got, Err(IsolationError::WorkerFailed { status }) if !status.success()),
        "a worker that exited without reading its job gave {:?}: sending then fails with a \
         broken pipe, which is not the error to report; wait for the worker and report how \
         it exited (IsolationError::WorkerFailed)",
        got.as_ref().map(|reply| reply.checksum)
    );
}

/// A reply from a stand-in worker that answered `d14-reply:4242 0 1 Vajra`.
#[cfg(unix)]
fn is_the_stand_in_reply(got: &Result<crate::isolated_workers::Reply, IsolationError>) -> bool {
    matches!(got, Ok(reply) if reply.pid == 4242 && reply.weapon == "Vajra")
}

/// `IsolationError::NoReply`.
#[cfg(unix)]
fn is_no_reply(got: &Result<crate::isolated_workers::Reply, IsolationError>) -> bool {
    matches!(got, Err(IsolationError::NoReply))
}

#[cfg(unix)]
#[rstest::rstest]
#[case::answers_without_reading(
    "echo 'd14-reply:4242 0 1 Vajra'",
    "Ok(Reply { pid: 4242, weapon: \"Vajra\", .. }): the reply it wrote before hanging up",
    is_the_stand_in_reply
)]
#[case::exits_at_once_in_silence("exit 0", "IsolationError::NoReply", is_no_reply)]
fn a_worker_that_hangs_up_on_its_job_is_judged_by_its_exit_status_and_reply(
    #[case] script: &str,
    #[case] expected: &str,
    #[case] is_expected: fn(&Result<crate::isolated_workers::Reply, IsolationError>) -> bool,
) {
    // A stand-in worker that never reads its stdin and exits successfully: a megabyte
    // does not fit in a pipe's buffer, so sending the job fails with a broken pipe, always.
    let got = run_guarded(shell_worker(script), job("V".repeat(1 << 20), 1));
    assert!(
        is_expected(&got),
        "a worker running `{script}`, which exits successfully without reading its job, gave \
         {got:?}; it must give {expected}. The broken pipe while sending the job is not the \
         answer by itself: wait for the worker and judge it by its exit status and by the \
         reply it may already have written on stdout (read it as usual)"
    );
}

#[cfg(unix)]
#[rstest::rstest]
#[case::a_good_reply("echo 'd14-reply:4242 0 1 Vajra'")]
#[case::a_bad_reply("echo 'd14-reply:many forged Vajra'")]
#[case::no_reply("echo 'worker gave up'")]
fn a_worker_that_replies_and_then_fails_is_still_a_failure(#[case] reply: &str) {
    // A stand-in worker that reads its job, answers (well, badly or not at all) and then
    // exits with status 3.
    let crasher = shell_worker(&format!("cat > /dev/null; {reply}; exit 3"));
    let got = run_guarded(crasher, job("Vajra", 1));
    assert!(
        matches!(&got, Err(IsolationError::WorkerFailed { status }) if status.code() == Some(3)),
        "a worker that ran `{reply}` and then exited with status 3 gave {got:?}: wait for \
         every worker and judge it by its exit status first, whatever it replied (a reply, \
         good or bad, followed by a crash is IsolationError::WorkerFailed, not the reply and \
         not BadReply); a child that is never waited for stays a zombie"
    );
}

/// Whether process `pid` still exists as a child of this process (running or a zombie):
/// a child that was waited for is gone from `/proc`.
#[cfg(target_os = "linux")]
fn is_an_unreaped_child(pid: u32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // `<pid> (<command>) <state> <ppid> ...`: the command may hold spaces and parentheses.
    let ppid = stat
        .rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().nth(1))
        .and_then(|ppid| ppid.parse::<u32>().ok());
    ppid == Some(std::process::id())
}

#[cfg(target_os = "linux")]
#[rstest::rstest]
#[case::a_good_reply("d14-reply:$$ 0 1 Vajra")]
#[case::a_bad_reply("d14-reply:$$ forged 1 Vajra")]
fn every_worker_is_waited_for_before_run_isolated_returns(#[case] reply: &str) {
    // A stand-in worker that reads its job, replies with its own pid ($$) and exits 0.
    let worker = shell_worker(&format!("cat > /dev/null; echo \"{reply}\""));
    let got = run_guarded(worker, job("Vajra", 1));
    let pid = match &got {
        Ok(reply) => Some(reply.pid),
        Err(IsolationError::BadReply { line }) => {
            line.split(' ').next().and_then(|p| p.parse().ok())
        }
        Err(_) => None,
    };
    let Some(pid) = pid else {
        panic!("a worker that answered `{reply}` (with its pid) gave {got:?}");
    };
    assert!(
        !is_an_unreaped_child(pid),
        "run_isolated returned {got:?} and left its worker (pid {pid}) unreaped: wait for \
         every worker before returning, on every path (a bad reply too), or it stays a zombie \
         and its exit status is never judged"
    );
}

/// What the chatty stand-in workers reply.
#[cfg(unix)]
const STAND_IN_REPLY: &str = "echo 'd14-reply:4242 0 1 Vajra'";

/// Runs a stand-in worker running `script` (which writes 200 KB, more than a pipe buffer
/// holds, somewhere, and replies [`STAND_IN_REPLY`]) on `job`; `why` is the deadlock
/// message.
#[cfg(unix)]
fn a_chatty_worker_replies(script: &str, job: Job, why: &str) {
    let chatty = shell_worker(script);
    let got = super::guarded(why, move || run_isolated(&chatty, &job));
    assert!(
        matches!(&got, Ok(reply) if reply.weapon == "Vajra" && reply.pid == 4242),
        "a worker that wrote 200 KB of chatter and replied gave {got:?}: its reply is \
         Ok(Reply {{ pid: 4242, weapon: \"Vajra\", .. }})"
    );
}

#[cfg(unix)]
#[test]
fn a_worker_that_writes_a_lot_on_stderr_does_not_block() {
    // When its stderr is a pipe, the stand-in writes 200 KB of diagnostics on it.
    a_chatty_worker_replies(
        &format!(
            "cat > /dev/null; if [ -p /dev/stderr ]; then \
             yes 'd14 worker diagnostics' | head -c 200000 >&2; fi; {STAND_IN_REPLY}"
        ),
        job("Vajra", 1),
        "deadlock: the worker wrote 200 KB on its stderr, a pipe nobody read while waiting; \
         it blocks once the pipe buffer (64 KB) is full and never exits. Discard the \
         worker's stderr (Stdio::null) or read it while waiting, never after",
    );
}

#[cfg(unix)]
#[test]
fn a_worker_that_writes_a_lot_on_stdout_for_a_small_job_does_not_block() {
    // A five-byte job, and 200 KB of other text on stdout before the reply (like the test
    // harness's own output): the size of the job says nothing about the size of the output.
    a_chatty_worker_replies(
        &format!(
            "cat > /dev/null; yes 'd14 worker progress' | head -c 200000; echo; {STAND_IN_REPLY}"
        ),
        job("Vajra", 1),
        "deadlock: a worker given a small job wrote 200 KB on its stdout before its reply, \
         and the parent waited for it to exit before reading: the worker blocks once the \
         pipe buffer (64 KB) is full and never exits. Whatever the job's size, read the \
         child's stdout while (or before) waiting for it (wait_with_output does both)",
    );
}

#[cfg(unix)]
#[test]
fn a_worker_that_writes_a_lot_after_its_reply_does_not_block() {
    // The reply first, then 200 KB more on stdout: the worker exits only once all of it is
    // read.
    a_chatty_worker_replies(
        &format!("cat > /dev/null; {STAND_IN_REPLY}; yes 'd14 worker epilogue' | head -c 200000"),
        job("Vajra", 1),
        "deadlock: the worker replied and then wrote 200 KB more on its stdout; the parent \
         stopped reading at the reply and waited for the worker to exit, which it cannot do \
         once the pipe buffer (64 KB) is full. Read the child's stdout to its end while \
         waiting (wait_with_output does), not just up to the reply",
    );
}

#[cfg(unix)]
#[test]
fn a_worker_that_writes_a_lot_before_reading_a_large_job_does_not_block() {
    // A 200 KB job, and a worker that writes 200 KB on its stdout before it reads stdin.
    a_chatty_worker_replies(
        &format!(
            "yes 'd14 worker progress' | head -c 200000; echo; cat > /dev/null; {STAND_IN_REPLY}"
        ),
        job("V".repeat(200_000), 1),
        "deadlock: the parent was still writing a 200 KB job to the worker's stdin, which the \
         worker reads only after writing 200 KB on its stdout; nobody read that stdout, so \
         both block on full pipes (64 KB each). Send the job on a thread of its own (or read \
         stdout while sending): writing all the input before reading any output only works \
         when one side fits in a pipe buffer",
    );
}

#[test]
fn a_worker_that_exits_without_a_reply_is_an_error() {
    let mut silent = worker_command();
    silent.args = ["--exact", "--test-threads=1", "no_test_has_this_name"]
        .map(String::from)
        .to_vec(); // runs zero tests and exits successfully
    let got = run_guarded(silent, job("Vajra", 1));
    assert!(
        matches!(got, Err(IsolationError::NoReply)),
        "a worker that exited successfully without writing a reply gave {got:?}: it must be \
         IsolationError::NoReply"
    );
}

#[cfg(unix)]
#[test]
fn a_reply_that_does_not_parse_is_a_bad_reply() {
    // A stand-in worker (the system shell) that reads the job and answers nonsense after
    // the prefix.
    let liar = shell_worker("cat > /dev/null; echo 'harness noise d14-reply:many forged Vajra'");
    let got = run_guarded(liar, job("Vajra", 1));
    assert!(
        matches!(&got, Err(IsolationError::BadReply { line }) if line == "many forged Vajra"),
        "a worker that answered \"d14-reply:many forged Vajra\" gave {got:?}: a reply line \
         whose pid, checksum or armoury size is not a number is \
         IsolationError::BadReply {{ line }} with the text after the prefix, not a panic and \
         not NoReply"
    );
}

#[test]
fn a_process_not_started_as_a_worker_returns_without_reading_stdin() {
    // Re-run the worker test *without* WORKER_ENV, its stdin a pipe this test keeps open:
    // serve_if_worker must return Ok(false) without touching stdin. One that reads first
    // blocks there; the child's own guard then fails its test after a few seconds.
    let worker = worker_command();
    let mut child = std::process::Command::new(&worker.program)
        .args(&worker.args)
        .env_remove(WORKER_ENV)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot re-run this test binary: {e}"));
    let stdin_kept_open = child.stdin.take();
    let status = child
        .wait()
        .unwrap_or_else(|e| panic!("cannot wait for the child: {e}"));
    drop(stdin_kept_open);
    assert!(
        status.success(),
        "serve_if_worker in a process without {WORKER_ENV}, whose stdin stayed open, did not \
         return Ok(false) at once ({status}): check WORKER_ENV before anything else, reading \
         stdin included. A program that re-runs itself must know which copy it is first"
    );
}

/// A stand-in worker (the system shell) that reports what its stdin and stdout are, what
/// its stderr is (where `/proc/<pid>/fd/2` leads, on Linux) and the job line it read from
/// stdin, as a reply `run_isolated` cannot parse: returns the line
/// `stdin=<pipe|other> stdout=<pipe|other> stderr=<link> job=<the line>` from the `BadReply`.
#[cfg(unix)]
fn report_pipes(weapon: &str) -> String {
    let inspector = shell_worker(
        "if [ -p /dev/stdin ]; then i=pipe; else i=other; fi; \
         if [ -p /dev/stdout ]; then o=pipe; else o=other; fi; \
         e=$(readlink /proc/$$/fd/2 2>/dev/null); \
         IFS= read -r job; \
         echo \"d14-reply:stdin=$i stdout=$o stderr=$e job=$job\"",
    );
    let got = run_guarded(inspector, job(weapon, 3));
    let Err(IsolationError::BadReply { line }) = got else {
        panic!("a stand-in worker that reports its pipes gave {got:?}, not BadReply");
    };
    line
}

#[cfg(unix)]
#[test]
fn the_job_reaches_the_worker_on_a_stdin_pipe() {
    let weapon = unique_weapon("Pipe Lance");
    let line = report_pipes(&weapon);
    assert!(
        line.starts_with("stdin=pipe ") && line.contains(&weapon),
        "the worker reported {line:?}: its stdin must be a pipe from the parent carrying the \
         job line (with the weapon {weapon:?}). A job passed in a temp file, an environment \
         variable or an argument, with stdin left at /dev/null, skips the pipe the brief \
         says the job crosses"
    );
}

#[cfg(unix)]
#[test]
fn the_reply_comes_back_on_a_stdout_pipe() {
    let line = report_pipes(&unique_weapon("Pipe Shield"));
    assert!(
        line.contains(" stdout=pipe "),
        "the worker reported {line:?}: its stdout must be a pipe the parent reads. A reply \
         sent to a temp file that the parent reads after the worker exits never crosses the \
         pipe, and so dodges reading while waiting instead of learning it"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn the_workers_stderr_is_not_the_parents() {
    let parent = std::fs::read_link("/proc/self/fd/2")
        .unwrap_or_else(|e| panic!("cannot see where this process's stderr leads: {e}"));
    let parent = parent.display().to_string();
    let line = report_pipes(&unique_weapon("Quiet Bow"));
    // When the tests' own stderr is /dev/null, inheriting it is as harmless as discarding.
    assert!(
        parent == "/dev/null" || !line.contains(&format!(" stderr={parent} job=")),
        "the worker reported {line:?}: its stderr is the parent's own ({parent}), inherited. \
         Under a parent whose stderr is a pipe nobody reads, a worker that writes a lot of \
         diagnostics blocks there for ever, and its text leaks into the parent's output. \
         Discard the worker's stderr (Stdio::null) or pipe it and read it while waiting"
    );
}
