//! The d20-recursion suite: compiled into kata-d20-recursion (where it must fail) and
//! solution-d20-recursion (where it must pass).
//!
//! # Deep inputs, small stacks, and why some tests start a second process
//!
//! A stack overflow in Rust is not a panic: the process prints
//! `thread '<name>' has overflowed its stack` and aborts. Under `cargo test` that would take
//! every other test of the binary down with it (the runner, `cargo kata`, starts one process
//! per test, so there only that test would show as "crashed"). So every test that feeds a
//! deep input to code that must not recurse goes through [`in_own_process`]: the test binary
//! starts itself again, running only that test, and the parent turns the child's fate into
//! an ordinary, readable test failure ("crashed with signal 6: a stack overflow …"). Inside
//! the child, [`on_small_stack`] runs the code under test on a thread with a deliberately
//! small stack, so a recursive solution fails at once instead of after eating megabytes.
//! Only these dedicated tests build deep inputs; every other test stays shallow.

// Under `one-kata` only one kata's tests are compiled (see docs/authoring.md), so helpers
// the other katas use go unused there; the full build (CI, verify) still checks them.
#![cfg_attr(feature = "one-kata", allow(dead_code, unused_imports, unused_macros))]

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use std::process::{Command, Output, Stdio};

pub(crate) use kata_test_support::proptest_config;

/// `insta::assert_snapshot!` into `snapshots/d20-recursion/`, from either crate.
macro_rules! assert_suite_snapshot {
    ($($arg:tt)*) => { kata_test_support::assert_suite_snapshot!($($arg)*) };
}

/// The stack the "no recursion" tests give the code under test: 256 KiB. An iterative walk
/// needs a few hundred bytes of it; a recursive one needs at least 16 bytes per level, so
/// the deep inputs below (100,000 levels and more) overflow it many times over.
pub(crate) const SMALL_STACK: usize = 256 * 1024;

/// Set in the child process that [`in_own_process`] starts: the name of the test to run.
const CHILD_ENV: &str = "D20_RECURSION_CHILD_TEST";

/// The full libtest name of test `test` declared in `module` (as `module_path!()` gives it).
fn test_name(module: &str, test: &str) -> String {
    let without_crate = module.split_once("::").map_or(module, |(_, rest)| rest);
    format!("{without_crate}::{test}")
}

/// Whether this process is the child started for `name`. In the child, core dumps are
/// switched off first: a child that dies of a stack overflow (on purpose, in kata 7) must
/// not leave a `core` file behind on systems that write them.
fn is_child_for(name: &str) -> bool {
    let is_child = std::env::var_os(CHILD_ENV).is_some_and(|value| value == name);
    if is_child {
        no_core_dumps();
    }
    is_child
}

/// Sets this process's core-dump size limit to 0.
#[cfg(unix)]
fn no_core_dumps() {
    let none = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: setrlimit only reads the struct passed by reference; a failure (ignored)
    // leaves the limit as it was.
    unsafe {
        libc::setrlimit(libc::RLIMIT_CORE, &none);
    }
}

#[cfg(not(unix))]
fn no_core_dumps() {}

/// Runs this test binary again, running only the test `name`, and returns what it did.
fn run_child(name: &str) -> Output {
    let exe = std::env::current_exe()
        .unwrap_or_else(|e| panic!("could not find the test binary to re-run {name}: {e}"));
    Command::new(exe)
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, name)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("could not re-run the test binary for {name}: {e}"))
}

/// The last `max` bytes of the child's stderr and stdout, for a failure message.
fn child_output_tail(output: &Output, max: usize) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(&output.stdout)
    );
    let text = text.trim();
    let mut start = text.len().saturating_sub(max);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    text[start..].to_owned()
}

/// Runs `body` in a separate process (this test binary, running only the test called `test`
/// in `module`), so that a stack overflow in it fails this one test with a clear message
/// instead of aborting every test of the binary. `what` says what the body runs.
pub(crate) fn in_own_process(module: &str, test: &str, what: &str, body: impl FnOnce()) {
    in_own_process_explaining(
        module,
        test,
        what,
        "A stack overflow cannot be caught in Rust: the process aborts. Each nested level your \
         code enters must not cost a stack frame here: keep your own stack (a Vec) or loop (and \
         do not format, clone or compare a deep serde_json::Value: those recurse too).",
        body,
    );
}

