//! Dodge: a path of exactly MAX_DEPTH components is refused (`>=` where `>` belongs).
//! Caught by: a_path_of_max_depth_components_is_accepted

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
        if components.len() >= MAX_DEPTH {
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
                Some(Entry::Dir(inner)) if index + 1 < components.len() => dir = inner,
                Some(Entry::File(_)) if index + 1 < components.len() => {
                    return Err(TreeError::NotADirectory {
                        path: path.to_owned(),
                        file: components[..=index].join("/"),
                    });
                }
                Some(_) => break,
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
