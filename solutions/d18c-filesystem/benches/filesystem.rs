//! The article makes two performance claims about the file system: `rglob` is two to three
//! times slower than `scandir` on big trees, and streaming a file keeps memory flat where
//! `read()` does not (memory is measured by the suite's counting allocator, not here).
//! This bench measures the Rust counterparts of the time side:
//!
//! - **walk**: kata 7's `find_files` (`read_dir` with an explicit stack) against the
//!   `walkdir` crate, on a tree of 3,000 files in 5 levels of directories.
//! - **scan**: kata 4's `critical_lines` (one reused buffer) against `fs::read_to_string`
//!   followed by `str::lines`, on a log of about 8 MB.
//!
//! Run: `nice cargo bench -p solution-d18c-filesystem --bench filesystem`

// The bench needs two katas' modules; under `one-kata` (one kata compiled alone) it is empty.
#[cfg(not(feature = "one-kata"))]
mod all {
    use std::fs::{self, File};
    use std::hint::black_box;
    use std::io::{BufWriter, Write};
    use std::path::{Path, PathBuf};

    use criterion::{Criterion, criterion_group};
    use solution_d18c_filesystem::stream_lines::critical_lines;
    use solution_d18c_filesystem::walk_tree::find_files;

    /// A tree of `dirs` directories, each 1 to 5 levels deep, with 6 files each.
    fn build_tree(root: &Path, dirs: usize) {
        for d in 0..dirs {
            let mut dir = root.to_owned();
            for level in 0..=(d % 5) {
                dir.push(format!("l{level}-{}", (d / (level + 1)) % 7));
            }
            if let Err(e) = fs::create_dir_all(&dir) {
                panic!("cannot create {}: {e}", dir.display());
            }
            for f in 0..6 {
                let ext = if f % 2 == 0 { "csv" } else { "txt" };
                if let Err(e) = fs::write(dir.join(format!("f{d}-{f}.{ext}")), "x") {
                    panic!("cannot write in {}: {e}", dir.display());
                }
            }
        }
    }

    fn walkdir_csv(root: &Path) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(walkdir::DirEntry::into_path)
            .filter(|p| p.extension().is_some_and(|ext| ext == "csv"))
            .collect();
        files.sort();
        files
    }

    fn walk(c: &mut Criterion) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("no temp dir: {e}"));
        build_tree(dir.path(), 500);
        let mut group = c.benchmark_group("walk 3000 files");
        group.bench_function("find_files (read_dir, explicit stack)", |b| {
            b.iter(|| find_files(black_box(dir.path()), "csv").map(|w| w.files.len()));
        });
        group.bench_function("walkdir", |b| {
            b.iter(|| walkdir_csv(black_box(dir.path())).len());
        });
        group.finish();
    }

    fn write_log(path: &Path) {
        let file = File::create(path).unwrap_or_else(|e| panic!("cannot create the log: {e}"));
        let mut out = BufWriter::new(file);
        for i in 0_u32..160_000 {
            let level = if i % 50 == 0 { "CRITICAL" } else { "INFO" };
            if let Err(e) = writeln!(out, "2026-04-04T14:36:54Z {level} worker={i:06} handled") {
                panic!("cannot write the log: {e}");
            }
        }
        if let Err(e) = out.flush() {
            panic!("cannot flush the log: {e}");
        }
    }

    fn scan(c: &mut Criterion) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("no temp dir: {e}"));
        let path = dir.path().join("app.log");
        write_log(&path);
        let mut group = c.benchmark_group("scan an 8 MB log");
        group.bench_function("critical_lines (streaming)", |b| {
            b.iter(|| {
                critical_lines(black_box(&path), "CRITICAL").map(|lines| lines.flatten().count())
            });
        });
        group.bench_function("read_to_string + lines (slurp)", |b| {
            b.iter(|| {
                fs::read_to_string(black_box(&path))
                    .map(|text| text.lines().filter(|l| l.contains("CRITICAL")).count())
            });
        });
        group.finish();
    }

    criterion_group!(benches, walk, scan);
}

#[cfg(not(feature = "one-kata"))]
criterion::criterion_main!(all::benches);

#[cfg(feature = "one-kata")]
fn main() {}