/// [`in_own_process`], saying `crash` (what a crash of the child means) if it is killed.
pub(crate) fn in_own_process_explaining(
    module: &str,
    test: &str,
    what: &str,
    crash: &str,
    body: impl FnOnce(),
) {
    let name = test_name(module, test);
    if is_child_for(&name) {
        body();
        return;
    }
    let output = run_child(&name);
    let stdout = String::from_utf8_lossy(&output.stdout);
    if output.status.success() && stdout.contains("1 passed") {
        return;
    }
    let tail = child_output_tail(&output, 1500);
    if output.status.success() {
        panic!(
            "the child process ran no test called {name}: the test name passed to in_own_process is wrong\n{tail}"
        );
    }
    if output.status.code() == Some(101) {
        panic!("{what} failed (in a child process, see its output):\n{tail}");
    }
    panic!(
        "{what} crashed the whole process ({}). {crash}\nThe child's last output:\n{tail}",
        output.status
    );
}

/// Runs `body` in a separate process like [`in_own_process`], expecting it to be killed
/// (by a signal, as a stack overflow kills it); fails if the child exits normally.
pub(crate) fn expect_process_killed(module: &str, test: &str, what: &str, body: impl FnOnce()) {
    let name = test_name(module, test);
    if is_child_for(&name) {
        body();
        return;
    }
    let output = run_child(&name);
    let tail = child_output_tail(&output, 1500);
    assert!(
        output.status.code().is_none(),
        "{what}: the child process ended with {} instead of being killed by a stack \
         overflow; its last output:\n{tail}",
        output.status
    );
}

/// Whether this process is a child that [`in_own_process`] started: only one test runs here.
fn in_a_child_process() -> bool {
    std::env::var_os(CHILD_ENV).is_some()
}

/// The number std gave the newest thread of this process (`ThreadId(n)`, counted up from 1
/// for every thread ever started): asks by starting one more thread.
fn newest_thread_number() -> u64 {
    let id = std::thread::spawn(|| std::thread::current().id())
        .join()
        .unwrap_or_else(|_| panic!("a thread that only reads its own id panicked"));
    let text = format!("{id:?}");
    text.strip_prefix("ThreadId(")
        .and_then(|rest| rest.strip_suffix(')'))
        .and_then(|number| number.parse().ok())
        .unwrap_or_else(|| panic!("cannot read a thread number from {text:?}"))
}

/// Runs `f` and fails if it started a thread (a scoped one included) to do its work there:
/// the heap counts of [`heap`] and the small stack of [`on_small_stack`] apply to the thread
/// that calls the code under test, so work moved to a helper thread with a big stack would
/// dodge both (it only moves the cliff: a deeper input overflows that stack too). std numbers
/// every thread it starts, so the number of the newest thread before and after tells. Only
/// in a child process of [`in_own_process`], where no other test starts threads meanwhile.
pub(crate) fn on_this_thread_only<R>(what: &str, f: impl FnOnce() -> R) -> R {
    assert!(
        in_a_child_process(),
        "on_this_thread_only counts every thread the process starts: call it only inside \
         in_own_process, where no other test runs"
    );
    let before = newest_thread_number();
    let result = f();
    let started = newest_thread_number() - before - 1;
    assert!(
        started == 0,
        "{what} started {started} other thread(s) and did its work there: the stack limit and \
         the heap counts this test checks apply to the thread that calls your function, and a \
         thread with a bigger stack only moves the cliff (a deeper input overflows it too). \
         Do the work on the calling thread"
    );
    result
}

/// Runs `work` on a new thread named `name` with a stack of `bytes` bytes and returns its
/// result; a panic in `work` is passed on to the caller. Name the thread after what it
/// does: on a stack overflow, Rust prints `thread '<name>' has overflowed its stack`.
/// In a child process of [`in_own_process`] `work` must also start no thread of its own
/// ([`on_this_thread_only`]): the small stack is the constraint under test.
pub(crate) fn on_small_stack<T: Send>(
    name: &str,
    bytes: usize,
    work: impl FnOnce() -> T + Send,
) -> T {
    let checked = in_a_child_process();
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name(name.to_owned())
            .stack_size(bytes)
            .spawn_scoped(scope, move || {
                if checked {
                    on_this_thread_only(name, work)
                } else {
                    work()
                }
            })
            .unwrap_or_else(|e| panic!("could not start the thread {name:?}: {e}"));
        match handle.join() {
            Ok(value) => value,
            Err(payload) => std::panic::resume_unwind(payload),
        }
    })
}

/// A value built deeper than a normal drop could survive: it takes itself apart without
/// recursion when dropped, even when a test panics while holding it.
pub(crate) struct DeepValue(Value);

impl std::ops::Deref for DeepValue {
    type Target = Value;

    fn deref(&self) -> &Value {
        &self.0
    }
}

