//! # Kata 8: recursion where it belongs
//!
//! **Build** a [`Tree`] of directories and files held in memory, with a depth bounded when
//! it is built, and two recursive walks over it:
//! - [`Tree::add_file`] adds a file at a `/`-separated path, creating the directories on
//!   the way, and refuses what would break the tree's rules (below);
//! - [`Tree::total_size`]: the sum of every file's size;
//! - [`Tree::render`]: an indented listing in which each directory shows the total size of
//!   everything below it, summed bottom-up.
//!
//! **Why.** The article's rule of thumb: recursion is the clearest code for self-similar
//! data (trees, ASTs, directories) *when its depth is guaranteed small*. A directory's
//! size is its files plus its sub-directories' sizes: a recursive function that returns
//! the size of what it just rendered says exactly that, and visits each entry once (no
//! walking a sub-tree again to size it). The guarantee comes from construction:
//! [`MAX_DEPTH`] is checked when a path is added, so no walk ever goes deeper than
//! `MAX_DEPTH` frames.
//!
//! **Python → Rust.** `os.walk` hides the recursion; here you write it. In Rust a
//! recursive enum needs indirection (`Vec` or `Box`) to have a size, and the bound is a
//! property of the type's API: code outside this module cannot build a deeper tree.
//!
//! **The tests check.**
//! - A path is split on `/`; it has at most [`MAX_DEPTH`] components (the file included),
//!   none of them empty: `""`, `"/a"`, `"a//b"` and `"a/"` are [`TreeError::EmptyComponent`];
//!   more components is [`TreeError::TooDeep`]. Checked by `an_empty_component_is_refused`,
//!   `a_path_of_max_depth_components_is_accepted`, `one_component_more_than_max_depth_is_refused`.
//! - A component that is already a file cannot hold more: [`TreeError::NotADirectory`] with
//!   the path of that file. Adding a path that already exists (file or directory) is
//!   [`TreeError::AlreadyExists`]. Checked by `a_file_cannot_hold_other_entries`,
//!   `an_existing_path_is_refused_and_the_tree_is_unchanged`.
//! - A refused `add_file` leaves the tree as it was, with no directory created on the way
//!   (`"new//x"`, `"a/"`, `"new/x/"`, a too-deep path under `new/`). Checked by
//!   `an_existing_path_is_refused_and_the_tree_is_unchanged`,
//!   `a_refused_path_creates_no_directories`.
//! - `render` writes one line per entry, the root first: two spaces of indent per level,
//!   then the name, a `/` after a directory's name, and ` (N bytes)` with N the file's size
//!   or the directory's total; every line ends with `\n`; the entries of a directory come
//!   in byte order of their names, directories and files mixed (the listing below); an empty
//!   tree is one line. Checked by `renders_an_indented_listing_with_sizes_summed_bottom_up`,
//!   `directory_sizes_include_everything_below_them`, `an_empty_tree_is_one_line`.
//! - Sizes add up in a `u128`: no sum of `u64` sizes can overflow it in practice (a file of
//!   `u64::MAX` bytes beside others makes a total past `u64::MAX`, in the root's and its
//!   directory's line too). Checked by `the_total_size_adds_every_file`,
//!   `sizes_past_u64_add_up_in_a_u128`.
//! - A tree [`MAX_DEPTH`] deep renders on a 256 KiB stack. Checked by
//!   `rendering_the_deepest_tree_fits_a_256_kib_stack`.
//! - The walks are as deep as the tree, not as wide: `render` and `total_size` loop over a
//!   directory's entries (recursing only into a sub-directory), so the most stack they use
//!   (the test paints the stack and looks for the lowest byte written) is the same, within
//!   512 bytes, for 1 to 1,000 files beside a directory in the root and in `src/`, and 1 to
//!   1,000 sibling sub-directories in the root (a call for the rest of the entries after
//!   each sub-directory goes a frame deeper per sibling). And
//!   `add_file` checks a path's components in a loop: refusing a path (an empty last
//!   component after 1 to 1,000 names, or 1 to 1,000 components past [`MAX_DEPTH`]) uses the
//!   same stack however long the path. Checked by
//!   `rendering_uses_the_same_stack_however_wide_a_directory_is`,
//!   `checking_a_path_uses_the_same_stack_however_many_components_it_has`.
//!
//! ```text
//! project/ (1300 bytes)
//!   README.md (300 bytes)
//!   src/ (1000 bytes)
//!     lib.rs (800 bytes)
//!     main.rs (200 bytes)
//! ```
//!
//! **Not checked.** That `render` visits each entry once (sizing a directory with a second
//! walk gives the same listing), nor that the tree is a recursive type walked recursively
//! at all (a flat map from full paths to sizes, each directory sized by rescanning every
//! path under it, gives the same listing and errors); no test can see the walks or the
//! shape of a tree held in private types. Nor what `add_file` costs (cloning the whole tree
//! and swapping it in gives the same results). Nor that sizes are summed at all: running
//! totals that `add_file` adds to every ancestor give the same listing (the tree has no
//! way to remove or resize a file that would let them drift).
//!
//! **Not a dodge.** Sizes summed in a `u64` with a count of the times it wrapped
//! (`overflowing_add`, then the count shifted 64 bits up and the sum added): a tree holds far
//! fewer than `u64::MAX` files, so the count cannot wrap and every total is exact. The lesson
//! is the walk, not the integer width: exact arithmetic by any means is fine. Nor
//! `add_file` creating the directories as it walks the path, with no check of the whole path
//! first: empty and too-deep paths are refused before anything is built, and a file in the
//! way or an existing entry can only be met on the part of the path that already exists,
//! before the first new directory (every component after a new one is new too), so a refused
//! path leaves the tree as it was either way.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The most components a path may have, and so the deepest any walk of a tree goes.
pub const MAX_DEPTH: usize = 16;

