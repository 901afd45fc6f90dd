//! Freshness by content, never by mtime (issue 32, item 1): a file put back with an older
//! modification time than the last build (`cp -p`, `mv`, `tar x`, `touch -d`) is judged by its
//! bytes, not by the test executable cargo built from the file before it.

mod common;

use std::path::Path;
use std::time::{Duration, SystemTime};

use common::{ADD_SOLUTION, ADD_STUB, Fixture};

/// Puts `text` at `rel` the way `cp -p` of an old file does: written elsewhere, given an mtime
/// an hour back, renamed over the file.
fn put_back_old(f: &Fixture, rel: &str, text: &str) {
    let dest = f.root.join(rel);
    let tmp = f.root.join("old-attempt.tmp");
    std::fs::write(&tmp, text).unwrap();
    let old = SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&tmp)
        .unwrap()
        .set_modified(old)
        .unwrap();
    std::fs::rename(&tmp, &dest).unwrap();
}

/// Leaves cargo to decide: no replay record (as after `touch Cargo.lock` twice).
fn forget_replays(root: &Path) {
    let _ = std::fs::remove_dir_all(root.join(".kata/replay"));
}

#[test]
fn a_wrong_file_put_back_with_an_old_mtime_is_red() {
    let f = Fixture::new("fresh-old-mtime");
    f.write("katas/s1-demo/src/add.rs", ADD_SOLUTION);
    let green = f.kata(&["check", "add"]);
    green.expect(0, &[]);
    forget_replays(&f.root);
    let again = f.kata(&["check", "add"]);
    again.expect(0, &[]);
    forget_replays(&f.root);

    put_back_old(&f, "katas/s1-demo/src/add.rs", ADD_STUB);
    let r = f.kata(&["check", "add"]);
    assert_eq!(r.code, 1, "the stub's bytes are on disk: {r:?}");
    assert!(r.stdout.contains("not yet implemented"), "{r:?}");
}

#[test]
fn a_wrong_module_file_put_back_with_an_old_mtime_is_red() {
    let f = Fixture::new("fresh-old-module");
    f.write(
        "katas/s1-demo/src/add.rs",
        "//! Add two numbers.\n\nmod helper;\n\n/// Adds `a` and `b`.\npub fn add(a: u32, b: u32) -> u32 {\n    helper::sum(a, b)\n}\n",
    );
    f.write(
        "katas/s1-demo/src/add/helper.rs",
        "pub fn sum(a: u32, b: u32) -> u32 {\n    a + b\n}\n",
    );
    let green = f.kata(&["check", "add"]);
    green.expect(0, &[]);
    forget_replays(&f.root);

    put_back_old(
        &f,
        "katas/s1-demo/src/add/helper.rs",
        "pub fn sum(a: u32, b: u32) -> u32 {\n    a * b\n}\n",
    );
    let r = f.kata(&["check", "add"]);
    assert_eq!(r.code, 1, "the wrong module's bytes are on disk: {r:?}");
}