impl Drop for DeepValue {
    /// Dropping a deep `Value` the ordinary way recurses (each map drops its values, which
    /// drop theirs …) and would overflow the stack itself: here the children are moved out
    /// onto a `Vec` first, so each drop is shallow.
    fn drop(&mut self) {
        let mut pending = vec![std::mem::take(&mut self.0)];
        while let Some(value) = pending.pop() {
            match value {
                Value::Array(items) => pending.extend(items),
                Value::Object(map) => pending.extend(map.into_iter().map(|(_, child)| child)),
                _ => {}
            }
        }
    }
}

/// A value `levels` containers deep: arrays and objects in turn, `[{"a": [{"a": …}]}]`,
/// with `{"user_email": "deep@example.com"}` as the innermost container. Built from the
/// inside out in a loop: building it costs no recursion, and neither does dropping it.
pub(crate) fn deep_value(levels: usize) -> DeepValue {
    let mut value = json!({ "user_email": "deep@example.com" });
    for level in (1..levels).rev() {
        value = if level % 2 == 1 {
            Value::Array(vec![value])
        } else {
            let mut map = Map::new();
            map.insert("a".to_owned(), value);
            Value::Object(map)
        };
    }
    DeepValue(value)
}

/// The nesting depth of a small value, as `nesting_depth` counts it (a scalar is 0).
pub(crate) fn depth_of(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth_of).max().unwrap_or(0),
        Value::Object(map) => 1 + map.values().map(depth_of).max().unwrap_or(0),
        _ => 0,
    }
}

/// Arbitrary JSON trees up to 6 levels deep, always a container at the top, where
/// `user_email` is a common key and the value under it is often a string (sometimes a
/// container or another scalar), so most trees hold several emails in some order.
pub(crate) fn arb_json() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => (-5i64..5).prop_map(Value::from),
        4 => "[a-z]{1,3}(@x\\.io)?".prop_map(Value::String),
    ];
    let tree = leaf.prop_recursive(5, 64, 5, |inner| containers(inner.boxed()));
    containers(tree.boxed()).boxed()
}

/// Arrays and objects of values drawn from `inner`.
fn containers(inner: BoxedStrategy<Value>) -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        3 => Just("user_email".to_owned()),
        2 => "[a-c]",
        1 => Just("a/b~c".to_owned()),
    ];
    prop_oneof![
        prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
        prop::collection::vec((key, inner), 0..5)
            .prop_map(|entries| Value::Object(entries.into_iter().collect())),
    ]
}

/// The article's webhook payload: an email two objects down, one in an array, and a bare id.
pub(crate) fn webhook_payload() -> Value {
    json!({
        "event": "push",
        "commit": {
            "author": {"user_email": "arjuna@gita.com"},
            "reviewers": [{"user_email": "krishna@gita.com"}, "external_id_99"]
        }
    })
}

/// The most the callbacks' stack addresses may differ when called from one loop. A
/// recursive version calls them one frame deeper per round (16 bytes at the very least).
pub(crate) const SAME_DEPTH_SLACK: usize = 128;

/// Records the stack address a callback runs at: the lowest and highest seen.
#[derive(Debug, Default)]
pub(crate) struct DepthProbe {
    pub(crate) lowest: usize,
    pub(crate) highest: usize,
    pub(crate) calls: usize,
}

impl DepthProbe {
    /// Call from inside the callback: notes where this call's locals live.
    pub(crate) fn note(&mut self) {
        let marker = 0u8;
        let address = std::hint::black_box(&marker) as *const u8 as usize;
        if self.calls == 0 {
            (self.lowest, self.highest) = (address, address);
        }
        self.lowest = self.lowest.min(address);
        self.highest = self.highest.max(address);
        self.calls += 1;
    }

    pub(crate) fn spread(&self) -> usize {
        self.highest - self.lowest
    }
}

/// The most a call's stack use (see [`stack_use_by_size`]) may differ between inputs of
/// different sizes when it allocates: the allocator's paths for a growing `Vec` differ a
/// little. Two frames of a recursion already use more.
pub(crate) const STACK_USE_SLACK: usize = 512;
const PAINT: u8 = 0xA5;

/// Fills the stack from just below this function's frame down to `bottom` with [`PAINT`].
#[inline(never)]
fn paint_stack_down_to(bottom: usize) {
    let marker = 0u8;
    let below_this_frame = std::hint::black_box(&marker) as *const u8 as usize - 512;
    for address in bottom..below_this_frame {
        // SAFETY: the bytes lie in this thread's stack, below every live frame (the caller
        // paints far less than the thread's stack size); nothing lives there to clobber.
        unsafe { std::ptr::write_volatile(address as *mut u8, PAINT) };
    }
}