/// Why a file could not be added.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TreeError {
    /// The path is empty or has an empty component.
    #[error("{path:?} has an empty component")]
    EmptyComponent {
        /// The path given.
        path: String,
    },
    /// The path has more than `max` components.
    #[error("{path:?} has {depth} components; at most {max} are allowed")]
    TooDeep {
        /// The path given.
        path: String,
        /// Its number of components.
        depth: usize,
        /// [`MAX_DEPTH`].
        max: usize,
    },
    /// A component of the path is a file.
    #[error("{file:?} is a file, so {path:?} cannot be inside it")]
    NotADirectory {
        /// The path given.
        path: String,
        /// The path of the file in the way.
        file: String,
    },
    /// The path already exists.
    #[error("{path:?} already exists")]
    AlreadyExists {
        /// The path given.
        path: String,
    },
}

/// A directory tree in memory, at most [`MAX_DEPTH`] levels below its root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tree {
    name: String,
    root: Dir,
}

/// A directory: its entries by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Dir {
    entries: BTreeMap<String, Entry>,
}

/// One entry of a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    File(u64),
    Dir(Dir),
}

impl Tree {
    /// An empty tree whose root directory is called `name`.
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            root: Dir::default(),
        }
    }

    /// Adds a file of `size` bytes at `path`, creating the directories on the way.
    pub fn add_file(&mut self, path: &str, size: u64) -> Result<(), TreeError> {
        let components: Vec<&str> = path.split('/').collect();
        if components.iter().any(|component| component.is_empty()) {
            return Err(TreeError::EmptyComponent {
                path: path.to_owned(),
            });
        }
        if components.len() > MAX_DEPTH {
            return Err(TreeError::TooDeep {
                path: path.to_owned(),
                depth: components.len(),
                max: MAX_DEPTH,
            });
        }
        self.check_room(path, &components)?;
        let (file, dirs) = components
            .split_last()
            .ok_or_else(|| TreeError::EmptyComponent {
                path: path.to_owned(),
            })?;
        let mut dir = &mut self.root;
        for (index, name) in dirs.iter().enumerate() {
            let entry = dir
                .entries
                .entry((*name).to_owned())
                .or_insert_with(|| Entry::Dir(Dir::default()));
            dir = match entry {
                Entry::Dir(inner) => inner,
                Entry::File(_) => {
                    return Err(TreeError::NotADirectory {
                        path: path.to_owned(),
                        file: components[..=index].join("/"),
                    });
                }
            };
        }
        dir.entries.insert((*file).to_owned(), Entry::File(size));
        Ok(())
    }

    /// Checks, without changing anything, that `components` can be added.
    fn check_room(&self, path: &str, components: &[&str]) -> Result<(), TreeError> {
        let mut dir = &self.root;
        for (index, name) in components.iter().enumerate() {
            match dir.entries.get(*name) {
                None => return Ok(()),
                Some(Entry::Dir(inner)) => dir = inner,
                Some(Entry::File(_)) if index + 1 < components.len() => {
                    return Err(TreeError::NotADirectory {
                        path: path.to_owned(),
                        file: components[..=index].join("/"),
                    });
                }
                Some(Entry::File(_)) => break,
            }
        }
        Err(TreeError::AlreadyExists {
            path: path.to_owned(),
        })
    }

    /// The sum of the sizes of every file in the tree.
    pub fn total_size(&self) -> u128 {
        self.root.size()
    }

    /// The indented listing, each directory with the total size below it.
    pub fn render(&self) -> String {
        let mut below = String::new();
        let total = self.root.render_entries(1, &mut below);
        format!("{}/ ({total} bytes)\n{below}", self.name)
    }
}

impl Dir {
    /// The total size of the files below this directory.
    fn size(&self) -> u128 {
        self.entries
            .values()
            .map(|entry| match entry {
                Entry::File(size) => u128::from(*size),
                Entry::Dir(dir) => dir.size(),
            })
            .sum()
    }

    /// Writes this directory's entries at `level` into `out`; returns their total size.
    fn render_entries(&self, level: usize, out: &mut String) -> u128 {
        let indent = "  ".repeat(level);
        let mut total = 0;
        for (name, entry) in &self.entries {
            let size = match entry {
                Entry::File(size) => {
                    let _ = writeln!(out, "{indent}{name} ({size} bytes)");
                    u128::from(*size)
                }
                Entry::Dir(dir) => {
                    let mut below = String::new();
                    let size = dir.render_entries(level + 1, &mut below);
                    let _ = writeln!(out, "{indent}{name}/ ({size} bytes)");
                    out.push_str(&below);
                    size
                }
            };
            total += size;
        }
        total
    }
}