/// Runs `f` and gives the most stack it used, in bytes below this function's frame: `painted`
/// bytes of stack are painted first, and afterwards the lowest byte no longer painted is
/// where the deepest frame reached (whatever it did with its frames before it returned).
#[inline(never)]
fn deepest_stack_use(painted: usize, f: impl FnOnce()) -> usize {
    let marker = 0u8;
    let top = std::hint::black_box(&marker) as *const u8 as usize;
    let bottom = top - painted;
    paint_stack_down_to(bottom);
    f();
    // SAFETY: as in paint_stack_down_to, the bytes are this thread's stack below every live
    // frame; they are only read.
    let lowest_touched = (bottom..top)
        .find(|&address| unsafe { std::ptr::read_volatile(address as *const u8) } != PAINT)
        .unwrap_or(top);
    top - lowest_touched
}

/// The most stack `run(size)` used for each of `sizes` (up to `painted` bytes: a deeper call
/// shows as `painted`), measured on a thread of 4 MiB so the painting fits whatever the test
/// threads' stack size. `run(sizes[0])` runs once unmeasured first, so the thread's first heap
/// use (the allocator's set-up) is not measured.
pub(crate) fn stack_use_by_size<S: Copy + Send + Sync>(
    painted: usize,
    sizes: &[S],
    run: impl Fn(S) + Sync,
) -> Vec<(S, usize)> {
    assert!(
        painted <= 512 * 1024,
        "paint at most 512 KiB of a 4 MiB stack"
    );
    std::thread::scope(|scope| {
        let measured = std::thread::Builder::new()
            .name("stack use by input size".to_owned())
            .stack_size(4 << 20)
            .spawn_scoped(scope, || {
                if let Some(&first) = sizes.first() {
                    run(first);
                }
                sizes
                    .iter()
                    .map(|&size| (size, deepest_stack_use(painted, || run(size))))
                    .collect::<Vec<_>>()
            })
            .expect("a thread with a 4 MiB stack starts");
        measured
            .join()
            .unwrap_or_else(|payload| std::panic::resume_unwind(payload))
    })
}

/// The widths the width tests use (siblings, bytes, steps, path components, keys), at a
/// fixed depth: a recursion once per sibling (or byte, or step) takes a frame of at least 16
/// bytes each time, so 1,000 of them use 16 KiB more stack than one, far past
/// [`STACK_USE_SLACK`], while a loop over them uses the same stack at every width.
pub(crate) const WIDTHS: [usize; 6] = [1, 2, 10, 100, 400, 1000];

/// Fails with `lesson` unless the most stack `run(width)` used (see [`stack_use_by_size`],
/// 64 KiB painted) is the same, within [`STACK_USE_SLACK`], for every one of [`WIDTHS`].
/// `what` names the calls, `lesson` says what grew and what to do instead.
pub(crate) fn assert_same_stack_at_every_width(
    what: &str,
    lesson: &str,
    run: impl Fn(usize) + Sync,
) {
    let deepest = stack_use_by_size(64 * 1024, &WIDTHS, run);
    assert!(
        stack_use_spread(&deepest) <= STACK_USE_SLACK,
        "the most stack {what} used, as (width, bytes): {deepest:?}. It grows with the width of \
         the input, not its depth: {lesson}"
    );
}

/// A value 3 levels deep whatever `width`: an array of an object with `width` keys (and the
/// email `e@x.io` last) followed by `width` more items. Every other key holds `[]` and every
/// other item is `{}` (the rest are zeros): siblings that are containers too, so a walk that
/// loops over scalars but hands the rest of a container to a call after each nested child
/// shows here as well. Its one email is `e@x.io`.
pub(crate) fn wide_value(width: usize) -> Value {
    let mut object: Map<String, Value> = (0..width)
        .map(|key| {
            let child = if key % 2 == 0 { json!(0) } else { json!([]) };
            (format!("k{key:04}"), child)
        })
        .collect();
    object.insert("user_email".to_owned(), json!("e@x.io"));
    let mut items = vec![Value::Object(object)];
    items.extend((0..width).map(|item| if item % 2 == 0 { json!(0) } else { json!({}) }));
    Value::Array(items)
}

/// How much stack the deep tests paint on their small stack: half of [`SMALL_STACK`], below
/// the few KiB the thread's start and the test's own frames take.
pub(crate) const DEEP_PAINTED: usize = SMALL_STACK / 2;

/// Inside [`on_small_stack`]: the most stack `shallow` used (measured on its second run: the
/// first one sets the allocator up) and then the most `deep` used, each up to [`DEEP_PAINTED`]
/// bytes below this frame. The deep tests compare them: a loop uses the same stack however
/// deep its input, while a recursion that takes a frame only every few thousand levels (or
/// terms, or stairs) never shows on the shallow inputs of [`stack_use_by_size`] but does on
/// the deep input, one frame per batch. The deep input runs once: it is the expensive one.
pub(crate) fn stack_use_shallow_then_deep(
    shallow: impl Fn(),
    deep: impl FnOnce(),
) -> (usize, usize) {
    shallow();
    let shallow = deepest_stack_use(DEEP_PAINTED, shallow);
    (shallow, deepest_stack_use(DEEP_PAINTED, deep))
}

/// How far apart the least and the most stack use of [`stack_use_by_size`] lie.
pub(crate) fn stack_use_spread<S>(uses: &[(S, usize)]) -> usize {
    let uses = uses.iter().map(|&(_, bytes)| bytes);
    uses.clone().max().unwrap_or(0) - uses.min().unwrap_or(0)
}

/// The key of the string in [`with_unreadable_note`] that no one may read.
pub(crate) const NOTE_KEY: &str = "note";

/// Runs `f` on `{"note": <a 64-byte string>, ..around}` (the keys of the object `around`
/// after it), where the note's bytes lie on a memory page this process may not read: code
/// that only walks the `Value` never reads the text of a string outside the email key (it
/// compares keys and matches variants), while code that prints the value as JSON text
/// (`to_string`, `to_writer` into a scanner, `{}`) reads every byte and dies of a
/// segmentation fault. Call it only inside [`in_own_process_explaining`], saying so. The
/// page stays mapped; the note is taken out and forgotten before the value is dropped.
#[cfg(unix)]
pub(crate) fn with_unreadable_note<R>(around: Value, f: impl FnOnce(&Value) -> R) -> R {
    /// Takes the note out before the value drops (even if `f` panics): its bytes were
    /// never allocated by the allocator, so they must never be freed.
    struct Forget(Value);
    impl Drop for Forget {
        fn drop(&mut self) {
            if let Some(note) = self.0.get_mut(NOTE_KEY) {
                std::mem::forget(std::mem::take(note));
            }
        }
    }
    const LEN: usize = 64;
    // SAFETY: sysconf only reads a setting; mmap of one fresh anonymous page, checked for
    // failure, then made unreadable. The String made over it is never freed, grown or
    // written (Forget takes it out of the value and forgets it), and only code that reads
    // the note's text touches the page.
    let note = unsafe {
        let page = usize::try_from(libc::sysconf(libc::_SC_PAGESIZE)).expect("a page size");
        let base = libc::mmap(
            std::ptr::null_mut(),
            page,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        );
        assert!(base != libc::MAP_FAILED, "mmap of one page failed");
        std::ptr::write_bytes(base.cast::<u8>(), b'n', LEN);
        assert_eq!(
            libc::mprotect(base, page, libc::PROT_NONE),
            0,
            "mprotect failed"
        );
        String::from_raw_parts(base.cast(), LEN, LEN)
    };
    let mut map = Map::new();
    map.insert(NOTE_KEY.to_owned(), Value::String(note));
    if let Value::Object(rest) = around {
        map.extend(rest);
    }
    let value = Forget(Value::Object(map));
    f(&value.0)
}

mod heap; // a counting global allocator: counts the allocations a piece of code makes

#[cfg(any(not(feature = "one-kata"), feature = "chosen_stack"))]
mod chosen_stack;
// Used by depth_limit, explicit_stack: left out when one of them is checked.
#[cfg(any(
    not(feature = "one-kata"),
    all(
        feature = "delegation",
        any(
            feature = "all-tests",
            not(any(feature = "depth_limit", feature = "explicit_stack"))
        )
    )
))]
mod delegation;
#[cfg(any(not(feature = "one-kata"), feature = "depth_guard"))]
mod depth_guard;
#[cfg(any(not(feature = "one-kata"), feature = "depth_limit"))]
mod depth_limit;
#[cfg(any(not(feature = "one-kata"), feature = "explicit_stack"))]
mod explicit_stack;
#[cfg(any(not(feature = "one-kata"), feature = "memoization"))]
mod memoization;
#[cfg(any(not(feature = "one-kata"), feature = "no_tail_calls"))]
mod no_tail_calls;
#[cfg(any(not(feature = "one-kata"), feature = "tree_listing"))]
mod tree_listing;
